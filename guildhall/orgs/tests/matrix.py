from guildhall.core.tests.matrix import ALL_ASSOCIATION, ALL_SUPERVISOR
from guildhall.orgs.models import Invitation
from guildhall.testing import MatrixCase, matrix_case


def _org(cast, org):
    return {"org_id": org.pk}

def _member(cast, org):
    """A membership of `org` that is not the persona's own: the staff member or the viewer."""
    role = "staff" if org.kind == "association" else "viewer"
    membership = org.memberships.get(user__username=f"{org.code}-{role}")
    return {"org_id": org.pk, "membership_id": membership.pk}

ONBOARD = {"supervisor": {"admin"}}
matrix_case(MatrixCase("orgs:associations", build=_org, own={"supervisor": ALL_SUPERVISOR}))
matrix_case(MatrixCase("orgs:association_new", build=_org, own=ONBOARD))
matrix_case(MatrixCase("orgs:association_import", build=_org, own=ONBOARD))
matrix_case(MatrixCase("orgs:import_template", build=_org, own=ONBOARD))
matrix_case(MatrixCase("orgs:members", build=_org,
                       own={"association": {"principal", "admin"}, "supervisor": {"admin"}},
                       above={"association": {"admin"}}))
MANAGE = {"association": {"admin"}, "supervisor": {"admin"}}
matrix_case(MatrixCase("orgs:member_invite", method="POST", build=_org, own=MANAGE,
                       ok_statuses=(302, 400)))
for name in ("orgs:member_role", "orgs:member_deactivate", "orgs:member_reactivate", "orgs:member_unlock"):
    matrix_case(MatrixCase(name, method="POST", build=_member, own=MANAGE))

def _invitation(cast, org):
    invitation = Invitation.objects.create(organization=cast.orgs["soft"], email="new@example.cn",
                                           role="staff")
    return {"token": invitation.token}

matrix_case(MatrixCase("orgs:invitation_accept", public=True, build=_invitation))
matrix_case(MatrixCase("api:org_list", everyone=True, api=True))
matrix_case(MatrixCase("api:org_detail", api=True, build=_org,
                       own={"association": ALL_ASSOCIATION, "supervisor": ALL_SUPERVISOR},
                       above={"association": ALL_SUPERVISOR}))
matrix_case(MatrixCase("api:openapi-json", public=True))

__all__ = ["ALL_ASSOCIATION"]
matrix_case(MatrixCase("api:api-root", public=True))


def _new_association(cast, org):
    from guildhall.orgs.demo import credit_code

    return {"code": "matrix-new", "name": "矩阵测试协会", "credit_code": credit_code("51320000MJ7777777")}


matrix_case(MatrixCase("orgs:association_new", build=_org, own=ONBOARD, method="POST",
                       data=_new_association))
matrix_case(MatrixCase("orgs:association_import", build=_org, own=ONBOARD, method="POST",
                       ok_statuses=(200, 302)))
