from django.core.management.base import BaseCommand

from guildhall.dashboard import services


class Command(BaseCommand):
    help = "Recompute the dashboard's row of every association from the records."

    def add_arguments(self, parser):
        parser.add_argument("--stale", action="store_true", help="only the rows gone stale")

    def handle(self, *args, **options):
        count = services.refresh_stale(None, limit=None) if options["stale"] else services.refresh_all()
        self.stdout.write(f"{count} rows")
