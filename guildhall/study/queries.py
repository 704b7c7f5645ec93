"""Reading study sessions and codes: the scoping helpers, and the figures of an association
and of the associations below a supervising body.

Every figure here is per association: sessions held, hours, the participation rate, the
topics, the acknowledgement rate. Nothing counts, sums or orders anything per person."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from guildhall.accounts.models import User
from guildhall.core.months import year_bounds
from guildhall.core.prepared import Prepared
from guildhall.orgs.models import Membership, Organization
from guildhall.orgs.scoping import get_for_user, visible_to
from guildhall.study.models import (
    STUDY_YEARS,
    Acknowledgement,
    Code,
    CodeVersion,
    PlanTopic,
    SessionStatus,
    StudySession,
    VersionStatus,
)


def visible_sessions(user: Any) -> QuerySet[StudySession]:
    return visible_to(user, StudySession.objects.filter(
        organization__kind=Organization.Kind.ASSOCIATION))


def get_session_for_user(user: Any, pk: int, org_id: int | None = None) -> StudySession:
    """The session if the user may see it; the same 404 for missing and someone else's."""
    return get_for_user(user, StudySession.objects.select_related(
        "organization", "created_by", "confirmed_by", "plan_topic"), pk, org_id)


def visible_codes(user: Any) -> QuerySet[Code]:
    return visible_to(user, Code.objects.filter(organization__kind=Organization.Kind.ASSOCIATION))


def get_code_for_user(user: Any, pk: int, org_id: int | None = None) -> Code:
    return get_for_user(user, Code.objects.select_related("organization"), pk, org_id)


def get_version_for_user(user: Any, pk: int, org_id: int | None = None) -> CodeVersion:
    return get_for_user(user, CodeVersion.objects.select_related("organization", "code"), pk,
                        org_id)


def parse_year(value: Any) -> int:
    fallback = timezone.localdate().year
    try:
        year = int(value)
    except (TypeError, ValueError):
        return fallback
    low, high = STUDY_YEARS
    return year if low <= year <= high else fallback


def year_choices() -> list[int]:
    year = timezone.localdate().year
    return list(range(year, year - 5, -1))


# ---- the figures of a year ------------------------------------------------------------

@dataclass
class Figures:
    """An association's study in a year: confirmed sessions only."""

    sessions: int = 0
    hours: Decimal = Decimal("0")
    #: The mean over the sessions of (members who attended / active members), 0..1; None
    #: without sessions.
    participation: float | None = None
    topics: list[str] = field(default_factory=list)
    #: The year's study plan: its topics, those a confirmed session carried out, and those
    #: whose month has passed without one.
    planned: int = 0
    planned_held: int = 0
    missed: int = 0

    @property
    def participation_percent(self) -> str:
        return "—" if self.participation is None else f"{self.participation * 100:.1f}%"


def _rows(orgs: list[int], year: int) -> QuerySet:
    # Grouped by the session's key and the columns read (values before annotate), not by
    # every column of the session: the query is then a quarter as long to build and to run.
    return StudySession.objects.filter(
        organization_id__in=orgs, status=SessionStatus.CONFIRMED, held_at__year=year,
    ).values("pk", "organization_id", "topic", "hours", "members_then").annotate(
        present=Count("attendees")).order_by("held_at", "pk")


def figures_by_org(org_ids: list[int], year: int, *, plan: bool = True) -> dict[int, Figures]:
    """The figures of each association of `org_ids` in `year`: its sessions in one query,
    and its study plan in another unless `plan` is false (the planned figures stay 0)."""
    found = _figures_from(_rows(org_ids, year), org_ids)
    if not plan:
        return found
    today = timezone.localdate()
    for row in PlanTopic.objects.filter(organization_id__in=org_ids, year=year).values(
            "pk", "organization_id", "month").annotate(
            held=Count("sessions", filter=Q(sessions__status=SessionStatus.CONFIRMED))):
        fig = found[row["organization_id"]]
        fig.planned += 1
        if row["held"]:
            fig.planned_held += 1
        elif (year, row["month"]) < (today.year, today.month):
            fig.missed += 1
    return found


def _figures_from(rows: Any, org_ids: list[int]) -> dict[int, Figures]:
    """The sessions' figures of each association from the rows of `_rows`."""
    found = {pk: Figures() for pk in org_ids}
    rates: dict[int, list[float]] = {pk: [] for pk in org_ids}
    for row in rows:
        fig = found[row["organization_id"]]
        fig.sessions += 1
        fig.hours += row["hours"]
        if row["topic"] not in fig.topics:
            fig.topics.append(row["topic"])
        if row["members_then"]:
            rates[row["organization_id"]].append(min(row["present"] / row["members_then"], 1.0))
    for pk, values in rates.items():
        if values:
            found[pk].participation = sum(values) / len(values)
    return found


def plan_topics(org: Any, year: int) -> list[PlanTopic]:
    """The year's plan by month, each topic with its confirmed sessions (`held`) and whether
    its month has passed without one (`missed`)."""
    today = timezone.localdate()
    topics = list(PlanTopic.objects.filter(organization=org, year=year).select_related(
        "responsible").annotate(held=Count("sessions", filter=Q(
            sessions__status=SessionStatus.CONFIRMED))).order_by("month", "pk"))
    for t in topics:
        t.missed = not t.held and (year, t.month) < (today.year, today.month)
    return topics


def figures(org: Any, year: int, *, plan: bool = True) -> Figures:
    return figures_by_org([org.pk], year, plan=plan)[org.pk]


#: One association's confirmed sessions of a year, as `_rows` reads them (the home page's
#: figures; the SQL built once).
_rows_of_one = Prepared(lambda org_id, start, end: StudySession.objects.filter(
    organization_id=org_id, status=SessionStatus.CONFIRMED, held_at__gte=start, held_at__lt=end,
).values("pk", "organization_id", "topic", "hours", "members_then").annotate(
    present=Count("attendees")).order_by("held_at", "pk"))


def sessions_figures(org: Any, year: int) -> Figures:
    """`figures(org, year, plan=False)`: the year's sessions, without the study plan."""
    start, end = year_bounds(year)
    return _figures_from(_rows_of_one(org_id=org.pk, start=start, end=end), [org.pk])[org.pk]


#: The current versions of an association's codes the person has not acknowledged, with
#: their codes (the home page's; the SQL built once).
unacknowledged_versions = Prepared(lambda org_id, user_id: CodeVersion.objects.filter(
    organization_id=org_id, status=VersionStatus.PUBLISHED).select_related("code").order_by(
    "code__kind", "code__title", "pk").exclude(Exists(Acknowledgement.objects.filter(
        user_id=user_id, version=OuterRef("pk")))).only(
    "organization_id", "status", "code__title"))


def associations_below(supervisor: Any) -> QuerySet[Organization]:
    return Organization.objects.filter(
        path__startswith=supervisor.path, kind=Organization.Kind.ASSOCIATION, is_active=True,
    ).order_by("name", "pk")


# ---- codes: the acknowledgement rate ------------------------------------------------------

@dataclass
class Rate:
    acknowledged: int
    members: int

    @property
    def value(self) -> float | None:
        return None if not self.members else self.acknowledged / self.members

    @property
    def percent(self) -> str:
        return "—" if self.value is None else f"{self.value * 100:.1f}%"


def _active_memberships(org_ids: list[int]) -> QuerySet[Membership]:
    """The active memberships of active accounts in the organizations. Whether the account
    is active is read by its key, row by row: joined, PostgreSQL read all the accounts of
    the province to keep a few hundred (5 ms of 5.1 at 2,000 associations)."""
    active = Subquery(User.objects.filter(pk=OuterRef("user_id")).order_by().values(
        "is_active"))
    # Unordered: the memberships' own order joined every organization only to sort them.
    return Membership.objects.filter(organization_id__in=org_ids, is_active=True).alias(
        user_active=active).filter(user_active=True).order_by()


def _member_count(org_ids: list[int]) -> dict[int, int]:
    rows = _active_memberships(org_ids).values("organization_id").annotate(
        n=Count("user_id", distinct=True))
    return {r["organization_id"]: r["n"] for r in rows}


def current_versions(org_ids: list[int]) -> QuerySet[CodeVersion]:
    """The current published version of every code of the associations, with its code."""
    return CodeVersion.objects.filter(
        organization_id__in=org_ids, status=VersionStatus.PUBLISHED,
    ).select_related("code").order_by("code__kind", "code__title", "pk")


def published_versions(org_ids: list[int]) -> QuerySet[CodeVersion]:
    """`current_versions`, each with how many of the association's active members
    acknowledged it (`acked`)."""
    return current_versions(org_ids).annotate(acked=Count(
        "acknowledgements__user", distinct=True, filter=Q(
            acknowledgements__user__memberships__organization_id=F("organization_id"),
            acknowledgements__user__memberships__is_active=True,
            acknowledgements__user__is_active=True)))


def rates_by_version(versions: list[CodeVersion]) -> dict[int, Rate]:
    members = _member_count(sorted({v.organization_id for v in versions}))
    return {v.pk: Rate(v.acked, members.get(v.organization_id, 0)) for v in versions}


def not_acknowledged(version: CodeVersion):
    """The active members who have not yet acknowledged (for the principal and admin)."""
    from guildhall.study.services import members_of

    return members_of(version.organization).exclude(
        pk__in=Acknowledgement.objects.filter(version=version).values("user_id"))


def codes_below(org_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """For each association: its codes' current versions, dates and acknowledgement rates."""
    versions = list(published_versions(org_ids).defer("body"))  # the texts are not shown
    rates = rates_by_version(versions)
    found: dict[int, list[dict[str, Any]]] = {pk: [] for pk in org_ids}
    for v in versions:
        found[v.organization_id].append({"code": v.code, "version": v, "rate": rates[v.pk]})
    drafts = Code.objects.filter(organization_id__in=org_ids).exclude(
        versions__status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED]).values_list(
        "organization_id", "title")
    for org_id, title in drafts:
        found[org_id].append({"code": None, "title": title, "version": None, "rate": None})
    return found


def code_standings(org_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """For each association: its codes as the overview shows them (`title`, `number`,
    `effective_date`, `rate`; a code not yet published has `published` False and no rate),
    in the order of `codes_below` and with its rates. Three queries read pairs (each code
    with its versions, the memberships, the acknowledgements) and the rates are counted
    here: the annotation of `published_versions` cost the page 3 ms of Python to build, at
    2,000 associations, and the codes without a published version a query of their own."""
    codes: dict[int, list[tuple]] = {}
    for code_pk, org_id, title, kind, pk, status, number, effective in Code.objects.filter(
            organization_id__in=org_ids).order_by().values_list(
            "pk", "organization_id", "title", "kind", "versions__pk", "versions__status",
            "versions__number", "versions__effective_date"):
        codes.setdefault(code_pk, []).append((org_id, title, kind, pk, status, number, effective))
    published, drafts = [], []
    for code_pk, versions in codes.items():
        org_id, title, kind = versions[0][:3]
        published += [(kind, title, pk, org_id, number, effective)
                      for _o, _t, _k, pk, status, number, effective in versions
                      if status == VersionStatus.PUBLISHED]
        if not any(v[4] in (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED)
                   for v in versions):
            drafts.append((kind, title, code_pk, org_id))
    members: dict[int, set[int]] = {pk: set() for pk in org_ids}
    for org_id, user_id in _active_memberships(org_ids).values_list("organization_id",
                                                                     "user_id"):
        members[org_id].add(user_id)
    readers: dict[int, set[int]] = {}
    for version_id, user_id in Acknowledgement.objects.filter(
            version_id__in=[v[2] for v in published]).values_list("version_id", "user_id"):
        readers.setdefault(version_id, set()).add(user_id)
    found: dict[int, list[dict[str, Any]]] = {pk: [] for pk in org_ids}
    for _kind, title, pk, org_id, number, effective in sorted(published, key=lambda v: v[:3]):
        them = members[org_id]
        found[org_id].append({"title": title, "published": True, "number": number,
                              "effective_date": effective,
                              "rate": Rate(len(readers.get(pk, set()) & them), len(them))})
    for _kind, title, _pk, org_id in sorted(drafts, key=lambda v: v[:3]):
        found[org_id].append({"title": title, "published": False, "number": None,
                              "effective_date": None, "rate": None})
    return found


# ---- the materials library -------------------------------------------------------------------

def library(org: Any, q: str = "", keep: Iterable[int] = ()) -> QuerySet:
    """The organization's library: its own materials and those the supervising bodies above
    it shared (`from_above`), newest first; `q` searches titles and tags. Materials taken
    out of it are left out, except `keep` (those a session already names)."""
    from django.db.models import BooleanField, Case, Value, When

    from guildhall.study.models import Material

    qs = Material.objects.filter(Q(organization=org) | Q(
        organization_id__in=org.ancestor_ids(), organization__kind=Organization.Kind.SUPERVISOR,
        organization__is_active=True)).select_related("organization").annotate(
        from_above=Case(When(organization_id=org.pk, then=Value(False)), default=Value(True),
                        output_field=BooleanField())).filter(Q(removed_at__isnull=True) | Q(pk__in=list(keep)))
    for word in (q or "").split()[:5]:
        qs = qs.filter(Q(title__icontains=word) | Q(tags__icontains=word))
    return qs.order_by("-date", "-pk")


def get_material_for_user(user: Any, pk: int, org_id: int) -> Any:
    """The material shared by `org_id`, if the user may see it (the people below a
    supervising body see what it shared); the same 404 for missing and someone else's."""
    from django.http import Http404

    from guildhall.orgs.permissions import Access
    from guildhall.study.models import Material
    from guildhall.study.permissions import sees_material

    material = Material.objects.filter(pk=pk, organization_id=org_id,
                                       organization__is_active=True).select_related(
        "organization", "created_by").first()
    if material is None or not sees_material(Access.for_user(user), material):
        raise Http404("No such material")
    return material


def session_library_items(user: Any, session: StudySession) -> list[dict[str, Any]]:
    """The library materials the session used, each with its page for those allowed to
    see it (a material's files are downloaded from its page, under its own rule)."""
    from guildhall.orgs.permissions import Access
    from guildhall.study.permissions import sees_material

    access = Access.for_user(user)
    items = session.library_items.select_related("organization").order_by("title", "pk")
    return [{"material": m, "from_above": m.organization_id != session.organization_id,
             "url": m.get_absolute_url() if sees_material(access, m) else None} for m in items]


def pending_correction(session: StudySession) -> Any:
    """The reason of the correction that waits for the principal's confirmation (the
    latest correction, when the session is a draft again after it), else None."""
    if session.status != SessionStatus.DRAFT:
        return None
    latest = session.entries.select_related("actor").filter(
        kind__in=[StudySession.EntryKind.CORRECTED, StudySession.EntryKind.CONFIRMED]) \
        .order_by("-at", "-pk").first()
    return latest if latest is not None and latest.kind == StudySession.EntryKind.CORRECTED else None
