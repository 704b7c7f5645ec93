from typing import Any

from django.core.management.base import BaseCommand

from guildhall.notifications.services import tick


class Command(BaseCommand):
    help = "Send due reminders and escalations once (for cron; the job runner does it every minute)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{tick()} notifications sent")
