from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guildhall.accounts import lockout, second_factor
from guildhall.core.errors import DomainError
from guildhall.core.forms import apply_errors
from guildhall.orgs import services
from guildhall.orgs.forms import (
    AcceptInvitationForm,
    ImportForm,
    InviteForm,
    OrganizationDetailsForm,
    OrganizationForm,
    RoleForm,
)
from guildhall.orgs.models import Invitation, Membership, Organization, Role
from guildhall.orgs.permissions import can, require
from guildhall.orgs.scoping import (
    get_invitation_for_user,
    get_membership_for_user,
    get_org_for_user,
)


@login_required
@require_GET
def associations(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "org.view_below", org)
    below = org.descendants().filter(is_active=True)
    query = request.GET.get("q", "").strip()
    if query:
        below = below.filter(Q(name__icontains=query) | Q(short_name__icontains=query)
                             | Q(credit_code__icontains=query))
    # The organizations with an active admin, as one list the database reads once: a
    # condition per organization (EXISTS) over the 2,000 below cost more than the page.
    with_admin = Membership.objects.filter(role=Role.ADMIN, is_active=True,
                                           user__is_active=True).values("organization_id")
    no_admin = bool(request.GET.get("no_admin"))
    if no_admin:
        below = below.exclude(pk__in=with_admin)
    # The page's numbers first, in the list's order; then its fifty rows with their figures
    # (SQLite computes every selected column of every row before sorting them).
    page = Paginator(below.order_by("name").values_list("pk", flat=True), 50).get_page(
        request.GET.get("page"))
    page.object_list = _association_rows(list(page.object_list))
    return render(request, "orgs/associations.html", {
        "org": org, "page": page, "q": query, "no_admin": no_admin,
        "without_admin": org.descendants().filter(is_active=True).exclude(
            pk__in=with_admin).count()})


def _association_rows(ids: list[int]) -> list[dict[str, Any]]:
    """The organizations `ids`, in that order, as the list shows them: name, code, region,
    the body above (by its short name, as it is written), and whether they have an active
    admin or an admin invited. Read as values (fifty organizations and their parents built
    as objects cost as much as the rest of the page), the admins and invitations of these
    fifty looked up by their index (as a condition per row, PostgreSQL read every admin)."""
    if not ids:
        return []
    admins = set(Membership.objects.filter(
        organization_id__in=ids, role=Role.ADMIN, is_active=True, user__is_active=True,
    ).values_list("organization_id", flat=True))
    invited = set(Invitation.objects.filter(
        organization_id__in=ids, role=Role.ADMIN, accepted_at__isnull=True,
    ).values_list("organization_id", flat=True))
    found = {}
    for row in Organization.objects.filter(pk__in=ids).order_by().values(
            "pk", "name", "credit_code", "region", "parent__name", "parent__short_name"):
        row["parent"] = row.pop("parent__short_name") or row.pop("parent__name") or ""
        row.pop("parent__name", None)
        row["has_admin"], row["admin_invited"] = row["pk"] in admins, row["pk"] in invited
        found[row["pk"]] = row
    return [found[pk] for pk in ids if pk in found]


@login_required
@require_http_methods(["GET", "POST"])
def association_new(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "org.onboard", org)
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.organization_create(
                actor=request.user, parent=org, kind=Organization.Kind.ASSOCIATION,
                data=form.cleaned_data, admin_email=form.cleaned_data["admin_email"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was added, and its first admin was invited "
                                        "(%(email)s).") % {
                "name": created.name, "email": form.cleaned_data["admin_email"]})
            return redirect("orgs:associations", org.pk)
    return render(request, "orgs/association_new.html", {"org": org, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, org_id: int) -> HttpResponse:
    """Change the organization's details: its own admin, or a supervising body's admin."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "org.edit", org)
    form = OrganizationDetailsForm(request.POST or None, instance=Organization.objects.get(pk=org.pk))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.organization_update(actor=request.user, org=org, data=data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The details of %(name)s were saved.") % {
                "name": data["name"]})
            return redirect("orgs:org_edit", org.pk)
    return render(request, "orgs/org_edit.html", {"org": org, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def association_import(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "org.onboard", org)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.ONBOARDING_MAX_UPLOAD:
            form.add_error("file", _("The file is larger than %(mb)d MB.") % {
                "mb": settings.ONBOARDING_MAX_UPLOAD // (1024 * 1024)})
        else:
            try:
                report = services.organizations_import(actor=request.user, parent=org, fileobj=upload)
            except DomainError as exc:
                form.add_error("file", str(exc))
            else:
                if not report.errors:
                    messages.success(request, _("%(n)d associations were imported.") % {
                        "n": len(report.created)})
                    return redirect("orgs:associations", org.pk)
    return render(request, "orgs/association_import.html",
                  {"org": org, "form": form, "report": report, "columns": services.IMPORT_COLUMNS})


@login_required
@require_GET
def import_template(request: HttpRequest, org_id: int) -> HttpResponse:
    from io import BytesIO

    from openpyxl import Workbook

    org = get_org_for_user(request.user, org_id)
    require(request.user, "org.onboard", org)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([str(label) for _key, label in services.IMPORT_COLUMNS])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = 'attachment; filename="associations-template.xlsx"'
    return response


@login_required
@require_GET
def members(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "org.view_members", org)
    memberships = org.memberships.select_related("user").order_by("-is_active", "user__username")
    page = Paginator(memberships, 50).get_page(request.GET.get("page"))
    locked = lockout.locked([m.user.username for m in page])
    with_second_factor = second_factor.users_with_second_factor([m.user_id for m in page])
    return render(request, "orgs/members.html", {
        "org": org, "page": page, "locked": locked, "with_second_factor": with_second_factor, "invite_form": InviteForm(org=org),
        "invitations": _pending_invitations(org), "can_manage": can(request.user, "org.manage_members", org),
        "can_edit": can(request.user, "org.edit", org),
    })


@login_required
@require_POST
def member_invite(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "org.manage_members", org)
    form = InviteForm(request.POST, org=org)
    status = 400
    if form.is_valid() and services.invitations_over_limit(request):
        form.add_error(None, services.TOO_MANY_INVITATIONS)
        status = 429
    elif form.is_valid():
        try:
            services.member_invite(actor=request.user, org=org, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, _("The invitation was sent to %(email)s.") % {
                "email": form.cleaned_data["email"]})
            return redirect("orgs:members", org.pk)
    memberships = org.memberships.select_related("user").order_by("-is_active", "user__username")
    return render(request, "orgs/members.html", {
        "org": org, "page": Paginator(memberships, 50).get_page(1), "locked": set(),
        "invite_form": form, "invitations": _pending_invitations(org), "can_manage": True,
    }, status=status)


def _pending_invitations(org: Organization) -> list[Invitation]:
    return list(Invitation.pending_of(org)[:20])


def _invitation_action(request: HttpRequest, org_id: int, invitation_id: int, action: str) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "org.manage_members", org)
    invitation = get_invitation_for_user(request.user, org, invitation_id)
    try:
        if action == "resend":
            if services.invitations_over_limit(request):
                raise DomainError(services.TOO_MANY_INVITATIONS, "too_many_invitations", status=429)
            services.invitation_resend(actor=request.user, invitation=invitation)
            done = _("The invitation was sent again to %(email)s.")
        else:
            services.invitation_cancel(actor=request.user, invitation=invitation)
            done = _("The invitation to %(email)s was cancelled; its link no longer works.")
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done % {"email": invitation.email})
    return redirect("orgs:members", org.pk)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, org_id: int, invitation_id: int) -> HttpResponse:
    return _invitation_action(request, org_id, invitation_id, "resend")


@login_required
@require_POST
def invitation_cancel(request: HttpRequest, org_id: int, invitation_id: int) -> HttpResponse:
    return _invitation_action(request, org_id, invitation_id, "cancel")


def _member_action(request: HttpRequest, org_id: int, membership_id: int, action: str) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "org.manage_members", org)
    membership = get_membership_for_user(request.user, org, membership_id)
    try:
        if action == "role":
            form = RoleForm(request.POST, org=org)
            if not form.is_valid():
                raise DomainError(_("Choose a role from the list."), "bad_role")
            services.member_set_role(actor=request.user, membership=membership,
                                     role=form.cleaned_data["role"])
        elif action == "deactivate":
            services.member_deactivate(actor=request.user, membership=membership)
        elif action == "reactivate":
            services.member_reactivate(actor=request.user, membership=membership)
        elif action == "unlock":
            services.member_unlock(actor=request.user, membership=membership)
        elif action == "reset_second_factor":
            services.member_reset_second_factor(actor=request.user, membership=membership)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("orgs:members", org.pk)


@login_required
@require_POST
def member_role(request: HttpRequest, org_id: int, membership_id: int) -> HttpResponse:
    return _member_action(request, org_id, membership_id, "role")


@login_required
@require_POST
def member_deactivate(request: HttpRequest, org_id: int, membership_id: int) -> HttpResponse:
    return _member_action(request, org_id, membership_id, "deactivate")


@login_required
@require_POST
def member_reactivate(request: HttpRequest, org_id: int, membership_id: int) -> HttpResponse:
    return _member_action(request, org_id, membership_id, "reactivate")


@login_required
@require_POST
def member_unlock(request: HttpRequest, org_id: int, membership_id: int) -> HttpResponse:
    return _member_action(request, org_id, membership_id, "unlock")


@login_required
@require_POST
def member_reset_second_factor(request: HttpRequest, org_id: int, membership_id: int) -> HttpResponse:
    return _member_action(request, org_id, membership_id, "reset_second_factor")


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.objects.select_related("organization").filter(
        token=token, accepted_at__isnull=True).first()
    if invitation is None:
        raise Http404("No such invitation")
    if invitation.cancelled_at or invitation.is_expired():
        return render(request, "orgs/invitation_cancelled.html", {"invitation": invitation},
                      status=410)
    if get_user_model().objects.filter(email__iexact=invitation.email).exists():
        return _invitation_join(request, invitation)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(invitation=invitation, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc, default_field="password")
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your account is ready. Please sign in."))
            return redirect("accounts:login")
    return render(request, "orgs/invitation_accept.html", {"invitation": invitation, "form": form})


def _invitation_join(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """The address has an account: its owner signs in and accepts (or not)."""
    if request.method == "POST" and request.user.is_authenticated:
        try:
            services.invitation_join(invitation=invitation, user=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("You joined %(org)s.") % {"org": invitation.organization.name})
            return redirect("site:org_home", invitation.organization_id)
    return render(request, "orgs/invitation_join.html", {"invitation": invitation})
