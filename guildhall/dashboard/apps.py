from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The supervisor's dashboard: one row of figures per association below, read from every
    module that is installed. It sits above the modules and below the site."""

    name = "guildhall.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from guildhall.audit.models import AuditRecord
        from guildhall.core.nav import NavItem, register_nav
        from guildhall.dashboard import home, permissions, services  # noqa: F401

        register_nav(NavItem(_("Dashboard"), "dashboard:dashboard", "dashboard.view", order=1))
        post_save.connect(services.on_audit_record, sender=AuditRecord,
                          dispatch_uid="dashboard.refresh_on_write")
