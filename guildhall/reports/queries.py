"""Finding reports for a user: the pages and the API look them up the same way."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from guildhall.orgs.models import Organization
from guildhall.orgs.permissions import SUPERVISOR_ROLES, Access, require
from guildhall.orgs.scoping import get_org_for_user
from guildhall.reports import services
from guildhall.reports.models import Report, Status, Version
from guildhall.reports.permissions import READERS


def get_org_for_reports(user: Any, org_id: int) -> Organization:
    """The association whose reports `user` may read (404 when not visible, 403 for a role
    that does not read reports)."""
    org = get_org_for_user(user, org_id)
    require(user, "reports.view", org)
    return org


def get_report_for_user(user: Any, org_id: int, year: int) -> tuple[Organization, Report]:
    org = get_org_for_reports(user, org_id)
    report = Report.objects.filter(organization=org, year=year).select_related(
        "organization__parent").first()
    if report is None:
        raise Http404("No report")
    return org, report


def get_version_for_user(user: Any, org_id: int, year: int, number: int) -> Version:
    _org, report = get_report_for_user(user, org_id, year)
    require(user, "reports.read", report)
    version = report.versions.filter(number=number).select_related("report__organization").first() \
        if 0 < number < 2**31 else None
    if version is None:
        raise Http404("No version")
    return version


def visible_reports(user: Any) -> QuerySet[Report]:
    """The reports `user` reads: their association's (principal, administrator) and those of
    every association below a supervising body where they are an approver, viewer or
    administrator."""
    access = Access.for_user(user)
    q = Q(organization_id__in=[pk for pk, role in access.roles.items() if role in READERS],
          organization__kind=Organization.Kind.ASSOCIATION)
    for pk, org in access.orgs.items():
        if org.is_supervisor and access.roles[pk] in SUPERVISOR_ROLES:
            q |= Q(organization__path__startswith=org.path,
                   organization__kind=Organization.Kind.ASSOCIATION)
    return Report.objects.filter(q, organization__is_active=True)


def shown_figures(report: Report, versions: list[Version]) -> tuple[list[dict[str, Any]],
                                                                      Version | None]:
    """The figures a report shows: computed now while it is written, else those frozen in
    its latest version (`versions` newest first)."""
    if report.status in (Status.DRAFT, Status.RETURNED):
        return services.live_figures(report), None
    if versions:
        return versions[0].figures, versions[0]
    return [], None


def this_year() -> int:
    return timezone.localdate().year


def associations_below(supervisor: Organization) -> QuerySet[Organization]:
    return Organization.objects.filter(path__startswith=supervisor.path, is_active=True,
                                       kind=Organization.Kind.ASSOCIATION).order_by("name", "pk")


def latest_versions(supervisor: Organization, year: int) -> QuerySet[Version]:
    """The latest submitted version of `year` of every association below `supervisor`."""
    last = Subquery(Version.objects.filter(report=OuterRef("report")).values("report").annotate(
        last=Max("number")).values("last")[:1])
    return Version.objects.filter(report__organization__in=associations_below(supervisor),
                                  report__year=year, number=last).select_related(
        "report__organization").order_by("report__organization__name", "pk")


def submissions(associations: list[Organization],
                year: int) -> list[tuple[Organization, Report | None]]:
    """Each association of a page of `associations_below` with its report of `year`."""
    reports = {r.organization_id: r for r in Report.objects.filter(
        organization__in=associations, year=year)}
    return [(association, reports.get(association.pk)) for association in associations]


def content_disposition(version: Version, ext: str) -> str:
    """The download header of a version's .docx or PDF, named for the association and year."""
    name = (f"{version.report.organization.name}{version.report.year}年度工作报告"
            f"-第{version.number}版{ext}")
    return f"attachment; filename*=UTF-8''{quote(name)}"


#: The report's states as the supervisor's dashboard counts them
#: (`dashboard.models.ReportStatus`): a returned report is being drawn up again.
DASHBOARD_STATUS = {Status.DRAFT: "draft", Status.RETURNED: "draft",
                    Status.SUBMITTED: "submitted", Status.ACKNOWLEDGED: "acknowledged"}


def status_by_organization(org_ids: list[int], year: int) -> dict[int, str]:
    """{association id: the state of its report of `year`} for the dashboard, in one query
    (an association without a report is left out)."""
    return {org_id: DASHBOARD_STATUS[status] for org_id, status in Report.objects.filter(
        organization_id__in=org_ids, year=year).values_list("organization_id", "status")}
