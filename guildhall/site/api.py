
import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from guildhall.audit.actions import action_label
from guildhall.core.pagination import Pages
from guildhall.kit.api import body_doc, read_body
from guildhall.orgs.permissions import require
from guildhall.orgs.scoping import get_org_for_user
from guildhall.site.audit_views import filtered_records

router = Router(tags=["audit"])


class AuditOut(Schema):
    seq: int
    created_at: dt.datetime
    actor: str
    organization: int | None
    action: str
    action_label: str
    object_type: str
    object_id: str
    before: Any = None
    after: Any = None
    hash: str

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor_name

    @staticmethod
    def resolve_organization(obj) -> int | None:
        return obj.organization_id

    @staticmethod
    def resolve_action_label(obj) -> str:
        return action_label(obj.action)


@router.get("/audit/", response=list[AuditOut], url_name="audit_list")
@paginate(Pages, page_size=50)
def audit_list(request: HttpRequest, org: int, action: str = "", person: str = "",
               date_from: dt.date | None = None, date_to: dt.date | None = None):
    """List one organization's audit records (the same filters as the audit page)."""
    organization = get_org_for_user(request.user, org)
    require(request.user, "audit.view", organization)
    return filtered_records(organization.pk, {
        "action": action, "person": person,
        "from": date_from.isoformat() if date_from else "",
        "to": date_to.isoformat() if date_to else ""})


class EraseIn(Schema):
    confirm_name: str = Field(max_length=150)


class ErasedOut(Schema):
    label: str
    scope: str
    texts: int
    audit_records: int


@router.get("/orgs/{org_id}/people/{user_id}/export", url_name="person_export", tags=["people"],
            response={200: None}, openapi_extra={"responses": {"200": {
                "description": "A .zip of JSON (UTF-8) and the files the person uploaded",
                "content": {"application/zip": {"schema": {"type": "string",
                                                           "format": "binary"}}}}}})
def person_export(request: HttpRequest, org_id: int, user_id: int):
    """Export what the organization holds about one of its people (admins only)."""
    from guildhall.site.people_views import export_response, person_in

    org, person, _membership = person_in(request, org_id, user_id)
    return export_response(org, person, request.user)


@router.post("/orgs/{org_id}/people/{user_id}/erase", response=ErasedOut, tags=["people"],
             url_name="person_erase", openapi_extra=body_doc(EraseIn))
def person_erase(request: HttpRequest, org_id: int, user_id: int):
    """Erase a person who has left the organization (admins only; `confirm_name` is the
    person's name as shown). 409 while they are an active member."""
    from guildhall.site import personal_data
    from guildhall.site.people_views import person_in

    org, person, _membership = person_in(request, org_id, user_id)
    body = read_body(request, EraseIn)
    return personal_data.erase(org, person, actor=request.user, confirm_name=body.confirm_name)
