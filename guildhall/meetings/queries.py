"""Reading meetings: the scoping helper, an association's year and a supervisor's overview."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, FilteredRelation, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from guildhall.meetings.models import MEETING_YEARS, Meeting, MeetingRules, Status
from guildhall.orgs.models import Organization
from guildhall.orgs.scoping import get_for_user, visible_to


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    """Return every meeting of the associations the user sees."""
    return visible_to(user, Meeting.objects.filter(organization__kind=Organization.Kind.ASSOCIATION))


def get_meeting_for_user(user: Any, pk: int, org_id: int | None = None) -> Meeting:
    """Return the meeting if the user may see it; the same 404 for missing and someone else's."""
    return get_for_user(user, Meeting.objects.select_related(
        "organization", "chair", "created_by"), pk, org_id)


def parse_year(value: Any, default: int | None = None) -> int:
    """Return the year asked for, or this year when it is missing or not a sensible year."""
    fallback = default or timezone.localdate().year
    try:
        year = int(value)
    except (TypeError, ValueError):
        return fallback
    low, high = MEETING_YEARS
    return year if low <= year <= high else fallback


def association_meetings(org: Any, year: int | None = None) -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(organization=org).select_related("organization", "chair")
    return qs.filter(held_at__year=year) if year else qs


def held_count(org: Any, year: int) -> int:
    return association_meetings(org, year).filter(status=Status.HELD).count()


def held_q(year: int, prefix: str = "meetings__") -> Q:
    return Q(**{f"{prefix}status": Status.HELD, f"{prefix}held_at__year": year})


def associations_below(supervisor: Any, year: int) -> QuerySet[Organization]:
    """Return the active associations below a supervising body with the meetings each held
    in `year` (`held`), those fewest first.

    The count is the stored one (`counts`, kept by the services), joined once, not counted
    from every meeting below."""
    return Organization.objects.filter(
        path__startswith=supervisor.path, kind=Organization.Kind.ASSOCIATION, is_active=True,
    ).annotate(
        counted=FilteredRelation("meetings_held", condition=Q(meetings_held__year=year)),
        held=Coalesce(F("counted__held"), 0),
    ).order_by("held", "name", "pk")


def below_minimum(supervisor: Any, year: int) -> QuerySet[Organization]:
    """Return the associations of `associations_below` that held fewer meetings in `year`
    than the body directly above each asks for (`minimum`), fewest first. The rules below
    the supervisor are few (one per supervising body): they become one CASE."""
    rules = list(MeetingRules.objects.filter(supervisor__path__startswith=supervisor.path))
    default = MeetingRules().minimum_per_year
    return associations_below(supervisor, year).annotate(minimum=Case(
        *[When(parent_id=r.supervisor_id, then=Value(r.minimum_per_year)) for r in rules],
        default=Value(default), output_field=IntegerField())).filter(held__lt=F("minimum"))


def year_bounds(year: int) -> tuple[Any, Any]:
    """The first moment of `year` and of the next one, in the local time zone."""
    import datetime as dt

    return (timezone.make_aware(dt.datetime(year, 1, 1)),
            timezone.make_aware(dt.datetime(year + 1, 1, 1)))


def rules_by_supervisor(orgs: list[Any]) -> dict[int, MeetingRules]:
    """Return the rules that apply to each of `orgs` (by organization id), in one query."""
    parents = {o.parent_id for o in orgs}
    found = {r.supervisor_id: r for r in MeetingRules.objects.filter(supervisor_id__in=parents)}
    return {o.pk: found.get(o.parent_id) or MeetingRules(supervisor_id=o.parent_id) for o in orgs}


def year_choices(today_year: int | None = None) -> list[int]:
    year = today_year or timezone.localdate().year
    return list(range(year, year - 5, -1))
