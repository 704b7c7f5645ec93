"""Writes to organizations and memberships: each audited, each in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guildhall.accounts import lockout, second_factor
from guildhall.audit.services import record
from guildhall.core import ratelimit
from guildhall.core.errors import DomainError
from guildhall.core.lines import labelled
from guildhall.lib.masking import mask_email, mask_middle
from guildhall.orgs.models import Invitation, Membership, Organization, Role
from guildhall.orgs.signals import organization_renamed

ORG_FIELDS = ("code", "name", "short_name", "credit_code", "region", "contact_name",
              "contact_phone", "contact_email")


def _org_snapshot(org: Organization) -> dict[str, Any]:
    """The organization as the audit trail keeps it: contact details masked."""
    snapshot = {f: getattr(org, f) for f in ORG_FIELDS} | {"parent": org.parent_id, "kind": org.kind}
    snapshot["contact_phone"] = mask_middle(org.contact_phone, 3, 4)
    snapshot["contact_email"] = mask_email(org.contact_email) if org.contact_email else ""
    return snapshot


def _save_with_path(org: Organization) -> None:
    org.save()
    parent_path = org.parent.path if org.parent_id else "/"
    org.path = f"{parent_path}{org.pk}/"
    org.save(update_fields=["path"])


def organization_create(*, actor: Any, parent: Organization | None, kind: str,
                        data: dict[str, Any], admin_email: str = "") -> Organization:
    """Create an organization below `parent` (None only for a top-level supervising body)
    and, in the same step, invite its first admin when `admin_email` is given."""
    with transaction.atomic():
        org = Organization(parent=parent, kind=kind, **{k: data.get(k, "") for k in ORG_FIELDS})
        org.full_clean()
        _save_with_path(org)
        record(actor=actor, action="org.create", organization=org, obj=org, after=_org_snapshot(org))
        if admin_email:
            member_invite(actor=actor, org=org, email=admin_email, role=Role.ADMIN)
    return org


def organization_update(*, actor: Any, org: Organization, data: dict[str, Any]) -> Organization:
    """Change an organization's details (its place in the tree and its kind stay). A new
    name or short name is told to the modules (`organization_renamed`) in the same
    transaction, so that what they keep of it (a filing's search text) follows."""
    editable = [f for f in ORG_FIELDS if f != "code"]
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=org.pk)
        before = _org_snapshot(org)
        for name in editable:
            if name in data:
                setattr(org, name, data[name] or "")
        org.full_clean()
        org.save(update_fields=editable)
        after = _org_snapshot(org)
        if after == before:
            return org
        record(actor=actor, action="org.update", organization=org, obj=org, before=before,
               after=after)
        if (after["name"], after["short_name"]) != (before["name"], before["short_name"]):
            organization_renamed.send(sender=Organization, organization=org)
    return org


# ---- bulk onboarding from a spreadsheet -----------------------------------------

IMPORT_COLUMNS = [
    ("code", gettext_lazy("Short code")),
    ("name", gettext_lazy("Name")),
    ("short_name", gettext_lazy("Short name")),
    ("credit_code", gettext_lazy("Unified social credit code")),
    ("region", gettext_lazy("Region")),
    ("contact_name", gettext_lazy("Contact person")),
    ("contact_phone", gettext_lazy("Contact phone")),
    ("contact_email", gettext_lazy("Contact e-mail")),
    ("admin_email", gettext_lazy("First admin's e-mail")),
]
MAX_IMPORT_ROWS = 5000


@dataclass
class ImportReport:
    created: list[Organization] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)
    rows: int = 0


def _read_rows(fileobj: IO[bytes]) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    from guildhall.lib.zipguard import UnsafeArchive, check_archive

    try:
        check_archive(fileobj)
        workbook = load_workbook(fileobj, read_only=True, data_only=False)
    except UnsafeArchive:
        raise DomainError(_("This file is not a valid .xlsx spreadsheet (or it is damaged). "
                            "Save it from Excel or WPS as .xlsx and upload it again."), "bad_file")
    except Exception:
        raise DomainError(_("This file is not a valid .xlsx spreadsheet (or it is damaged). "
                            "Save it from Excel or WPS as .xlsx and upload it again."), "bad_file")
    sheet = workbook.worksheets[0]
    rows = []
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if number > MAX_IMPORT_ROWS + 1:
            raise DomainError(_("The spreadsheet has more than %(n)d rows; split it into smaller "
                                "files.") % {"n": MAX_IMPORT_ROWS}, "too_many_rows")
        cells = ["" if v is None else str(v).strip() for v in (values or ())]
        if not any(cells):
            continue
        cells += [""] * (len(IMPORT_COLUMNS) - len(cells))
        rows.append((number, {key: cells[i] for i, (key, _label) in enumerate(IMPORT_COLUMNS)}))
    workbook.close()
    return rows


def organizations_import(*, actor: Any, parent: Organization, fileobj: IO[bytes]) -> ImportReport:
    """Create one association per row; create none when any row is wrong."""
    report = ImportReport()
    rows = _read_rows(fileobj)
    report.rows = len(rows)
    if not rows:
        report.errors.append((0, _("The spreadsheet has no rows below the header.")))
        return report
    seen: dict[str, int] = {}
    candidates = []
    for number, data in rows:
        formula = next((k for k, v in data.items() if looks_like_formula(v)), None)
        if formula:
            report.errors.append((number, _("Cells must hold plain values, not formulas.")))
            continue
        data["credit_code"] = data["credit_code"].upper()
        admin_email = data.pop("admin_email").strip().lower()
        try:
            validate_email(admin_email)
        except ValidationError:
            report.errors.append((number, _("%(column)s: give the e-mail address of the person "
                                            "who will be the association's first admin; they "
                                            "are invited to join.") % {
                "column": dict(IMPORT_COLUMNS)["admin_email"]}))
        for key in ("code", "credit_code"):
            if data[key] and data[key] in seen:
                report.errors.append((number, _("Same %(field)s as row %(row)d.") % {
                    "field": dict(IMPORT_COLUMNS)[key], "row": seen[data[key]]}))
            seen.setdefault(data[key], number)
        org = Organization(parent=parent, kind=Organization.Kind.ASSOCIATION, **data)
        try:
            org.full_clean()
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                label = dict(IMPORT_COLUMNS).get(field_name, field_name)
                for message in messages:
                    report.errors.append((number, labelled(label, message)))
            continue
        candidates.append((org, admin_email))
    if report.errors:
        return report
    with transaction.atomic():
        for org, admin_email in candidates:
            _save_with_path(org)
            record(actor=actor, action="org.import", organization=org, obj=org,
                   after=_org_snapshot(org))
            member_invite(actor=actor, org=org, email=admin_email, role=Role.ADMIN)
            report.created.append(org)
    return report


#: What a cell that a spreadsheet may run as a formula starts with (`looks_like_formula`;
#: a quick first test for writers of many cells).
FORMULA_START = frozenset("=+-@\t\r")


def looks_like_formula(value: str) -> bool:
    """Say whether a spreadsheet cell would run as a formula in Excel or WPS (=, +, -, @,
    or a tab or carriage return first), unless it is a plain negative number."""
    if value[:1] not in FORMULA_START:
        return False
    if value[:1] != "-":
        return True
    try:
        float(value)
    except ValueError:
        return True
    return False


# ---- members ----------------------------------------------------------------------

def _check_role(org: Organization, role: str) -> None:
    if role not in dict(org.role_choices):
        raise DomainError(_("This role does not exist in this kind of organization."), "bad_role",
                          field="role")


TOO_MANY_INVITATIONS = gettext_lazy("You have sent too many invitations in the last hour. Wait "
                                    "a while and send the rest later.")


def invitations_over_limit(request: Any) -> bool:
    """Count one invitation sent (a new one or a resend) by the signed-in person and
    return whether they are over the hourly limit, by account or by address."""
    return ratelimit.person_over_limit(request, "invite", per_person=settings.INVITATIONS_PER_HOUR,
                                       per_address=settings.INVITATIONS_PER_HOUR * 2, window=3600)


def member_invite(*, actor: Any, org: Organization, email: str, role: str) -> Invitation:
    """E-mail an invitation. Everyone joins by accepting it, an existing account too: an
    admin cannot pull someone into their organization, and the answer is the same whether
    or not the address has an account."""
    _check_role(org, role)
    email = email.strip().lower()
    with transaction.atomic():
        if Membership.objects.filter(organization=org, user__email__iexact=email,
                                     is_active=True).exists():
            raise DomainError(_("This person is already a member of this organization."),
                              "already_member", field="email")
        invitation = Invitation.objects.create(organization=org, email=email, role=role,
                                               invited_by=actor, sent_at=timezone.now())
        record(actor=actor, action="member.invite", organization=org, obj=invitation,
               after={"email": mask_email(email), "role": role})
        transaction.on_commit(lambda: _send_invitation(invitation, actor))
    return invitation


def _check_pending(invitation: Invitation) -> None:
    if invitation.accepted_at:
        raise DomainError(_("This invitation has already been used."), "used", status=409)
    if invitation.cancelled_at:
        raise DomainError(_("This invitation was cancelled."), "cancelled", status=409)


def _check_acceptable(invitation: Invitation) -> None:
    """Refuse an invitation that is used, cancelled or past its time (a resend renews it)."""
    _check_pending(invitation)
    if invitation.is_expired():
        raise DomainError(_("This invitation expired on %(date)s. Ask the organization's "
                            "administrator to send it again.") % {
            "date": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d")},
            "expired", status=410)


def _lock_pending(invitation: Invitation) -> Invitation:
    """Return the invitation locked for this transaction, refusing one that is no longer
    pending (used or cancelled meanwhile)."""
    invitation = Invitation.objects.select_related("organization").select_for_update(
        of=("self",)).get(pk=invitation.pk)
    _check_pending(invitation)
    return invitation


def invitation_resend(*, actor: Any, invitation: Invitation) -> Invitation:
    """E-mail a pending invitation again, with the same link (the first e-mail may have
    been lost or deleted)."""
    with transaction.atomic():
        invitation = _lock_pending(invitation)
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
        record(actor=actor, action="member.invite_resend", organization=invitation.organization,
               obj=invitation, after={"email": mask_email(invitation.email), "role": invitation.role})
        transaction.on_commit(lambda: _send_invitation(invitation, actor))
    return invitation


def invitation_cancel(*, actor: Any, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation: its link no longer works."""
    with transaction.atomic():
        invitation = _lock_pending(invitation)
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at"])
        record(actor=actor, action="member.invite_cancel", organization=invitation.organization,
               obj=invitation, before={"email": mask_email(invitation.email), "role": invitation.role})
    return invitation


def _send_invitation(invitation: Invitation, actor: Any) -> None:
    from django.core.mail import send_mail

    link = f"{settings.SITE_URL}{reverse('orgs:invitation_accept', args=[invitation.token])}"

    subject = _("Invitation to join %(org)s on Guildhall") % {"org": invitation.organization.name}
    body = _("%(name)s invites you to join %(org)s as %(role)s. Open this link to accept "
             "the invitation:\n\n%(link)s\n\nThe link works until %(date)s.") % {
        "name": actor.display_name, "org": invitation.organization.name,
        "role": invitation.get_role_display(), "link": link,
        "date": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d")}
    send_mail(subject, body, None, [invitation.email])


def invitation_join(*, invitation: Invitation, user: Any) -> Membership:
    """Make the signed-in account a member, by its own acceptance of the invitation sent
    to its e-mail address."""
    _check_acceptable(invitation)
    if (user.email or "").lower() != invitation.email.lower():
        raise DomainError(_("This invitation was sent to another e-mail address. Sign in with "
                            "the account of that address to accept it."), "wrong_account",
                          status=403)
    with transaction.atomic():
        membership, _created = Membership.objects.get_or_create(
            user=user, organization=invitation.organization, defaults={"role": invitation.role})
        membership.role, membership.is_active = invitation.role, True
        membership.save()
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        record(actor=user, action="member.join", organization=invitation.organization,
               obj=membership, after={"user": user.username, "role": membership.role})
    return membership


def invitation_accept(*, invitation: Invitation, username: str, full_name: str,
                      password: str) -> Any:
    """Create the invited person's account and membership."""
    from django.contrib.auth.password_validation import validate_password

    User = get_user_model()
    _check_acceptable(invitation)
    if "@" in username:
        # Sign-in accepts a user name or an e-mail address: a user name must not look like one.
        raise DomainError(_("A user name cannot contain “@”."), "bad_username", field="username")
    with transaction.atomic():
        user = User(username=username.strip(), email=invitation.email, full_name=full_name.strip())
        validate_password(password, user)
        user.set_password(password)
        user.full_clean()
        user.save()
        membership = Membership.objects.create(user=user, organization=invitation.organization,
                                               role=invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        record(actor=user, action="member.join", organization=invitation.organization,
               obj=membership, after={"user": user.username, "role": membership.role})
    return user


def member_set_role(*, actor: Any, membership: Membership, role: str) -> None:
    _check_role(membership.organization, role)
    if membership.user_id == actor.pk:
        raise DomainError(_("You cannot change your own role; ask another administrator."),
                          "own_membership")
    with transaction.atomic():
        before = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        # New permissions take effect at once: end the old sessions.
        membership.user.end_all_sessions()
        record(actor=actor, action="member.set_role", organization=membership.organization,
               obj=membership, before={"role": before}, after={"role": role})


def member_deactivate(*, actor: Any, membership: Membership) -> None:
    """Revoke the membership and end the person's sessions at once."""
    if membership.user_id == actor.pk:
        raise DomainError(_("You cannot deactivate yourself; ask another administrator."),
                          "own_membership")
    with transaction.atomic():
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        user = membership.user
        if not user.memberships.filter(is_active=True).exists():
            user.is_active = False
            user.save(update_fields=["is_active"])
            # Nothing of the account may keep working: its API tokens go too.
            user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        user.end_all_sessions()
        record(actor=actor, action="member.deactivate", organization=membership.organization,
               obj=membership, before={"active": True}, after={"active": False})


def member_reactivate(*, actor: Any, membership: Membership) -> None:
    if membership.user.is_erased:
        raise DomainError(_("This person's data was erased; the account cannot be used "
                            "again. Invite them anew if they come back."), "erased")
    with transaction.atomic():
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        if not membership.user.is_active:
            membership.user.is_active = True
            membership.user.save(update_fields=["is_active"])
        record(actor=actor, action="member.reactivate", organization=membership.organization,
               obj=membership, before={"active": False}, after={"active": True})


def member_unlock(*, actor: Any, membership: Membership) -> None:
    """Lift the sign-in lockout of this account — only of the account: the addresses
    that failed stay paused until the cool-off ends (`accounts.lockout.lift`). The
    admin's own organization's active members only; the view scopes the membership."""
    if membership.user_id == actor.pk:
        raise DomainError(_("You cannot unlock yourself; ask another administrator."),
                          "own_membership")
    if not membership.is_active:
        raise DomainError(_("This person's membership is deactivated; reactivate it "
                            "before unlocking the account."), "inactive_member", status=409)
    username = membership.user.username
    with transaction.atomic():
        if username not in lockout.locked([username]):
            raise DomainError(_("This account is not locked."), "not_locked", status=409)
        lifted = lockout.lift(username)
        record(actor=actor, action="member.unlock", organization=membership.organization,
               obj=membership, before={"locked": True, "failures": lifted},
               after={"locked": False})




def member_reset_second_factor(*, actor: Any, membership: Membership) -> None:
    """Remove the member's authenticator and recovery codes (a lost phone) and end their
    sessions: at the next sign-in they set up a new one. Active members of the admin's
    own organization only, not oneself."""
    if membership.user_id == actor.pk:
        raise DomainError(_("You cannot reset your own second factor; ask another "
                            "administrator."), "own_membership")
    if not membership.is_active:
        raise DomainError(_("This person's membership is deactivated; reactivate it "
                            "before resetting the second factor."), "inactive_member", status=409)
    user = membership.user
    with transaction.atomic():
        removed = second_factor.remove(user)
        if not removed:
            raise DomainError(_("This person has no second factor to reset."),
                              "no_second_factor", status=409)
        user.end_all_sessions()
        record(actor=actor, action="member.reset_second_factor",
               organization=membership.organization, obj=membership,
               before={"second_factor": True}, after={"second_factor": False})
