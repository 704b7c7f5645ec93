"""The dashboard's filtered rows as .xlsx, written as they are read by `lib.xlsx` (flat
memory for 2,000 rows, streamed out in chunks; openpyxl's write-only workbook took forty
times a small page for them); a text that a spreadsheet would run as a formula is written
with a leading apostrophe."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import connections
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast, TruncDate
from django.db.models.sql.constants import MULTI
from django.utils import timezone
from django.utils.translation import gettext as _

from guildhall.dashboard.cells import export_chunks, export_fields, export_header
from guildhall.dashboard.sources import columns
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


def xlsx(rows: QuerySet) -> Iterator[bytes]:
    """The rows as a workbook, read as plain values (the fields the columns need; a row and
    its organization built as objects cost more than writing them), converted a chunk of
    rows at a time."""
    shown = columns()
    convert = export_chunks(shown, neutralized)
    lines = (line for chunk in driver_chunks(rows, export_fields(shown)) for line in convert(chunk))
    return sheet.stream(_("Associations"), [neutralized(h) for h in export_header(shown)], lines)
