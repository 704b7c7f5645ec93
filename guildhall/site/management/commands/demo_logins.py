from typing import Any

from django.core.management.base import BaseCommand

from guildhall.site.demo import demo_logins


class Command(BaseCommand):
    help = "Print the demo accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        for username, what in demo_logins():
            self.stdout.write(f"  {username:<18} {what}")
