"""The dashboard's filtered rows as .xlsx: openpyxl's write-only mode (rows go to a temporary
file as they are read, so 2,000 rows take flat memory), streamed out in chunks; a text that
a spreadsheet would run as a formula is written with a leading apostrophe."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from guildhall.dashboard.cells import export_header, export_values
from guildhall.dashboard.sources import columns
from guildhall.orgs.services import looks_like_formula

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024


def neutralized(value: Any) -> Any:
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def xlsx(rows: QuerySet) -> Iterator[bytes]:
    shown = columns()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Associations"))
    sheet.append([neutralized(h) for h in export_header(shown)])
    for row in rows.iterator(chunk_size=500):
        sheet.append([neutralized(v) for v in export_values(row, shown)])
    with tempfile.TemporaryFile() as out:
        book.save(out)
        out.seek(0)
        while chunk := out.read(CHUNK):
            yield chunk
