"""Command-line interface: ``python -m guildhall.checker`` / ``guildhall scan``.

Imports nothing from Django and defers heavy libraries, so it starts quickly.
Exit status: 0 nothing found, 1 findings, 2 a file could not be read (2 wins).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence

from .engine import ENGINES
from .extract import DEFAULT_MAX_BYTES, DEFAULT_TIME_BUDGET, SCANNABLE_EXTENSIONS
from .scanner import Hit, scan_file_hits
from .types import ALL_TYPES, CheckerError, EngineUnavailableError, Finding

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
_WS = re.compile(r"\s+")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="guildhall scan",
        description="Find personal information, secrets markings and confidential terms "
        "in text files, Markdown, HTML, .docx, .xlsx and .pdf.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    parser.add_argument("--format", choices=("text", "jsonl"), default="text")
    parser.add_argument(
        "--types", help=f"comma-separated finding types (default all): {','.join(ALL_TYPES)}"
    )
    parser.add_argument("--terms", metavar="FILE", help="UTF-8 file, one confidential term a line")
    parser.add_argument("--reveal", action="store_true", help="show full values (default masked)")
    parser.add_argument("--engine", choices=ENGINES, default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--max-mb",
        type=float,
        default=DEFAULT_MAX_BYTES / (1024 * 1024),
        help="size limit for documents in MB (plain text is streamed and unlimited)",
    )
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIME_BUDGET, help="seconds allowed per file"
    )
    return parser


def _iter_files(paths: Sequence[str]) -> Iterator[tuple[str, bool]]:
    """Yield (path, explicit) for every file to scan; directories recurse."""
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if os.path.splitext(name)[1].lower() in SCANNABLE_EXTENSIONS:
                        yield os.path.join(root, name), False
        else:
            yield path, True


def _read_terms(path: str) -> list[str]:
    with open(path, encoding="utf-8-sig") as fh:
        return [line.strip() for line in fh if line.strip()]


def render_excerpt(hit: Hit, findings: Sequence[Finding], *, reveal: bool) -> str:
    """Return the hit's excerpt on one line, masking every value it shows unless revealing."""
    text, x0 = hit.excerpt, hit.excerpt_start
    if not reveal:
        chars = list(text)
        for f in findings:
            a, b = max(f.start, x0), min(f.end, x0 + len(text))
            if a >= b:
                continue
            # mask() keeps the length, so the masked slice lines up with the text.
            chars[a - x0 : b - x0] = f.masked[a - f.start : b - f.start]
        text = "".join(chars)
    text = _WS.sub(" ", text).strip()
    head = "…" if x0 > 0 else ""
    return f"{head}{text}…"


def main(argv: list[str] | None = None) -> int:
    """Scan the given paths and print findings; return the exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help or a usage error
        return int(exc.code or 0)
    types = [t for t in args.types.split(",") if t.strip()] if args.types else None
    if types:
        unknown = {t.strip().upper() for t in types} - set(ALL_TYPES)
        if unknown:
            print(f"error: unknown type(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return EXIT_ERROR
    terms: list[str] = []
    if args.terms:
        try:
            terms = _read_terms(args.terms)
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{args.terms}: error [terms]: cannot read terms file: {exc}", file=sys.stderr)
            return EXIT_ERROR
    max_bytes = int(args.max_mb * 1024 * 1024) if args.max_mb > 0 else None
    timeout = args.timeout if args.timeout > 0 else None

    out = sys.stdout
    found = errors = files = 0
    for path, explicit in _iter_files(args.paths):
        files += 1
        if explicit and not os.path.exists(path):
            print(f"{path}: error [missing]: no such file or directory", file=sys.stderr)
            errors += 1
            continue
        try:
            hits = scan_file_hits(
                path,
                types=types,
                terms=terms,
                max_bytes=max_bytes,
                time_budget=timeout,
                engine=args.engine,
            )
        except CheckerError as exc:
            print(f"{path}: error [{exc.code}]: {exc.message}", file=sys.stderr)
            errors += 1
            continue
        except (EngineUnavailableError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_ERROR
        found += len(hits)
        findings = [h.finding for h in hits]
        for hit in hits:
            f = hit.finding
            if args.format == "jsonl":
                record: dict[str, object] = {"path": path, **f.to_dict(reveal=args.reveal)}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                where = f.location or f"offset {f.start}"
                shown = f.value if args.reveal else f.masked
                excerpt = render_excerpt(hit, findings, reveal=args.reveal)
                out.write(f"{path}:{where}: {f.type} {shown} ({f.detail})\n    {excerpt}\n")
    if args.format == "text":
        summary = f"{found} finding(s) in {files} file(s)"
        if errors:
            summary += f"; {errors} file(s) could not be read"
        out.write(summary + "\n")
    out.flush()
    if errors:
        return EXIT_ERROR
    return EXIT_FOUND if found else EXIT_CLEAN
