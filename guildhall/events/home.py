"""The event filings' sections on the organization home page (the dashboard)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.core.home import HomeSection, home_section
from guildhall.core.prepared import Prepared
from guildhall.events import queries
from guildhall.events.models import Halt, Status
from guildhall.orgs.models import Organization
from guildhall.orgs.permissions import can

#: What `_item` reads of a filing: whole rows (the description, the search words, the
#: author) cost more here than the query.
SHOWN = ("title", "status", "is_late", "decision_due", "starts_at", "organization__name",
         "organization__short_name")


def _shown(filings: Any) -> Any:
    return filings.select_related(None).select_related("organization").only(*SHOWN)


def _item(filing: Any, note: str) -> dict[str, Any]:
    flags = []
    if filing.is_late:
        flags.append(str(_("late")))
    if filing.status == Status.SUBMITTED and filing.is_decision_overdue():
        flags.append(str(_("decision overdue")))
    return {"label": f"{filing.title} · {filing.organization}",
            "url": reverse("events:filing_detail", args=[filing.organization_id, filing.pk]),
            "note": " · ".join([note, *flags])}


#: An association's open filings, the next first, but approved ones over for 60 days (the
#: SQL built once).
_open_of = Prepared(lambda org_id, ended: _shown(queries.association_filings(org_id).filter(
    queries.open_filings_q()).exclude(status=Status.APPROVED, ends_at__lt=ended).order_by(
    "starts_at"))[:5])


def _first_halts(halts: Any) -> Any:
    return halts.select_related("filing__organization").only(
        "halted_at", "reason", *(f"filing__{f}" for f in SHOWN)).order_by("-halted_at")[:5]


#: An association's latest halts since a moment, and those below a supervising body (the
#: SQL built once).
_halts_of = Prepared(lambda org_id, since: _first_halts(Halt.objects.filter(
    halted_at__gte=since, filing__organization_id=org_id)))
_halts_below = Prepared(lambda path, since: _first_halts(Halt.objects.filter(
    halted_at__gte=since, filing__organization__path__startswith=path)))

#: The first filings awaiting the decision of a supervising body (the SQL built once).
_queue_first = Prepared(lambda path: _shown(queries.queue_filings(
    Organization(path=path), status=Status.SUBMITTED))[:5])


@home_section
def open_filings(user: Any, org: Any) -> HomeSection | None:
    if can(user, "events.queue", org):
        filings = _queue_first(path=org.path)
        return HomeSection(
            title=_("Event filings awaiting a decision"),
            items=[_item(f, _("%(status)s · decide by %(date)s") % {
                "status": f.get_status_display(), "date": f.decision_due}) for f in filings],
            empty=_("No filing awaits a decision."), url=reverse("events:filing_queue", args=[org.pk]))
    if can(user, "events.list", org):
        filings = _open_of(org_id=org.pk, ended=timezone.now() - dt.timedelta(days=60))
        return HomeSection(
            title=_("Open event filings"),
            items=[_item(f, f"{f.get_status_display()} · {timezone.localtime(f.starts_at):%Y-%m-%d}")
                   for f in filings],
            empty=_("No open filings."), url=reverse("events:filing_list", args=[org.pk]))
    return None


@home_section
def recent_halts(user: Any, org: Any) -> HomeSection | None:
    """Halted events of the last 30 days, for the supervising body and the association."""
    if not (can(user, "events.queue", org) or can(user, "events.list", org)):
        return None
    since = timezone.now() - dt.timedelta(days=30)
    if org.is_supervisor:
        halts = _halts_below(path=org.path, since=since)
    else:
        halts = _halts_of(org_id=org.pk, since=since)
    if not halts:
        return None
    return HomeSection(
        title=_("Halted events"),
        items=[_item(h.filing, _("halted %(time)s · %(reason)s") % {
            "time": f"{timezone.localtime(h.halted_at):%Y-%m-%d %H:%M}", "reason": h.reason[:60]})
            for h in halts])
