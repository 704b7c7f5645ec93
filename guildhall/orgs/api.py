
from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from guildhall.core.errors import DomainError
from guildhall.core.pagination import Pages
from guildhall.orgs import services
from guildhall.orgs.models import Invitation
from guildhall.orgs.permissions import Access, require
from guildhall.orgs.scoping import get_invitation_for_user, get_org_for_user, visible_orgs

router = Router(tags=["organizations"])


class OrganizationOut(Schema):
    id: int
    parent: int | None
    kind: str
    code: str
    name: str
    short_name: str
    credit_code: str
    region: str

    @staticmethod
    def resolve_parent(obj) -> int | None:
        return obj.parent_id


@router.get("/orgs/", response=list[OrganizationOut], url_name="org_list")
@paginate(Pages, page_size=50)
def org_list(request: HttpRequest):
    """List the organizations you see: your own and every one below them."""
    return visible_orgs(request.user).order_by("pk")


@router.get("/orgs/{org_id}", response=OrganizationOut, url_name="org_detail")
def org_detail(request: HttpRequest, org_id: int):
    return get_org_for_user(request.user, org_id)


class OrganizationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    short_name: str | None = Field(None, max_length=60)
    credit_code: str | None = Field(None, max_length=18)
    region: str | None = Field(None, max_length=100)
    contact_name: str | None = Field(None, max_length=100)
    contact_phone: str | None = Field(None, max_length=30)
    contact_email: str | None = Field(None, max_length=254)


@router.patch("/orgs/{org_id}", response=OrganizationOut, url_name="org_detail")
def org_update(request: HttpRequest, org_id: int, payload: OrganizationPatch):
    """Change the organization's details (its own admin, or a supervising body's admin);
    the short code, kind and place in the tree stay. 422 with the fields' messages when a
    value is not valid (a credit code's check digit, a credit code another one has)."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "org.edit", org)
    return services.organization_update(actor=request.user, org=org,
                                        data=payload.dict(exclude_unset=True))


class MembershipOut(Schema):
    organization: int
    organization_name: str
    kind: str
    role: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    email: str
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, url_name="me", tags=["me"])
def me(request: HttpRequest) -> dict:
    """Return the signed-in person and their roles."""
    access = Access.for_user(request.user)
    return {
        "id": request.user.pk, "username": request.user.username,
        "name": request.user.display_name, "email": request.user.email,
        "memberships": [
            {"organization": org.pk, "organization_name": org.name, "kind": org.kind,
             "role": access.roles[org.pk]} for org in access.orgs.values()
        ],
    }


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    created_at: datetime
    sent_at: datetime | None
    cancelled_at: datetime | None


def _invitation_for(request: HttpRequest, org_id: int, invitation_id: int):
    org = get_org_for_user(request.user, org_id)
    require(request.user, "org.manage_members", org)
    return get_invitation_for_user(request.user, org, invitation_id)


@router.get("/orgs/{org_id}/invitations", response=list[InvitationOut], url_name="invitation_list")
def invitation_list(request: HttpRequest, org_id: int):
    """List the organization's pending invitations (for its administrators)."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "org.manage_members", org)
    return list(Invitation.pending_of(org)[:100])


@router.post("/orgs/{org_id}/invitations/{invitation_id}/resend", response=InvitationOut,
             url_name="invitation_resend")
def invitation_resend(request: HttpRequest, org_id: int, invitation_id: int):
    """E-mail a pending invitation again, with the same link; it counts towards the hourly
    limit of invitations (429 beyond it)."""
    invitation = _invitation_for(request, org_id, invitation_id)
    if services.invitations_over_limit(request):
        raise DomainError(services.TOO_MANY_INVITATIONS, "too_many_invitations", status=429)
    return services.invitation_resend(actor=request.user, invitation=invitation)


@router.post("/orgs/{org_id}/invitations/{invitation_id}/cancel", response=InvitationOut,
             url_name="invitation_cancel")
def invitation_cancel(request: HttpRequest, org_id: int, invitation_id: int):
    """Cancel a pending invitation: its link no longer works (409 when it was already used
    or cancelled)."""
    invitation = _invitation_for(request, org_id, invitation_id)
    return services.invitation_cancel(actor=request.user, invitation=invitation)
