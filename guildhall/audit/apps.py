from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "guildhall.audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from guildhall.core.nav import NavItem, register_nav

        register_nav(NavItem(_("Audit trail"), "audit:audit_log", "audit.view", order=95))
