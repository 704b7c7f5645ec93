from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from guildhall.audit.services import verify_chain, verify_export


class Command(BaseCommand):
    help = "Verify the audit hash chain in the database, or an export file with --file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", help="verify this export instead of the database")

    def handle(self, *args: Any, file: str | None = None, **options: Any) -> None:
        if file:
            try:
                with open(file, encoding="utf-8") as fh:
                    data = json.load(fh)
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot read {file}: {exc}") from exc
            result = verify_export(data)
        else:
            result = verify_chain()
        if not result.ok:
            raise CommandError(f"audit chain BROKEN: {result.problem}", returncode=1)
        masked = f" ({result.masked} with personal values masked by an erasure)" \
            if result.masked else ""
        self.stdout.write(f"audit chain OK: {result.count} records{masked}")
