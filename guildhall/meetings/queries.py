"""Reading meetings: the scoping helper, an association's year and a supervisor's overview."""

from __future__ import annotations

from typing import Any

from django.db.models import F, FilteredRelation, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from guildhall.core.prepared import Prepared
from guildhall.meetings.models import MEETING_YEARS, Meeting, MeetingRules, Status, held_by_date
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


def with_rules(orgs: QuerySet[Organization]) -> QuerySet[Organization]:
    """Annotate associations with the rules of the body directly above each, joined
    (`minimum`, `held_by_month`, `held_by_day`; the defaults where it set none)."""
    default = MeetingRules()
    return orgs.annotate(**{name: Coalesce(F(f"parent__meeting_rules__{field}"), Value(getattr(
        default, field))) for name, field in (("minimum", "minimum_per_year"),
                                               ("held_by_month", "held_by_month"),
                                               ("held_by_day", "held_by_day"))})


def with_held(orgs: QuerySet[Organization], year: int) -> QuerySet[Organization]:
    """Annotate associations with the meetings each held in `year` (`held`): the stored
    count (`counts`, kept by the services), joined, not counted from every meeting."""
    return orgs.annotate(
        counted=FilteredRelation("meetings_held", condition=Q(meetings_held__year=year)),
        held=Coalesce(F("counted__held"), 0))


def associations_below(supervisor: Any, year: int) -> QuerySet[Organization]:
    """Return the active associations below a supervising body with the meetings each held
    in `year` (`held`) and the rules of the body above each (`with_rules`), fewest first."""
    return with_rules(with_held(Organization.objects.filter(
        path__startswith=supervisor.path, kind=Organization.Kind.ASSOCIATION, is_active=True,
    ), year)).order_by("held", "name", "pk")


def below_minimum(supervisor: Any, year: int) -> QuerySet[Organization]:
    """Return the associations of `associations_below` that held fewer meetings in `year`
    than the body directly above each asks for, fewest first."""
    return associations_below(supervisor, year).filter(held__lt=F("minimum"))


def year_of(org: Any, year: int) -> tuple[int, MeetingRules]:
    """Return the meetings the association held in `year` and the rules it is held to, in
    one query."""
    found = _year_of(org_id=org.pk, year=year)
    if not found:
        raise Organization.DoesNotExist(org.pk)
    row = found[0]
    return row["held"], MeetingRules(
        supervisor_id=org.parent_id, minimum_per_year=row["minimum"],
        held_by_month=row["held_by_month"], held_by_day=row["held_by_day"])


#: `year_of`'s query (the SQL built once).
_year_of = Prepared(lambda org_id, year: with_rules(with_held(Organization.objects.filter(
    pk=org_id), year)).values("held", "minimum", "held_by_month", "held_by_day"))


#: The first five of `below_minimum`, their names only (the home page's; the SQL built once).
_first_below = Prepared(lambda path, year: below_minimum(Organization(path=path), year).only(
    "name")[:5])


def first_below_minimum(supervisor: Any, year: int) -> list[Organization]:
    return _first_below(path=supervisor.path, year=year)


def held_by(org: Any, year: int) -> Any:
    """The day `year`'s meetings are due of an association of `associations_below`."""
    return held_by_date(year, org.held_by_month, org.held_by_day)


def year_choices(today_year: int | None = None) -> list[int]:
    year = today_year or timezone.localdate().year
    return list(range(year, year - 5, -1))
