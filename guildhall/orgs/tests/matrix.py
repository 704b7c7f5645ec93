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

def _locked_member(cast, org):
    """As `_member`, with the account locked out (five failures from one address)."""
    from axes.models import AccessAttempt

    kwargs = _member(cast, org)
    username = org.memberships.get(pk=kwargs["membership_id"]).user.username
    AccessAttempt.objects.get_or_create(username=username, ip_address="10.66.0.1", user_agent="matrix",
                                        defaults={"failures_since_start": 5, "get_data": "",
                                                  "post_data": "", "http_accept": "", "path_info": ""})
    return kwargs

def _member_with_second_factor(cast, org):
    """As `_member`, with an authenticator set up."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    kwargs = _member(cast, org)
    user = org.memberships.get(pk=kwargs["membership_id"]).user
    TOTPDevice.objects.get_or_create(user=user, defaults={"name": "matrix", "confirmed": True})
    return kwargs

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
for name in ("orgs:member_deactivate", "orgs:member_reactivate"):
    matrix_case(MatrixCase(name, method="POST", build=_member, own=MANAGE))
matrix_case(MatrixCase("orgs:member_unlock", method="POST", build=_locked_member, own=MANAGE))
matrix_case(MatrixCase("orgs:member_reset_second_factor", method="POST",
                       build=_member_with_second_factor, own=MANAGE))
matrix_case(MatrixCase("orgs:member_role", method="POST", build=_member, own=MANAGE,
                       data=lambda cast, org: {"role": "reviewer" if org.kind == "association"
                                               else "approver"}))

def _invitation(cast, org):
    invitation = Invitation.objects.create(organization=cast.orgs["soft"], email="new@example.cn",
                                           role="staff")
    return {"token": invitation.token}

matrix_case(MatrixCase("orgs:invitation_accept", public=True, build=_invitation))
# A new address: the invited person makes their account (and is sent to sign in).
matrix_case(MatrixCase("orgs:invitation_accept", public=True, method="POST", build=_invitation,
                       data=lambda cast, org: {"username": "matrix-new", "full_name": "矩阵新人",
                                               "password": "Matrix-Passw0rd-2026"},
                       ok_statuses=(302,)))
def _pending_invitation(cast, org):
    invitation = Invitation.objects.create(organization=org, email="pending@example.cn",
                                           role="staff" if org.kind == "association" else "viewer")
    return {"org_id": org.pk, "invitation_id": invitation.pk}

for _name in ("invitation_resend", "invitation_cancel"):
    matrix_case(MatrixCase(f"orgs:{_name}", method="POST", build=_pending_invitation, own=MANAGE))
    matrix_case(MatrixCase(f"api:{_name}", api=True, method="POST", build=_pending_invitation,
                           own=MANAGE))
matrix_case(MatrixCase("api:invitation_list", api=True, build=_org, own=MANAGE))

matrix_case(MatrixCase("api:org_list", everyone=True, api=True))
matrix_case(MatrixCase("api:org_detail", api=True, build=_org,
                       own={"association": ALL_ASSOCIATION, "supervisor": ALL_SUPERVISOR},
                       above={"association": ALL_SUPERVISOR}))
# The OpenAPI description answers every method with itself.
for _method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
    matrix_case(MatrixCase("api:openapi-json", public=True, method=_method, ok_statuses=(200,)))

__all__ = ["ALL_ASSOCIATION"]
matrix_case(MatrixCase("api:api-root", public=True, ok_statuses=(404,)))  # no docs page


def _new_association(cast, org):
    from guildhall.orgs.demo import credit_code

    return {"code": "matrix-new", "name": "矩阵测试协会", "credit_code": credit_code("51320000MJ7777777"),
            "admin_email": "admin@matrix-new.example.cn"}


matrix_case(MatrixCase("orgs:association_new", build=_org, own=ONBOARD, method="POST",
                       data=_new_association))
def _import_file(cast, org):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from guildhall.orgs.demo import credit_code
    from guildhall.orgs.services import IMPORT_COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([str(label) for _key, label in IMPORT_COLUMNS])
    sheet.append(["matrix-imp", "矩阵导入协会", "矩阵导入", credit_code("51320000MJ6666666"),
                  "南京市", "办公室", "025-83001234", "office@matrix-imp.example.cn",
                  "admin@matrix-imp.example.cn"])
    buffer = BytesIO()
    workbook.save(buffer)
    return {"file": SimpleUploadedFile(
        "import.xlsx", buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


matrix_case(MatrixCase("orgs:association_import", build=_org, own=ONBOARD, method="POST",
                       data=_import_file, ok_statuses=(302,)))

# An organization's details: its own admin, or a supervising body's admin above it.
EDIT = {"association": {"admin"}, "supervisor": {"admin"}}
matrix_case(MatrixCase("orgs:org_edit", build=_org, own=EDIT, above={"association": {"admin"}}))
matrix_case(MatrixCase("orgs:org_edit", method="POST", build=_org, own=EDIT,
                       above={"association": {"admin"}}, ok_statuses=(302,),
                       data=lambda cast, org: {"name": org.name, "short_name": org.short_name,
                                               "credit_code": org.credit_code,
                                               "region": "矩阵区"}))
matrix_case(MatrixCase("api:org_detail", api=True, method="PATCH", build=_org, own=EDIT,
                       above={"association": {"admin"}},
                       json=True, data=lambda cast, org: {"region": "矩阵区"}))
