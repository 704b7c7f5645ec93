
from django.http import HttpRequest
from ninja import Router, Schema

from guildhall.orgs.permissions import Access

router = Router(tags=["me"])


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


@router.get("/me", response=MeOut, url_name="me")
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
