from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from guildhall.site.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Back up the database (SQLite online backup or pg_dump) and the uploaded files into "
            "a new folder, with a manifest of SHA-256s.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", required=True, help="a new (or empty) folder")

    def handle(self, *args: Any, out: str, **options: Any) -> None:
        try:
            manifest = backup(Path(out))
        except BackupError as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"backup written to {out}: {manifest['engine']} database, "
                          f"{len(manifest['files'])} files, "
                          f"{manifest['audit']['records']} audit records")
