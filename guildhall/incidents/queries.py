"""Reading incidents: the scoping helper, the association's register and the supervising
body's board."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone

from guildhall.incidents.figures import totals_below
from guildhall.incidents.models import Incident, Report, Status
from guildhall.orgs.models import Organization
from guildhall.orgs.scoping import get_for_user, visible_to


def visible_incidents(user: Any) -> QuerySet[Incident]:
    return visible_to(user, Incident.objects.all())


def get_incident_for_user(user: Any, pk: int, org_id: int | None = None) -> Incident:
    """Return the incident if the user may see it; the same 404 for missing and someone
    else's."""
    return get_for_user(user, Incident.objects.select_related("organization", "created_by"),
                        pk, org_id)


def attach_waiting(incidents: list[Incident]) -> list[Incident]:
    """Set on each incident of a page how many of its reports await acknowledgement, how
    many of those are past their time, and the average minutes its reports waited to be
    acknowledged (one query for the page)."""
    now = timezone.now()
    waiting = Q(acknowledged_at=None)
    counts = {row["incident_id"]: row for row in Report.objects.filter(
        incident__in=[i.pk for i in incidents]).values("incident_id").annotate(
        waiting=Count("pk", filter=waiting),
        waiting_late=Count("pk", filter=waiting & Q(ack_due__lte=now)),
        to_ack=Avg("minutes_to_ack")).order_by()}
    for incident in incidents:
        row = counts.get(incident.pk, {})
        incident.waiting, incident.waiting_late = row.get("waiting", 0), row.get("waiting_late", 0)
        incident.to_ack = None if row.get("to_ack") is None else round(row["to_ack"])
    return incidents


def association_incidents(org: Any, state: str = "") -> QuerySet[Incident]:
    qs = Incident.objects.filter(organization=org).select_related("organization")
    if state == "open":
        qs = qs.exclude(status=Status.CLOSED)
    elif state == "closed":
        qs = qs.filter(status=Status.CLOSED)
    return qs.order_by("-discovered_at", "-pk")


def below(supervisor: Any) -> QuerySet[Incident]:
    # The organizations as a subquery, not a join: the counts then read the incidents'
    # own indexes (ten times faster at province scale).
    orgs = Organization.objects.filter(path__startswith=supervisor.path, is_active=True)
    return Incident.objects.filter(organization__in=orgs.values("pk"))


def board_incidents(supervisor: Any, state: str = "open") -> QuerySet[Incident]:
    """Open incidents below a supervising body, the most serious and the most overdue first
    (the order `Incident.set_board_order` stores); closed ones newest first.

    The organizations are compared through `organization_id + 0`: the database then reads the
    incidents in the order of the board's index (or of the closed ones') and stops after a
    page, instead of reading every incident of every association below to sort them."""
    orgs = Organization.objects.filter(path__startswith=supervisor.path, is_active=True)
    qs = Incident.objects.alias(association=F("organization_id") + 0).filter(
        association__in=orgs.values("pk")).select_related("organization")
    if state == "closed":
        return qs.filter(status=Status.CLOSED).order_by("-closed_at", "-pk")
    return qs.exclude(status=Status.CLOSED).order_by(*Incident.BOARD_ORDER)


def board_count(supervisor: Any, state: str = "open",
                totals: dict[str, int] | None = None) -> int:
    """How many incidents `board_incidents` lists: added up from the associations' stored
    figures (2,000 rows, `figures.totals_below`, or `totals` read from it already) rather
    than counted from their incidents."""
    found = totals or totals_below(supervisor)
    return found["total"] - found["open"] if state == "closed" else found["open"]
