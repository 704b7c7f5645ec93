"""The dashboard's filtered rows as .xlsx, written as they are read by `lib.xlsx` (flat
memory for 2,000 rows, streamed out in chunks; openpyxl's write-only workbook took forty
times a small page for them); a text that a spreadsheet would run as a formula is written
with a leading apostrophe."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from guildhall.dashboard.cells import export_header, export_values
from guildhall.dashboard.sources import columns
from guildhall.lib import xlsx as sheet
from guildhall.orgs.services import looks_like_formula

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralized(value: Any) -> Any:
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def xlsx(rows: QuerySet) -> Iterator[bytes]:
    shown = columns()
    lines = ([neutralized(v) for v in export_values(row, shown)]
             for row in rows.iterator(chunk_size=500))
    return sheet.stream(_("Associations"), [neutralized(h) for h in export_header(shown)], lines)
