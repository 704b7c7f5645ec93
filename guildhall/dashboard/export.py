"""The dashboard's filtered rows as .xlsx, written as they are read by `lib.xlsx` (flat
memory for 2,000 rows, streamed out in chunks; openpyxl's write-only workbook took forty
times a small page for them); a text that a spreadsheet would run as a formula is written
with a leading apostrophe.

Each row's line is kept ready in every language (`ExportLine`, written by `write_lines`
whenever the row is refreshed), so the export reads the lines and joins them, writing only
each row's day of last activity (the day depends on the export's time zone): converting and
writing 2,000 rows' values was two thirds of the export. A row without a line of the current
version is written from its values, the same way."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import CharField, Exists, FilteredRelation, OuterRef, Q, QuerySet
from django.db.models.functions import Cast, TruncDate
from django.db.models.sql.constants import MULTI
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from guildhall.dashboard.cells import export_chunks, export_fields, export_header, labels, local_day
from guildhall.dashboard.models import ExportLine, Row
from guildhall.dashboard.sources import Column, columns
from guildhall.lib import xlsx as sheet
from guildhall.orgs.services import looks_like_formula

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralized(value: Any) -> Any:
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def driver_chunks(rows: QuerySet, fields: list[str]) -> Iterator[list[tuple[Any, ...]]]:
    """The rows' `fields` as the database driver gives them, 500 rows at a time. Django's
    own conversion of each value (making datetimes aware, floats decimals) cost more than
    writing the cells; `cells.export_chunks` takes the driver's values as they come."""
    vendor = connections[rows.db].vendor
    if "last_activity" in fields and vendor in ("postgresql", "sqlite"):
        # The time of the last activity read cheaply: the day computed by PostgreSQL, whose
        # driver makes each time an aware datetime (as costly as the rest of the row); the
        # UTC time as SQLite holds it, a text its driver would parse into a datetime.
        day = (TruncDate("last_activity", tzinfo=timezone.get_current_timezone())
               if vendor == "postgresql" else Cast("last_activity", CharField()))
        rows = rows.annotate(export_day=day)
        fields = ["export_day" if f == "last_activity" else f for f in fields]
    compiler = rows.values_list(*fields).query.get_compiler(using=rows.db)
    yield from compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=500)


#: The field whose cell each export writes itself, between a line's head and tail.
LIVE = "last_activity"
#: Changed whenever the lines' writing changes (the stored lines are then written again).
FORMAT = "1"


def version(shown: list[Column]) -> str:
    """What a line of these columns written now in the current language depends on besides
    its row's values: the columns, the labels of the coded values, the format."""
    signature = "\x00".join([FORMAT, *(c.key for c in shown), *labels(shown)])
    return hashlib.sha256(signature.encode()).hexdigest()[:16]


def line_parts(shown: list[Column]) -> Callable[[list[tuple[Any, ...]]], list[tuple[str, str]]]:
    """A function from rows' `export_fields` driver values to each row's line in the current
    language, as its part before the cell of `LIVE` and its part after (the whole line and ""
    without that column)."""
    fields = export_fields(shown)
    at = fields.index(LIVE) if LIVE in fields else None
    convert = export_chunks(shown, neutralized)

    def parts(chunk: list[tuple[Any, ...]]) -> list[tuple[str, str]]:
        if at is None:
            return [("<row>" + sheet.cells(values) + "</row>", "") for values in convert(chunk)]
        return [("<row>" + sheet.cells(values[:at]), sheet.cells(values[at + 1:]) + "</row>")
                for values in convert(chunk)]

    return parts


def _values(rows: QuerySet, fields: list[str]) -> Iterator[tuple[int, list[tuple[Any, ...]]]]:
    """The rows' keys and `fields` driver values, a chunk at a time."""
    for chunk in driver_chunks(rows.order_by(), ["pk", *fields]):
        yield [r[0] for r in chunk], [r[1:] for r in chunk]


def write_lines(org_ids: Iterable[int], using: str = "default") -> int:
    """Write the export lines of these rows in every language (with their row's refresh).
    A line that is already what it would be is left as it is: most refreshes change no
    figure the export shows, and a rewritten line is a dead row for PostgreSQL to vacuum."""
    shown = columns()
    fields = export_fields(shown)
    written = 0
    for pks, values in _values(Row.objects.using(using).filter(pk__in=list(org_ids)), fields):
        kept = {(pk, language): (found, head, tail) for pk, language, found, head, tail in
                ExportLine.objects.using(using).filter(row_id__in=pks).values_list(
                    "row_id", "language", "version", "head", "tail")}
        lines = []
        for language, _name in settings.LANGUAGES:
            with override(language):
                found, parts = version(shown), line_parts(shown)(values)
            lines += [ExportLine(row_id=pk, language=language, version=found, head=head, tail=tail)
                      for pk, (head, tail) in zip(pks, parts, strict=True)
                      if kept.get((pk, language)) != (found, head, tail)]
        if lines:
            ExportLine.objects.using(using).bulk_create(
                lines, update_conflicts=True, unique_fields=["row", "language"],
                update_fields=["version", "head", "tail"])
        written += len(lines)
    return written


def rows_without_lines() -> set[int]:
    """The rows missing a line of the current version in some language (after a deployment
    that changed the columns, a label's translation or the format)."""
    shown = columns()
    ids: set[int] = set()
    for language, _name in settings.LANGUAGES:
        with override(language):
            current = version(shown)
        ids.update(Row.objects.filter(~Exists(ExportLine.objects.filter(
            row=OuterRef("pk"), language=language, version=current))).values_list("pk", flat=True))
    return ids


def xlsx(rows: QuerySet) -> Iterator[bytes]:
    """The rows as a workbook: each row's line read as it was kept (`write_lines`) with the
    day of its last activity, or written from its values when it has no line of the current
    version in the current language."""
    shown = columns()
    fields = export_fields(shown)
    lined = rows.annotate(line=FilteredRelation("export_lines", condition=Q(
        export_lines__language=get_language(), export_lines__version=version(shown))))
    read = ["pk", "line__head", "line__tail", *([LIVE] if LIVE in fields else [])]
    return sheet.stream_lines(_("Associations"), [neutralized(h) for h in export_header(shown)],
                              _lines(lined, read, shown, fields))


def _lines(rows: QuerySet, read: list[str], shown: list[Column], fields: list[str]) -> Iterator[str]:
    day = local_day()
    day_cells: dict[str, str] = {}
    parts = None
    for chunk in driver_chunks(rows, read):
        missing = [r[0] for r in chunk if r[1] is None]
        written: dict[int, tuple[str, str]] = {}
        if missing:
            parts = parts or line_parts(shown)
            for pks, values in _values(Row.objects.using(rows.db).filter(pk__in=missing), fields):
                written.update(zip(pks, parts(values), strict=True))
        for pk, head, tail, *live in chunk:
            if head is None:
                head, tail = written[pk]
            if live:
                text = day(live[0])
                cell = day_cells.get(text)
                if cell is None:
                    cell = day_cells[text] = sheet.cells((neutralized(text),))
                yield head + cell + tail
            else:
                yield head + tail
