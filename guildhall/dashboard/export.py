"""The dashboard's filtered rows as .xlsx, written as they are read by `lib.xlsx` (flat
memory for 2,000 rows, streamed out in chunks; openpyxl's write-only workbook took forty
times a small page for them); a text that a spreadsheet would run as a formula is written
with a leading apostrophe."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.db.models.sql.constants import MULTI
from django.utils.translation import gettext as _

from guildhall.dashboard.cells import export_fields, export_header, export_rows
from guildhall.dashboard.sources import columns
from guildhall.lib import xlsx as sheet
from guildhall.orgs.services import FORMULA_START, looks_like_formula

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralized(value: Any) -> Any:
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def driver_values(rows: QuerySet, fields: list[str]) -> Iterator[tuple[Any, ...]]:
    """The rows' `fields` as the database driver gives them, 500 at a time. Django's own
    conversion of each value (making datetimes aware, floats decimals) cost more than
    writing the cells; `cells.export_rows` takes the driver's values as they come."""
    compiler = rows.values_list(*fields).query.get_compiler(using=rows.db)
    for chunk in compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=500):
        yield from chunk


def xlsx(rows: QuerySet) -> Iterator[bytes]:
    """The rows as a workbook, read as plain values (the fields the columns need; a row and
    its organization built as objects cost more than writing them)."""
    shown = columns()
    convert = export_rows(shown)
    lines = ([("'" + v if v.__class__ is str and v[:1] in FORMULA_START and looks_like_formula(v)
               else v) for v in convert(values)]
             for values in driver_values(rows, export_fields(shown)))
    return sheet.stream(_("Associations"), [neutralized(h) for h in export_header(shown)], lines)
