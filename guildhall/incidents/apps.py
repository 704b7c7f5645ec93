from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "guildhall.incidents"
    verbose_name = _("Incidents and important situations")

    def ready(self) -> None:
        from guildhall.core.nav import NavItem, register_nav
        from guildhall.incidents import home, permissions, reminders, report  # noqa: F401  (registration)

        register_nav(NavItem(_("Incidents"), "incidents:incident_list", "incidents.list", order=60))
        register_nav(NavItem(_("Incident board"), "incidents:incident_board", "incidents.board",
                             order=61))
        register_nav(NavItem(_("Incident rules"), "incidents:incident_rules", "incidents.rules",
                             order=62))
