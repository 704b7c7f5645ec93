from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The site on top of every app: URLs, home pages, navigation, the audit trail page,
    demo and scale data, which may draw on any module."""

    name = "guildhall.site"
    label = "site"
    verbose_name = _("Site")

    def ready(self) -> None:
        from guildhall.core.nav import NavItem, register_nav

        register_nav(NavItem(_("Home"), "site:org_home", None, order=0))
        register_nav(NavItem(_("Audit trail"), "site:audit_log", "audit.view", order=95))
