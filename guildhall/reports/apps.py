from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "guildhall.reports"
    verbose_name = _("Annual reports")

    def ready(self) -> None:
        from guildhall.core.nav import NavItem, register_nav
        from guildhall.reports import permissions  # noqa: F401  (registration)

        register_nav(NavItem(_("Annual report"), "reports:report_current", "reports.view", order=70))
        register_nav(NavItem(_("Annual reports"), "reports:overview", "reports.oversee", order=70))
