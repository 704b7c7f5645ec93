"""The incidents' section on the organization home page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.core.home import HomeSection, home_section
from guildhall.core.prepared import Prepared
from guildhall.incidents import queries, services
from guildhall.orgs.models import Organization
from guildhall.orgs.permissions import can


def _item(incident: Any, now: Any, with_org: bool) -> dict[str, Any]:
    notes = [incident.get_severity_display(), incident.get_status_display()]
    if incident.first_report_late:
        notes.append(_("first report late"))
    notes += [f"{c['label']} {services.clock_text(c['minutes'])}" for c in incident.clocks(now)]
    label = f"{incident.title} · {incident.organization}" if with_org else incident.title
    return {"label": label, "url": incident.get_absolute_url(), "note": " · ".join(map(str, notes))}


#: What `_item` reads of an incident (an association's list; the board's rows come from
#: `queries.first_of`): whole rows cost more here than the query.
SHOWN = ("title", "severity", "status", "first_report_late", "first_reported_at",
         "first_report_due", "written_due", "written_reported_at", "followup_due",
         "organization__name", "organization__short_name")


#: An association's latest open incidents, and the board's first below a supervising body
#: (the SQL built once).
_open_of = Prepared(lambda org_id: queries.association_incidents(org_id, "open").only(*SHOWN)[:5])
_board_first = Prepared(lambda path: queries.board_incidents(Organization(path=path)).only(
    *SHOWN)[:5])


@home_section
def open_incidents(user: Any, org: Any) -> HomeSection | None:
    now = timezone.now()
    if can(user, "incidents.board", org):
        found = _board_first(path=org.path)
        return HomeSection(title=_("Open incidents"), items=[_item(i, now, True) for i in found],
                           empty=_("No open incidents."),
                           url=reverse("incidents:incident_board", args=[org.pk]))
    if can(user, "incidents.list", org):
        found = _open_of(org_id=org.pk)
        return HomeSection(title=_("Open incidents"), items=[_item(i, now, False) for i in found],
                           empty=_("No open incidents."),
                           url=reverse("incidents:incident_list", args=[org.pk]))
    return None
