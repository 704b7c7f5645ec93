from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "guildhall.meetings"
    verbose_name = _("Special meetings")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from guildhall.core.nav import NavItem, register_nav
        from guildhall.meetings import counts, home, links, permissions, reminders, report  # noqa: F401  (registration)
        from guildhall.meetings.models import Meeting

        register_nav(NavItem(_("Special meetings"), "meetings:meeting_list", "meetings.list", order=35))
        register_nav(NavItem(_("Special meetings"), "meetings:meeting_overview", "meetings.overview",
                             order=36))
        register_nav(NavItem(_("Meeting rules"), "meetings:meeting_rules", "meetings.rules", order=37))
        post_delete.connect(counts.deleted, sender=Meeting, dispatch_uid="meetings.held_count")
