"""Who may see, write, submit and acknowledge annual reports."""

from __future__ import annotations

from guildhall.orgs.models import Organization, Role
from guildhall.orgs.permissions import SUPERVISOR_ROLES, Access, rule
from guildhall.reports.models import Report

#: The association's roles that read its report (it speaks for the association).
READERS = {Role.PRINCIPAL, Role.ADMIN}


def _sees(access: Access, org: Organization) -> bool:
    return org.kind == Organization.Kind.ASSOCIATION and (
        access.role_in(org) in READERS or access.supervisor_role_over(org) in SUPERVISOR_ROLES)


@rule("reports.view")
def _view(access: Access, org: Organization) -> bool:
    return _sees(access, org)


@rule("reports.oversee")
def _oversee(access: Access, org: Organization) -> bool:
    return org.is_supervisor and access.role_in(org) in SUPERVISOR_ROLES


@rule("reports.create")
def _create(access: Access, org: Organization) -> bool:
    return org.kind == Organization.Kind.ASSOCIATION and access.role_in(org) == Role.PRINCIPAL


@rule("reports.read")
def _read(access: Access, report: Report) -> bool:
    return _sees(access, report.organization)


@rule("reports.edit")
def _edit(access: Access, report: Report) -> bool:
    return report.allows("edit") and access.role_in(report.organization_id) == Role.PRINCIPAL


@rule("reports.submit")
def _submit(access: Access, report: Report) -> bool:
    return report.allows("submit") and access.role_in(report.organization_id) == Role.PRINCIPAL


@rule("reports.acknowledge")
def _acknowledge(access: Access, report: Report) -> bool:
    return report.is_under_review() and access.supervisor_role_over(report.organization) == Role.APPROVER


@rule("reports.return")
def _return(access: Access, report: Report) -> bool:
    return _acknowledge(access, report)
