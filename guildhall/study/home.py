"""The study section of the organization home page: this year's figures of the association,
and the codes its member has still to acknowledge (no one else's)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.core.home import HomeSection, home_section
from guildhall.orgs.permissions import can
from guildhall.study import queries
from guildhall.study.models import Acknowledgement, SessionStatus, StudySession


def _session_figures(org: Any, year: int) -> queries.Figures:
    """The year's sessions, hours and participation, as `queries.figures` counts them, from
    its sessions' query alone: the section shows nothing of the study plan, whose query was
    a sixth of the section."""
    fig = queries.Figures()
    rates = []
    rows = StudySession.objects.filter(
        organization=org, status=SessionStatus.CONFIRMED, held_at__year=year,
    ).values("pk", "hours", "members_then").annotate(present=Count("attendees")).order_by(
        "held_at", "pk")
    for row in rows:
        fig.sessions += 1
        fig.hours += row["hours"]
        if row["members_then"]:
            rates.append(min(row["present"] / row["members_then"], 1.0))
    if rates:
        fig.participation = sum(rates) / len(rates)
    return fig


@home_section
def study_this_year(user: Any, org: Any) -> HomeSection | None:
    if not can(user, "study.list", org):
        return None
    year = timezone.localdate().year
    figures = _session_figures(org, year)
    items = [{"label": str(_("Study sessions held")), "url": reverse("study:session_list", args=[org.pk]),
              "note": str(_("%(n)s sessions · %(h)s hours · participation %(r)s") % {
                  "n": figures.sessions, "h": figures.hours, "r": figures.participation_percent})}]
    # The current versions the person has not acknowledged, in the same query; only what
    # is shown and asked of them (no rates here).
    mine = Acknowledgement.objects.filter(user=user, version=OuterRef("pk"))
    for version in queries.current_versions([org.pk]).only(
            "organization_id", "status", "code__title").exclude(Exists(mine)):
        if can(user, "study.version.acknowledge", version):
            items.append({"label": version.code.title, "url": version.get_absolute_url(),
                          "note": str(_("Read and acknowledge"))})
    return HomeSection(title=_("Study and codes of conduct"),
                       url=reverse("study:session_list", args=[org.pk]), items=items)
