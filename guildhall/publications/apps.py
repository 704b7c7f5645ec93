from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "guildhall.publications"
    verbose_name = _("Channels and publications")

    def ready(self) -> None:
        from guildhall.core.nav import NavItem, register_nav
        from guildhall.publications import home, links, permissions, reminders, report  # noqa: F401  (registration)

        register_nav(NavItem(_("Publications"), "publications:publication_list", "publications.list", order=50))
        register_nav(NavItem(_("Waiting for my review"), "publications:publication_waiting",
                             "publications.waiting", order=51))
        register_nav(NavItem(_("Channels"), "publications:channel_list", "publications.list", order=52))
        register_nav(NavItem(_("Publication settings"), "publications:publication_settings",
                             "publications.settings", order=53))
