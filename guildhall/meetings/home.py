"""The special meetings' section on the organization home page: this year's count against
the minimum, for the association and (associations below the minimum) for its supervisor."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.core.home import HomeSection, home_section
from guildhall.meetings import queries
from guildhall.orgs.permissions import can


@home_section
def meetings_this_year(user: Any, org: Any) -> HomeSection | None:
    year = timezone.localdate().year
    if can(user, "meetings.list", org):
        held, rules = queries.year_of(org, year)
        note = _("held %(held)d of at least %(minimum)d, by %(date)s") % {
            "held": held, "minimum": rules.minimum_per_year, "date": rules.held_by(year).isoformat()}
        return HomeSection(title=_("Special meetings this year"), url=reverse(
            "meetings:meeting_list", args=[org.pk]), items=[{
                "label": str(_("Special meetings held")), "note": str(note),
                "url": reverse("meetings:meeting_list", args=[org.pk])}])
    if can(user, "meetings.overview", org):
        behind = queries.first_below_minimum(org, year)
        return HomeSection(
            title=_("Associations below the minimum of special meetings"),
            items=[{"label": o.name, "url": reverse("meetings:meeting_list", args=[o.pk]),
                    "note": str(_("held %(held)d of at least %(minimum)d") % {
                        "held": o.held, "minimum": o.minimum})} for o in behind],
            empty=_("Every association has held its special meetings."),
            url=reverse("meetings:meeting_overview", args=[org.pk]))
    return None
