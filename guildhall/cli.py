"""The `guildhall` command: Django's management commands, plus `scan` without Django."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "scan":
        # The checker needs no database and no settings, and must start quickly.
        from guildhall.checker.cli import main as scan

        try:
            return scan(argv[2:])
        except BrokenPipeError:  # `guildhall scan … | head` closed the pipe: not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guildhall.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
