"""An association's own home shows its own row of the dashboard's figures."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from guildhall.core.home import HomeSection, home_section
from guildhall.core.prepared import Prepared
from guildhall.dashboard import queries
from guildhall.dashboard.cells import export_fields, export_header, export_values
from guildhall.dashboard.sources import columns
from guildhall.orgs.permissions import can


def _shown() -> list[Any]:
    return [c for c in columns() if c.key not in ("name", "region")]


def row_items(row: Any) -> list[dict[str, Any]]:
    """The row's figures as label and value: the same values the export writes."""
    shown = _shown()
    return [{"label": label, "note": "—" if value is None or value == "" else str(value)}
            for label, value in zip(export_header(shown), export_values(row, shown), strict=True)]


#: The association's row, only the fields the figures show (the SQL built once).
_own_row = Prepared(lambda org_id: queries.association_rows(org_id, export_fields(_shown()))[:1])


@home_section
def own_figures(user: Any, org: Any) -> HomeSection | None:
    if org.is_supervisor or not can(user, "dashboard.own_row", org):
        return None
    # Only the fields the figures show (the whole row and its organization, with the
    # charts' breakdowns, cost more than the query).
    found = _own_row(org_id=org.pk)
    if not found:
        return None
    row = found[0]
    return HomeSection(title=_("This year's figures, as the supervising body sees them"),
                       items=row_items(row))
