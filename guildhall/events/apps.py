from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "guildhall.events"
    verbose_name = _("Event filings")

    def ready(self) -> None:
        from guildhall.core.nav import NavItem, register_nav
        from guildhall.events import home, links, permissions, reminders, report, search  # noqa: F401  (registration)
        from guildhall.orgs.signals import organization_renamed

        organization_renamed.connect(search.organization_renamed, dispatch_uid="events.search")

        register_nav(NavItem(_("Event filings"), "events:filing_list", "events.list", order=40))
        register_nav(NavItem(_("Approval queue"), "events:filing_queue", "events.queue", order=41))
        register_nav(NavItem(_("Event calendar"), "events:event_calendar", "events.calendar", order=42))
        register_nav(NavItem(_("Filing rules"), "events:filing_rules", "events.rules", order=43))
