"""The study section of the organization home page: this year's figures of the association,
and the codes its member has still to acknowledge (no one else's)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.core.home import HomeSection, home_section
from guildhall.orgs.permissions import can
from guildhall.study import queries


@home_section
def study_this_year(user: Any, org: Any) -> HomeSection | None:
    if not can(user, "study.list", org):
        return None
    year = timezone.localdate().year
    # The section shows nothing of the study plan, whose query was a sixth of it.
    figures = queries.sessions_figures(org, year)
    items = [{"label": str(_("Study sessions held")), "url": reverse("study:session_list", args=[org.pk]),
              "note": str(_("%(n)s sessions · %(h)s hours · participation %(r)s") % {
                  "n": figures.sessions, "h": figures.hours, "r": figures.participation_percent})}]
    # The current versions the person has not acknowledged, in the same query; only what
    # is shown and asked of them (no rates here).
    for version in queries.unacknowledged_versions(org_id=org.pk, user_id=user.pk):
        if can(user, "study.version.acknowledge", version):
            items.append({"label": version.code.title, "url": version.get_absolute_url(),
                          "note": str(_("Read and acknowledge"))})
    return HomeSection(title=_("Study and codes of conduct"),
                       url=reverse("study:session_list", args=[org.pk]), items=items)
