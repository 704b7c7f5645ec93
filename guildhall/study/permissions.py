"""Who may do what with study sessions and codes of conduct. Registered with the
permissions module.

The association's editors, principal and administrator record its study sessions; its
principal confirms them; a confirmed session is corrected by its recorders with a reason and
confirmed again. Everyone in the association and the supervising bodies above it
read the sessions and the figures; a supervising body never edits them. The codes: editors,
principal and administrator draft versions and submit them for adoption, whoever holds the role of the current adoption
step decides it (the principal's adoption is the last; the administrator sets the steps
before it), the principal or the
administrator publishes; every member acknowledges the published version. Who has not yet
acknowledged is shown to the association's principal and administrator only."""

from __future__ import annotations

from guildhall.kit.workflow import state_rules
from guildhall.orgs.models import Organization, Role
from guildhall.orgs.permissions import SUPERVISOR_ROLES, Access, rule
from guildhall.reviews.services import may_decide
from guildhall.study.models import Code, CodeVersion, SessionStatus, StudySession

RECORDERS = {Role.EDITOR, Role.PRINCIPAL, Role.ADMIN}
PUBLISHERS = {Role.PRINCIPAL, Role.ADMIN}
MANAGERS = {Role.PRINCIPAL, Role.ADMIN}


def _is_association(org: Organization) -> bool:
    return org.kind == Organization.Kind.ASSOCIATION


@rule("study.list")
def _list(access: Access, org: Organization) -> bool:
    return _is_association(org) and access.can_see(org)


@rule("study.create")
def _create(access: Access, org: Organization) -> bool:
    return _is_association(org) and access.role_in(org) in RECORDERS


@rule("study.overview")
def _overview(access: Access, org: Organization) -> bool:
    """The figures and codes of every association below a supervising body."""
    return org.is_supervisor and access.role_in(org) in SUPERVISOR_ROLES


@rule("study.session.view")
def _view(access: Access, session: StudySession) -> bool:
    return _is_association(session.organization) and access.can_see(session.organization)


def _recorder(access: Access, obj: StudySession | CodeVersion) -> bool:
    return access.role_in(obj.organization_id) in RECORDERS


# Editing and correcting a session, editing and submitting a version: a recorder's,
# whenever the state allows it.
state_rules("study.session", _recorder, "edit", "correct")
state_rules("study.version", _recorder, "edit", "submit")


@rule("study.session.confirm")
def _confirm(access: Access, session: StudySession) -> bool:
    return access.role_in(session.organization_id) == Role.PRINCIPAL and session.allows("confirm")


@rule("study.session.attach")
def _attach(access: Access, session: StudySession) -> bool:
    return (access.role_in(session.organization_id) in RECORDERS
            and session.status == SessionStatus.DRAFT)


@rule("study.code.view")
def _code_view(access: Access, code: Code) -> bool:
    return _is_association(code.organization) and access.can_see(code.organization)


@rule("study.code.new_version")
def _code_new_version(access: Access, code: Code) -> bool:
    return access.role_in(code.organization_id) in RECORDERS


@rule("study.code.who")
def _who(access: Access, org: Organization) -> bool:
    """Who has not yet acknowledged: the association's principal and administrator only."""
    return _is_association(org) and access.role_in(org) in MANAGERS


@rule("study.version.adopt")
def _version_adopt(access: Access, version: CodeVersion) -> bool:
    """Whoever holds the role of the current adoption step (the principal's, last)."""
    return version.allows("adopt") and may_decide(access.user, version, version.review_steps())


@rule("study.version.return")
def _version_return(access: Access, version: CodeVersion) -> bool:
    return _version_adopt(access, version)


@rule("study.code.rules")
def _code_rules(access: Access, org: Organization) -> bool:
    """The adoption steps of the association's codes: set by its administrator."""
    return _is_association(org) and access.role_in(org) == Role.ADMIN


@rule("study.version.publish")
def _version_publish(access: Access, version: CodeVersion) -> bool:
    return access.role_in(version.organization_id) in PUBLISHERS and version.allows("publish")


@rule("study.version.acknowledge")
def _version_acknowledge(access: Access, version: CodeVersion) -> bool:
    return access.role_in(version.organization_id) is not None and version.allows("acknowledge")


@rule("study.plan_edit")
def _plan_edit(access: Access, org: Organization) -> bool:
    """The year's study plan: written by the association's editors, principal and admin."""
    return _is_association(org) and access.role_in(org) in RECORDERS


# ---- the materials library ----------------------------------------------------------------

LIBRARY_SUPERVISOR_EDITORS = {Role.ADMIN, Role.APPROVER}


def sees_material(access: Access, material) -> bool:
    """Those who see the organization that shared it, and, for a supervising body's
    material, the people of every organization below it."""
    org = material.organization
    if access.can_see(org):
        return True
    if not org.is_supervisor:
        return False
    return Organization.objects.filter(pk__in=list(access.roles), path__startswith=org.path,
                                       is_active=True).exists()


@rule("study.library")
def _library(access: Access, org: Organization) -> bool:
    return access.can_see(org)


@rule("study.library_edit")
def _library_edit(access: Access, org: Organization) -> bool:
    role = access.role_in(org)
    return role in (LIBRARY_SUPERVISOR_EDITORS if org.is_supervisor else RECORDERS)


@rule("study.material.view")
def _material_view(access: Access, material) -> bool:
    return sees_material(access, material)


@rule("study.material.attach")
def _material_attach(access: Access, material) -> bool:
    return material.removed_at is None and _library_edit(access, material.organization)


@rule("study.material.delete")
def _material_delete(access: Access, material) -> bool:
    return material.removed_at is None and _library_edit(access, material.organization)


# ---- education activities -----------------------------------------------------------------

@rule("study.activity.view")
def _activity_view(access: Access, activity) -> bool:
    return access.can_see(activity.organization)


@rule("study.activity.attach")
def _activity_attach(access: Access, activity) -> bool:
    return access.role_in(activity.organization_id) in RECORDERS


@rule("study.activity.delete")
def _activity_delete(access: Access, activity) -> bool:
    return access.role_in(activity.organization_id) in RECORDERS
