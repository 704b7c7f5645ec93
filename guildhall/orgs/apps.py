from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "guildhall.orgs"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from guildhall.core.nav import NavItem, register_nav

        register_nav(NavItem(_("Associations"), "orgs:associations", "org.view_below", order=10))
        register_nav(NavItem(_("Members"), "orgs:members", "org.view_members", order=90))
