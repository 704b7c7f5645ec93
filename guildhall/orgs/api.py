
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from guildhall.core.pagination import Pages
from guildhall.orgs.permissions import Access
from guildhall.orgs.scoping import get_org_for_user, visible_orgs

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
