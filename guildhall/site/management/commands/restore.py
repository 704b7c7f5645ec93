from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from guildhall.site.backup import BackupError, check_folder, restore


class Command(BaseCommand):
    help = ("Restore a folder written by `guildhall backup`: check it against its manifest, "
            "replace the database and the uploaded files, then verify the audit chain and "
            "every stored file. Stop the app servers and the job runner first.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("folder")
        parser.add_argument("--check", action="store_true",
                            help="only check the folder against its manifest; change nothing")
        parser.add_argument("--yes", action="store_true",
                            help="do not ask before replacing this installation's data")

    def handle(self, *args: Any, folder: str, check: bool = False, yes: bool = False,
               **options: Any) -> None:
        try:
            if check:
                manifest = check_folder(Path(folder))
                self.stdout.write(f"backup OK: {len(manifest['files'])} files match the manifest")
                return
            if not yes and input("This replaces the database and the uploaded files. "
                                 "Type yes to go on: ").strip() != "yes":
                raise CommandError("nothing was changed")
            result = restore(Path(folder))
        except BackupError as exc:
            raise CommandError(str(exc))
        if not result.ok:
            raise CommandError("restored, but the check found problems:\n  "
                               + "\n  ".join(result.problems), returncode=1)
        self.stdout.write(f"restored and checked: audit chain OK ({result.audit_records} "
                          f"records), {result.files_checked} stored files OK")
