"""The report as an official document: the figures snapshot and the narrative written into
a .docx with the `documents` machinery. Every figure names the item of the appendix that
lists the records behind it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from guildhall.documents.numbers import document_date
from guildhall.documents.pdf import stand_in_note
from guildhall.documents.writer import Cell, OfficialDocument
from guildhall.reports.models import CLOSING_PARTS


def appendix_numbers(sections: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """The appendix item of each figure that lists records, numbered through the report."""
    numbers: dict[tuple[str, str], int] = {}
    for section in sections:
        for figure in section["figures"]:
            if figure["records"]:
                numbers[(section["key"], figure["key"])] = len(numbers) + 1
    return numbers


def _date(iso: str) -> str:
    return document_date(dt.date.fromisoformat(iso)) if iso else "—"


def report_docx(*, org_name: str, supervisor_name: str, year: int, number: str, signer: str,
                day: dt.date, sections: list[dict[str, Any]], narratives: dict[str, str]) -> bytes:
    """Return the .docx of a report."""
    title = _("%(org)s: report on the work of %(year)d") % {"org": org_name, "year": year}
    doc = OfficialDocument(title=title, author=org_name, note=stand_in_note())
    doc.number_line(number, signer)
    doc.title(title)
    doc.addressee(supervisor_name)
    doc.text(_("As required, we report on the association's work in %(year)d as follows. Every "
               "figure is computed from the association's records in Guildhall; the appendix "
               "lists the records behind each of them.") % {"year": year})
    refs = appendix_numbers(sections)
    for section in sections:
        doc.heading(1, section["title"])
        if section.get("note"):
            doc.text(section["note"])
        if section["figures"]:
            doc.table(section["title"], [_("Figure"), _("Value"), _("Records")], [
                [f["label"], f["value"],
                 _("Appendix item %(n)d") % {"n": refs[(section["key"], f["key"])]}
                 if (section["key"], f["key"]) in refs else "—"]
                for f in section["figures"]], widths=[5, 2, 3])
        for table in section.get("tables", []):
            doc.table(table["title"], table["headers"], table["rows"])
        if narratives.get(section["key"]):
            doc.text(narratives[section["key"]])
    for key, label in CLOSING_PARTS:
        doc.heading(1, str(label))
        doc.text(narratives.get(key) or "—")
    doc.signature(org_name, day)
    doc.appendix(_("The records behind the figures of this report"))
    base = settings.SITE_URL.rstrip("/")
    for section in sections:
        for figure in section["figures"]:
            if (section["key"], figure["key"]) not in refs:
                continue
            doc.heading(3, f"{section['title']}：{figure['label']}（{figure['value']}）")
            doc.table(figure["label"], [_("Type"), _("Title"), _("Date"), _("Link or id")], [
                [r["type"], r["title"], _date(r["date"]),
                 Cell(base + r["url"], base + r["url"]) if r["url"] else f"#{r['id']}"]
                for r in figure["records"]], widths=[2, 4, 3, 4])
    doc.imprint(issuer=org_name, day=day)
    return doc.bytes()
