"""Who may do what with responsibility lists, plans, their items and the key-task templates."""

from __future__ import annotations

from guildhall.orgs.models import Organization, Role
from guildhall.orgs.permissions import SUPERVISOR_ROLES, Access, rule
from guildhall.plans.models import (
    CARRIED_OUT,
    ItemStatus,
    Plan,
    PlanItem,
    PlanStatus,
    PlanTemplate,
    ResponsibilityList,
)

#: Association roles that draw up the plan and change its items.
PLANNERS = {Role.PRINCIPAL, Role.ADMIN}
#: Association roles that report progress on any item (the owner always may).
REPORTERS = {Role.PRINCIPAL, Role.ADMIN, Role.EDITOR}
#: Supervisor roles that issue the year's key tasks.
ISSUERS = {Role.APPROVER, Role.ADMIN}


def _is_association(org: Organization) -> bool:
    return org.kind == Organization.Kind.ASSOCIATION


def _assessor(access: Access, org: Organization) -> bool:
    return access.supervisor_role_over(org) == Role.APPROVER


# ---- organization-level pages ---------------------------------------------------------

@rule("plans.list")
def _list(access: Access, org: Organization) -> bool:
    return _is_association(org) and access.can_see(org)


@rule("plans.oversee")
def _oversee(access: Access, org: Organization) -> bool:
    """The supervisor's pages across the associations below it."""
    return org.is_supervisor and access.role_in(org) in SUPERVISOR_ROLES


@rule("plans.rules")
def _rules(access: Access, org: Organization) -> bool:
    return org.is_supervisor and access.role_in(org) == Role.ADMIN


@rule("plans.templates")
def _templates(access: Access, org: Organization) -> bool:
    return org.is_supervisor and access.role_in(org) in ISSUERS


# ---- the responsibility list ----------------------------------------------------------

@rule("responsibility.view")
def _list_view(access: Access, rlist: ResponsibilityList) -> bool:
    return access.can_see(rlist.organization)


@rule("responsibility.edit")
def _list_edit(access: Access, rlist: ResponsibilityList) -> bool:
    return access.role_in(rlist.organization_id) in PLANNERS


@rule("responsibility.sign")
def _list_sign(access: Access, rlist: ResponsibilityList) -> bool:
    return rlist.allows("sign") and access.role_in(rlist.organization_id) == Role.PRINCIPAL


# ---- templates ----------------------------------------------------------------------------

@rule("plan_templates.view")
def _template_view(access: Access, template: PlanTemplate) -> bool:
    return access.role_in(template.organization_id) in SUPERVISOR_ROLES


@rule("plan_templates.edit")
def _template_edit(access: Access, template: PlanTemplate) -> bool:
    return template.allows("edit") and access.role_in(template.organization_id) in ISSUERS


@rule("plan_templates.issue")
def _template_issue(access: Access, template: PlanTemplate) -> bool:
    return template.allows("issue") and access.role_in(template.organization_id) in ISSUERS


# ---- the plan -----------------------------------------------------------------------------

@rule("plans.view")
def _view(access: Access, plan: Plan) -> bool:
    return access.can_see(plan.organization)


@rule("plans.edit")
def _edit(access: Access, plan: Plan) -> bool:
    return (plan.pk is None or plan.allows("edit")) and \
        access.role_in(plan.organization_id) in PLANNERS


@rule("plans.adopt")
def _adopt(access: Access, plan: Plan) -> bool:
    return plan.allows("adopt") and plan.needs_adoption and access.role_in(plan.organization_id) == Role.PRINCIPAL


@rule("plans.submit")
def _submit(access: Access, plan: Plan) -> bool:
    return plan.allows("submit") and access.role_in(plan.organization_id) == Role.PRINCIPAL


@rule("plans.acknowledge")
def _acknowledge(access: Access, plan: Plan) -> bool:
    return plan.status == PlanStatus.SUBMITTED and _assessor(access, plan.organization)


@rule("plans.return")
def _return(access: Access, plan: Plan) -> bool:
    return _acknowledge(access, plan)


@rule("plans.grade")
def _grade(access: Access, plan: Plan) -> bool:
    # The window is the service's to check: it names the dates when it refuses.
    return plan.allows("grade") and _assessor(access, plan.organization)


# ---- items --------------------------------------------------------------------------------

def _own_role(access: Access, item: PlanItem) -> str | None:
    return access.role_in(item.organization_id)


@rule("plan_items.view")
def _item_view(access: Access, item: PlanItem) -> bool:
    return access.can_see(item.organization)


@rule("plan_items.edit")
def _item_edit(access: Access, item: PlanItem) -> bool:
    return item.allows("edit") and _own_role(access, item) in PLANNERS \
        and item.plan.status != PlanStatus.ASSESSED


def _reports(access: Access, item: PlanItem) -> bool:
    if not item.allows("report"):
        return False
    role = _own_role(access, item)
    return role is not None and (role in REPORTERS or item.owner_id == access.user.pk) \
        and item.plan.status in {PlanStatus.DRAFT, *CARRIED_OUT}


@rule("plan_items.report")
def _item_report(access: Access, item: PlanItem) -> bool:
    return _reports(access, item)


@rule("plan_items.attach")
def _item_attach(access: Access, item: PlanItem) -> bool:
    return _reports(access, item)


@rule("plan_items.claim_done")
def _item_claim(access: Access, item: PlanItem) -> bool:
    if not item.allows("claim_done"):
        return False
    role = _own_role(access, item)
    return role is not None and (item.owner_id == access.user.pk or role == Role.PRINCIPAL) \
        and item.plan.status in CARRIED_OUT


@rule("plan_items.drop")
def _item_drop(access: Access, item: PlanItem) -> bool:
    return item.allows("drop") and _own_role(access, item) in PLANNERS \
        and item.plan.status != PlanStatus.ASSESSED


def _assesses(access: Access, item: PlanItem) -> bool:
    return item.status == ItemStatus.DONE and item.plan.status == PlanStatus.ACKNOWLEDGED \
        and _assessor(access, item.organization)


@rule("plan_items.assess")
def _item_assess(access: Access, item: PlanItem) -> bool:
    return _assesses(access, item)


@rule("plan_items.return_for_rectification")
def _item_return(access: Access, item: PlanItem) -> bool:
    return _assesses(access, item)
