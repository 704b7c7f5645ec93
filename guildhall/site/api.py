
import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from guildhall.audit.actions import action_label
from guildhall.core.pagination import Pages
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
