from typing import Any

from django.core.management.base import BaseCommand

from guildhall.site.scale import seed_scale


class Command(BaseCommand):
    help = "Add province-scale data (2,000 associations, 5 years of records) for the benchmarks."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--associations", type=int, default=2000)
        parser.add_argument("--years", type=int, default=5)

    def handle(self, *args: Any, associations: int, years: int, **options: Any) -> None:
        seed_scale(associations=associations, years=years, log=self.stdout.write)
