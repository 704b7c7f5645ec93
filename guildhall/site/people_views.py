"""A person's page in an organization, for its admins: what the organization holds about
them, the export (.zip) and the erasure of a person who has left (`site.personal_data`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from guildhall.core.errors import DomainError
from guildhall.orgs.models import Membership
from guildhall.orgs.permissions import require
from guildhall.orgs.scoping import get_org_for_user
from guildhall.site import personal_data


class EraseForm(forms.Form):
    confirm_name = forms.CharField(label=gettext_lazy("Type the person's name to confirm"),
                                   max_length=150)


def person_in(request: HttpRequest, org_id: int, user_id: int) -> tuple[Any, Any, Membership]:
    """The organization (its admin asking) and one of its people, or 404."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "org.manage_members", org)
    membership = Membership.objects.filter(organization=org, user_id=user_id) \
        .select_related("user").first()
    if membership is None:
        raise Http404
    return org, membership.user, membership


def _page(request: HttpRequest, org: Any, person: Any, membership: Membership,
          form: EraseForm, status: int = 200) -> HttpResponse:
    records, files = personal_data.counts(org, person)
    return render(request, "orgs/person.html", {
        "org": org, "person": person, "membership": membership, "form": form,
        "records": records, "files": files,
        "refusal": personal_data.erasure_refusal(org, person, request.user),
        "confirm_name": person.display_name,
    }, status=status)


@login_required
@require_GET
def person(request: HttpRequest, org_id: int, user_id: int) -> HttpResponse:
    org, person, membership = person_in(request, org_id, user_id)
    return _page(request, org, person, membership, EraseForm())


def export_response(org: Any, person: Any, actor: Any) -> StreamingHttpResponse:
    response = StreamingHttpResponse(personal_data.export_zip(org, person, actor=actor),
                                     content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = \
        f'attachment; filename="person-{person.pk}-{org.code}-{stamp}.zip"'
    return response


@login_required
@require_GET
def person_export(request: HttpRequest, org_id: int, user_id: int) -> StreamingHttpResponse:
    org, person, _membership = person_in(request, org_id, user_id)
    return export_response(org, person, request.user)


@login_required
@require_POST
def person_erase(request: HttpRequest, org_id: int, user_id: int) -> HttpResponse:
    org, person, membership = person_in(request, org_id, user_id)
    form = EraseForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            done = personal_data.erase(org, person, actor=request.user,
                                       confirm_name=form.cleaned_data["confirm_name"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            status = exc.status
        else:
            messages.success(request, _("%(label)s: the name and contacts were erased from "
                                        "%(texts)d records and %(audit)d audit records.") % {
                "label": done["label"], "texts": done["texts"], "audit": done["audit_records"]})
            return redirect("orgs:members", org.pk)
    return _page(request, org, person, membership, form, status=status)
