"""A person's data in one organization (PIPL): the export of what the organization holds
about them, and the erasure of a person who has left.

It lives in `site` because it reads every module's records: each model with a link to
an account and a way to its organization (its own `organization`, or one link to a
record that has one) is found by introspection, so a new module is covered without
being listed here.

Who and when (the decisions; README "Personal data"):
- Only an admin of the organization, for a person who has a membership there.
- The export: the account's details, the memberships, tokens and invitations of this
  organization, every record of the organization the person has a part in (the record's
  kind, number, title and dates, and which part: author, reviewer…; never other people's
  names), the trail of their own actions in this organization, and the files they
  uploaded there. Streamed as a .zip of UTF-8 JSON files plus the files; audited.
- The erasure: only for a person who is no longer an active member of this
  organization. If no other organization has them active, the account itself is
  anonymized ("已离开的成员 #N", contacts removed, signed out everywhere, tokens
  revoked, second factor and lockout records removed) and the text copies of their
  name and contacts are replaced in the records of every organization they belonged
  to. If another organization still has them active, the account stays as it is and
  this organization's records are moved to a placeholder account of the same label,
  with the text copies replaced in this organization's records only. In both cases the
  audit records concerned keep only masked values (`audit.services.mask_personal_values`;
  the user name only where it is a whole value), so the chain still verifies; the
  erasure is itself audited, in every organization whose trail it masked.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import zipfile
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guildhall.audit.actions import action_label
from guildhall.audit.models import AuditRecord
from guildhall.audit.services import mask_personal_values, record, texts_in
from guildhall.core.errors import DomainError
from guildhall.lib.masking import mask_email, mask_middle, replace_in
from guildhall.orgs.models import Invitation, Membership, Organization
from guildhall.site.audit_views import field_label, object_label

#: Accounts' own bookkeeping: exported or handled on their own, never as "records".
_OWN_MODELS = {"orgs.membership", "accounts.apitoken", "accounts.user"}


@functools.cache
def person_links() -> list[tuple[type[models.Model], list[str], str]]:
    """Every model with a link to an account and a way to its organization:
    (model, the link fields — foreign keys and many-to-many, such as attendees —, the
    lookup of the organization)."""
    user_model = get_user_model()
    found = []
    for model in apps.get_models():
        if model._meta.proxy or model._meta.label_lower in _OWN_MODELS:
            continue
        links = [f.name for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
                 if isinstance(f, (models.ForeignKey, models.ManyToManyField))
                 and f.related_model is user_model]
        path = _organization_path(model)
        if links and path:
            found.append((model, links, path))
    return found


def _organization_path(model: type[models.Model]) -> str:
    names = {f.name: f for f in model._meta.concrete_fields}
    if isinstance(names.get("organization"), models.ForeignKey):
        return "organization"
    for f in model._meta.concrete_fields:
        if isinstance(f, models.ForeignKey) and f.related_model is not Organization and any(
                g.name == "organization" for g in f.related_model._meta.concrete_fields):
            return f"{f.name}__organization"
    return ""


@functools.cache
def text_models() -> list[tuple[type[models.Model], list[str], str]]:
    """Every model with text that may copy a name or a contact, and its way to an
    organization ("pk" for the organization itself)."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or model is AuditRecord:
            continue
        fields = [f.name for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField, models.JSONField))
                  and not f.choices and f.name not in ("password", "key_hash", "token")]
        path = "pk" if model is Organization else _organization_path(model)
        if fields and path:
            found.append((model, fields, path))
    return found


# --- export -------------------------------------------------------------------------


def _when(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _label(model: type[models.Model], name: str) -> str:
    """The field's name for people, or "" when it has none (only its code)."""
    label = field_label(model, name)
    return "" if label in (name, name.replace("_", " ")) else label


def _dates(obj: models.Model) -> dict[str, Any]:
    return {_label(type(obj), f.name): _when(getattr(obj, f.name))
            for f in obj._meta.concrete_fields
            if isinstance(f, (models.DateField, models.DateTimeField))
            and getattr(obj, f.name) is not None and _label(type(obj), f.name)}


def _links_to(obj: models.Model, link: str, person: Any, linked: dict[str, set[int]]) -> bool:
    if link in linked:  # a many-to-many link: the ids of the rows naming the person
        return obj.pk in linked[link]
    return getattr(obj, f"{link}_id") == person.pk


def _move_links(model: type[models.Model], link: str, path: str, org: Any, person: Any,
                holder: Any) -> None:
    """Point the organization's `model` rows that link to `person` by `link` at `holder`."""
    field = model._meta.get_field(link)
    if not field.many_to_many:
        model.objects.filter(**{link: person, path: org}).update(**{link: holder})
        return
    through = field.remote_field.through
    source = field.m2m_field_name()
    target = field.m2m_reverse_field_name()
    ids = model.objects.filter(**{link: person, path: org}).values("pk")
    through.objects.filter(**{target: person, f"{source}__in": ids}).update(**{target: holder})


def _title(obj: models.Model) -> str:
    for name in ("title", "topic", "name", "original_name"):
        value = getattr(obj, name, None)
        if isinstance(value, str) and value:
            return value
    return ""


def export_data(org: Organization, person: Any) -> dict[str, Any]:
    """Everything `org` holds about `person`, as JSON-ready data with readable keys."""
    memberships = Membership.objects.filter(organization=org, user=person)
    data: dict[str, Any] = {
        _("Exported at"): _when(timezone.now()),
        _("Organization"): org.name,
        _("Account"): {
            _("User name"): person.username, _("Full name"): person.full_name,
            _("E-mail"): person.email, _("Phone"): person.phone,
            _("Language"): person.language, _("Account created"): _when(person.date_joined),
            _("Last sign-in"): _when(person.last_login),
        },
        _("Memberships"): [{_("Role"): m.get_role_display(), _("Active"): m.is_active,
                            _("Since"): _when(m.created_at)} for m in memberships],
        _("Invitations"): [{_("E-mail"): i.email, _("Role"): i.get_role_display(),
                            _("Sent"): _when(i.created_at), _("Accepted"): _when(i.accepted_at)}
                           for i in Invitation.objects.filter(organization=org,
                                                              email__iexact=person.email)],
        _("API tokens"): [{_("Name"): t.name, _("Beginning"): t.prefix,
                           _("Created"): _when(t.created_at), _("Last used"): _when(t.last_used_at),
                           _("Revoked"): _when(t.revoked_at)} for t in person.api_tokens.all()],
    }
    records = []
    for model, links, path in person_links():
        query = _records_query(links, person)
        linked = {link: set(model.objects.filter(**{link: person, path: org})
                            .values_list("pk", flat=True))
                  for link in links if model._meta.get_field(link).many_to_many}
        for obj in model.objects.filter(query, **{path: org}).distinct().order_by("pk"):
            records.append({
                _("Kind"): object_label(model._meta.label_lower), _("Number"): obj.pk,
                _("Title"): _title(obj),
                _("Their part"): [_label(model, link) or _("Named in it")
                                  for link in links if _links_to(obj, link, person, linked)],
                _("Dates"): _dates(obj),
            })
    data[_("Records")] = records
    data[_("Audit trail")] = [
        {_("Number"): r.org_seq, _("Time"): _when(r.created_at), _("Action"): str(action_label(r.action)),
         _("Object"): object_label(r.object_type) if r.object_type else ""}
        for r in AuditRecord.objects.filter(organization_id=org.pk, actor_id=person.pk).order_by("seq")]
    return data


def _records_query(links: list[str], person: Any) -> models.Q:
    query = models.Q()
    for link in links:
        query |= models.Q(**{link: person})
    return query


def counts(org: Organization, person: Any) -> tuple[int, int]:
    """How many records of `org` the person has a part in, and how many files they
    uploaded there: what the export holds, counted without building it."""
    from guildhall.records.models import Attachment

    records = sum(model.objects.filter(_records_query(links, person), **{path: org})
                  .distinct().count() for model, links, path in person_links())
    return records, Attachment.objects.filter(organization=org, uploaded_by=person).count()


def uploaded_files(org: Organization, person: Any) -> list[Any]:
    from guildhall.records.models import Attachment

    return list(Attachment.objects.filter(organization=org, uploaded_by=person).order_by("pk"))


class _Stream:
    """A write-only file the zip writes to; what was written is taken out piece by piece."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out, self.parts = b"".join(self.parts), []
        return out


def export_zip(org: Organization, person: Any, *, actor: Any) -> Iterator[bytes]:
    """Stream the export as a .zip: `person.json` and the uploaded files under `files/`.
    The export is audited before the first byte is sent."""
    data = export_data(org, person)
    files = uploaded_files(org, person)
    record(actor=actor, action="member.export", organization=org, obj=person,
           after={"records": len(data[_("Records")]), "files": len(files)})

    def chunks() -> Iterator[bytes]:
        stream = _Stream()
        with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("person.json", json.dumps(data, ensure_ascii=False, indent=2))
            yield stream.take()
            for attachment in files:
                name = f"files/{attachment.pk}-{attachment.original_name}"
                with attachment.file.open("rb") as source, archive.open(name, "w") as target:
                    while block := source.read(64 * 1024):
                        target.write(block)
                        yield stream.take()
        yield stream.take()

    return chunks()


# --- erasure ------------------------------------------------------------------------


def erasure_refusal(org: Organization, person: Any, actor: Any) -> str:
    """Why `person` may not be erased from `org` now, or "" when they may."""
    membership = Membership.objects.filter(organization=org, user=person).first()
    if membership is None:
        return _("This person was never a member of this organization.")
    if person.pk == actor.pk:
        return _("You cannot erase yourself.")
    if membership.is_active:
        return _("This person is still an active member. Deactivate the membership first; "
                 "only a person who has left can be erased.")
    if person.is_erased:
        return _("This person has already been erased.")
    return ""


def _former(n: int) -> str:
    return _("Former member #%(n)s") % {"n": n}


def _replace_in(qs: models.QuerySet, fields: list[str], replacements: dict[str, str]) -> int:
    """Replace the texts in these rows' `fields`; return how many rows changed."""
    alias, found = texts_in(fields, replacements)
    changed = 0
    for obj in qs.alias(**alias).filter(found).iterator():
        new = {f: replace_in(getattr(obj, f), replacements) for f in fields}
        new = {f: v for f, v in new.items() if v != getattr(obj, f)}
        if new:
            type(obj).objects.filter(pk=obj.pk).update(**new)
            changed += 1
    return changed


def _replace_text_copies(orgs: list[int], replacements: dict[str, str],
                         person: Any = None) -> int:
    """Replace the person's name and contacts in every text of these organizations'
    records (and, given `person`, of every record linked to them, such as the notices
    addressed to them); return how many records changed."""
    changed = 0
    texts = {model: fields for model, fields, _path in text_models()}
    for model, fields, path in text_models():
        lookup = "pk__in" if path == "pk" else f"{path}__in"
        changed += _replace_in(model.objects.filter(**{lookup: orgs}), fields, replacements)
    if person is not None:
        for model, links, _path in person_links():
            if model in texts:
                changed += _replace_in(
                    model.objects.filter(_records_query(links, person)).distinct(),
                    texts[model], replacements)
    return changed


def erase(org: Organization, person: Any, *, actor: Any, confirm_name: str) -> dict[str, Any]:
    """Erase `person` from `org` (see the module's text); return what was done."""
    if refusal := erasure_refusal(org, person, actor):
        raise DomainError(refusal, "not_erasable", status=409)
    if confirm_name.strip() != person.display_name:
        raise DomainError(_("Type the person's name exactly as shown to confirm the erasure."),
                          "not_confirmed", field="confirm_name")
    active_elsewhere = Membership.objects.filter(user=person, is_active=True).exclude(
        organization=org).exists()
    user_model = get_user_model()
    with transaction.atomic():
        person = user_model.objects.select_for_update().get(pk=person.pk)
        label = _former(person.pk)
        old_email, old_username = person.email, person.username
        erased = _("(erased)")
        text = {person.email: erased, **({person.phone: erased} if len(person.phone) >= 5 else {}),
                **({person.full_name: label} if len(person.full_name) >= 2 else {})}
        masked = {person.email: mask_email(person.email),
                  **({person.phone: mask_middle(person.phone, 3, 4)} if person.phone else {}),
                  **({person.full_name: person.full_name[0] + "*" * (len(person.full_name) - 1)}
                     if len(person.full_name) >= 2 else {})}
        if active_elsewhere:
            scope_orgs = [org.pk]
            holder = user_model.objects.create(
                username=f"left-{person.pk}-{org.pk}", email=f"left-{person.pk}-{org.pk}@{user_model.ERASED_DOMAIN}",
                full_name=label, is_active=False)
            holder.set_unusable_password()
            holder.save(update_fields=["password"])
            for model, links, path in person_links():
                for link in links:
                    _move_links(model, link, path, org, person, holder)
            Membership.objects.filter(user=person, organization=org).update(user=holder)
            audit_scope = models.Q(organization_id=org.pk)
        else:
            scope_orgs = list(Membership.objects.filter(user=person)
                              .values_list("organization_id", flat=True))
            _anonymize_account(person, label)
            audit_scope = models.Q()
        invitations = Invitation.objects.filter(email__iexact=old_email)
        (invitations if not active_elsewhere else invitations.filter(organization=org)).delete()
        changed = _replace_text_copies(scope_orgs, text,
                                       None if active_elsewhere else person)
        scope = "organization" if active_elsewhere else "account"
        masked_records = mask_personal_values(replacements=masked, person_id=person.pk,
                                              scope=audit_scope, person_label=label,
                                              whole={old_username: label})
        # The erasure, in each organization whose trail it masked (verify_audit accepts a
        # masked record only where such a record names it).
        for org_id in dict.fromkeys([org.pk, *masked_records]):
            extra = {"scope": scope, "records": changed} if org_id == org.pk \
                else {"by_organization": org.pk}
            record(actor=actor, action="member.erase", organization=org_id, obj=person,
                   after={"person": label, **extra,
                          "masked_records": masked_records.get(org_id, [])})
    return {"label": label, "scope": scope, "texts": changed,
            "audit_records": sum(len(v) for v in masked_records.values())}


def _anonymize_account(person: Any, label: str) -> None:
    """The account itself: no name or contact left, signed out, no way back in."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from guildhall.accounts import second_factor

    old_names = [person.username, person.email]
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__in=old_names).delete()
    second_factor.remove(person)
    person.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    person.api_tokens.update(name=label)
    person.username = f"left-{person.pk}"
    person.email = f"left-{person.pk}@{person.ERASED_DOMAIN}"
    person.full_name, person.phone, person.first_name, person.last_name = label, "", "", ""
    person.is_active = False
    person.set_unusable_password()
    person.save()
    person.end_all_sessions()
