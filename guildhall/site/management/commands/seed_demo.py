from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from guildhall.orgs.demo import DEFAULT_PASSWORD
from guildhall.site.demo import seed


class Command(BaseCommand):
    help = "Create the demo organizations, people and records (safe to run again)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--password", default=DEFAULT_PASSWORD)
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when the database already has organizations")

    def handle(self, *args: Any, password: str, if_empty: bool, **options: Any) -> None:
        from guildhall.orgs.models import Organization

        if if_empty and Organization.objects.exists():
            self.stdout.write("database not empty: demo data left as it is")
            return
        # The demo's notices are e-mailed to files, not to the terminal or to anyone.
        mail = settings.VAR_DIR / "demo-mail"
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                               EMAIL_FILE_PATH=str(mail)):
            cast = seed(password)
        self.stdout.write(f"demo data ready: {len(cast.orgs)} organizations, "
                          f"{len(cast.users)} people; password {password!r}; "
                          f"the demo's e-mails are in {mail}/")
