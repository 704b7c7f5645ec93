"""Writes on study sessions and codes of conduct: every change audited, in one transaction
with its records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.audit.services import record
from guildhall.core.errors import DomainError, required_text
from guildhall.core.lines import labelled
from guildhall.kit import attendees as kit_attendees
from guildhall.kit.actions import auditor
from guildhall.kit.richtext import clean_rich_text
from guildhall.orgs.models import Role
from guildhall.records import services as records
from guildhall.records.models import Attachment, Revision
from guildhall.reviews import services as reviews
from guildhall.reviews.models import Verdict
from guildhall.study.models import (
    PENDING_VERSION,
    Acknowledgement,
    Code,
    CodeRules,
    CodeVersion,
    SessionStatus,
    StudySession,
    VersionStatus,
    ack_reminder_days,
)

MAX_UPLOAD = getattr(settings, "STUDY_MAX_UPLOAD", 20 * 1024 * 1024)
#: Minutes, slides, materials and photos of a session.
KINDS = {"pdf", "docx", "xlsx", "pptx", "png", "jpeg", "txt"}


# ---- people -----------------------------------------------------------------------

#: The active members of the association, by name.
members_of = kit_attendees.members_of


def with_role(org: Any, roles: set[str]):
    return get_user_model().objects.filter(
        memberships__organization_id=getattr(org, "pk", org), memberships__role__in=roles,
        memberships__is_active=True, is_active=True).distinct()


# ---- study sessions -----------------------------------------------------------------

_audit = auditor("study")


def _lock(session: StudySession) -> StudySession:
    return StudySession.objects.select_for_update().select_related("organization").get(pk=session.pk)


def _new_revision(session: StudySession, actor: Any, before: dict | None) -> Revision | None:
    after = session.snapshot()
    changed = records.changed_fields(before, after)
    if not changed:
        return None
    if before is not None:
        session.revision += 1
        session.updated_at = timezone.now()
        session.save(update_fields=["revision", "updated_at"])
    return records.add_revision(session, actor=actor, snapshot=after, changed=changed)


def _apply(session: StudySession, data: dict[str, Any]) -> tuple[list[int] | None, list[int] | None]:
    """Set the fields; return the attendees' and library items' ids to set (None: unchanged)."""
    data = dict(data)
    attendees = data.pop("attendees", None)
    items = data.pop("library_items", None)
    if "plan_topic" in data:
        session.plan_topic = _plan_topic(session.organization, data.pop("plan_topic"))
    for name, value in data.items():
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    session.full_clean(exclude=["created_by"])
    return (None if attendees is None else kit_attendees.member_ids(session.organization, attendees),
            None if items is None else _library_ids(
                session.organization, items,
                session.library_items.values_list("pk", flat=True) if session.pk else ()))


def _set_people_and_items(session: StudySession, attendees: list[int] | None,
                          items: list[int] | None) -> None:
    kit_attendees.set_attendees(session, attendees)
    if items is not None:
        session.library_items.set(items)


def _library_ids(org: Any, ids: Iterable[Any], kept: Iterable[int] = ()) -> list[int]:
    """Materials of the association's library (its own and its supervisors'; those taken out
    of it only when the session already names them, `kept`); any other id is refused like
    a missing one."""
    from guildhall.study.queries import library

    refused = DomainError(_("Choose materials of the association's library."), "not_in_library",
                          status=422, field="library_items")
    try:
        wanted = {int(getattr(i, "pk", i)) for i in ids}
    except (TypeError, ValueError):
        raise refused from None
    found = set(library(org, keep=kept).filter(pk__in=[i for i in wanted if 0 < i < 2**63])
                .values_list("pk", flat=True))
    if wanted - found:
        raise refused
    return sorted(wanted)


def _plan_topic(org: Any, value: Any) -> Any:
    """The topic of the association's own plan (by object or id); another's is refused like
    a missing one."""
    from guildhall.study.models import PlanTopic

    if value in (None, ""):
        return None
    pk = getattr(value, "pk", value)
    found = PlanTopic.objects.filter(organization=org, pk=pk).first() if isinstance(pk, int) else None
    if found is None:
        raise DomainError(_("Choose a topic of the association's own study plan."), "no_such_topic",
                          status=422, field="plan_topic")
    return found


def session_create(*, actor: Any, org: Any, data: dict[str, Any]) -> StudySession:
    """Record a study session of `org` as a draft."""
    with transaction.atomic():
        session = StudySession(organization=org, created_by=actor)
        attendees, items = _apply(session, data)
        session.save()
        _set_people_and_items(session, attendees, items)
        revision = _new_revision(session, actor, None)
        _audit(actor, "session.create", session, after=revision.snapshot)
        return session


def _change(session: StudySession, action: str, actor: Any, data: dict[str, Any],
            revision: int | None) -> tuple[StudySession, dict[str, Any], Revision | None]:
    """Lock the session, apply the change `action` allows and keep it as a new revision;
    return the locked session, its snapshot before and the new revision (None: no change)."""
    session = _lock(session)
    session.guard(action)
    records.refuse_stale(session, revision)
    before = session.snapshot()
    attendees, items = _apply(session, data)
    session.save()
    _set_people_and_items(session, attendees, items)
    return session, before, _new_revision(session, actor, before)


def session_update(*, actor: Any, session: StudySession, data: dict[str, Any],
                   revision: int | None = None) -> StudySession:
    with transaction.atomic():
        session, before, new = _change(session, "edit", actor, data, revision)
        if new is not None:
            _audit(actor, "session.update", session,
                   before={k: before.get(k) for k in new.changed_fields},
                   after={**{k: new.snapshot[k] for k in new.changed_fields},
                          "revision": session.revision})
        return session


SESSION_CORRECTED = "study.session_corrected"


def session_correct(*, actor: Any, session: StudySession, data: dict[str, Any], reason: str,
                    revision: int | None = None) -> StudySession:
    """Correct a confirmed session: the change is a new revision with its reason, and the
    session goes back to the principal for confirmation; until then it leaves the year's
    figures (they count confirmed sessions only)."""
    from guildhall.notifications.services import Message, notify

    reason = required_text(reason, _("Say why the confirmed session is corrected."),
                           field="reason")
    with transaction.atomic():
        session, before, new = _change(session, "correct", actor, data, revision)
        if new is None:
            raise DomainError(_("Nothing was changed: a correction changes the session."),
                              "nothing_changed", status=422)
        session.status, session.confirmed_at, session.confirmed_by, session.members_then = (
            SessionStatus.DRAFT, None, None, None)
        session.save(update_fields=["status", "confirmed_at", "confirmed_by", "members_then"])
        records.add_entry(session, StudySession.EntryKind.CORRECTED, actor, reason)
        _audit(actor, "session.correct", session,
               before={"status": SessionStatus.CONFIRMED,
                       **{k: before.get(k) for k in new.changed_fields}},
               after={"status": session.status, "reason": reason, "revision": session.revision,
                      **{k: new.snapshot[k] for k in new.changed_fields}})
        topic = session.topic
        notify(list(with_role(session.organization, {Role.PRINCIPAL})), Message(
            kind=SESSION_CORRECTED, organization=session.organization,
            url=session.get_absolute_url(),
            subject=lambda: str(_("A corrected study session awaits your confirmation: "
                                  "%(topic)s") % {"topic": topic}),
            body=reason))
        return session


def session_confirm(*, actor: Any, session: StudySession) -> StudySession:
    """The principal confirms that the session took place as recorded: it counts in the
    year's figures from now on, with the association's membership of today as the base
    of its participation rate."""
    now = timezone.now()
    with transaction.atomic():
        session = _lock(session)
        session.guard("confirm")
        if session.held_at > now:
            raise DomainError(_("A session is confirmed after it took place."), "not_yet",
                              field="held_at")
        session.status, session.confirmed_at, session.confirmed_by = (
            SessionStatus.CONFIRMED, now, actor)
        session.members_then = members_of(session.organization).count()
        session.updated_at = now
        session.save(update_fields=["status", "confirmed_at", "confirmed_by", "members_then",
                                    "updated_at"])
        records.add_entry(session, StudySession.EntryKind.CONFIRMED, actor)
        from guildhall.notifications.services import settle

        settle(session.get_absolute_url(), [SESSION_CORRECTED])
        _audit(actor, "session.confirm", session, before={"status": SessionStatus.DRAFT},
               after={"status": session.status, "members": session.members_then})
        return session


def attachment_add(*, actor: Any, session: StudySession, upload: Any) -> Attachment:
    with transaction.atomic():
        session = _lock(session)
        before = session.snapshot()

        def then(attachment: Attachment) -> None:
            _new_revision(session, actor, before)
            _audit(actor, "session.attach", session, after={
                "attachment": attachment.pk, "name": attachment.original_name,
                "sha256": attachment.sha256, "revision": session.revision})

        return records.attach(
            session, upload, actor=actor, kinds=KINDS, max_size=MAX_UPLOAD, then=then,
            type_message=_("Attach PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), PNG, "
                           "JPEG or plain-text files."))


def attachment_remove(*, actor: Any, session: StudySession, attachment: Attachment) -> None:
    with transaction.atomic():
        session = _lock(session)
        before = session.snapshot()
        records.detach(session, attachment)
        _new_revision(session, actor, before)
        _audit(actor, "session.detach", session, before={"name": attachment.original_name},
               after={"revision": session.revision})


# ---- codes of conduct -----------------------------------------------------------------

def _version_revision(code: Code, version: CodeVersion, actor: Any) -> None:
    """Keep the version's text as a revision of the code (numbered like the version), so
    versions compare with the records' diff."""
    records.add_revision(code, actor=actor, snapshot=version.snapshot(),
                         changed=list(version.snapshot()))


def _code_text(value: Any) -> str:
    """The code's text as the editor of publications keeps it: sanitized HTML, not empty."""
    return clean_rich_text(value, empty=_("Write the text of the code: it is empty."))


def code_create(*, actor: Any, org: Any, data: dict[str, Any]) -> Code:
    """Start a code with its first version, a draft."""
    with transaction.atomic():
        code = Code(organization=org, created_by=actor, title=(data.get("title") or "").strip(),
                    kind=data.get("kind") or "")
        code.full_clean(exclude=["created_by"])
        code.save()
        version = CodeVersion(code=code, organization=org, number=1, created_by=actor,
                              body=_code_text(data.get("body")),
                              effective_date=data.get("effective_date"))
        version.full_clean(exclude=["created_by", "code", "organization"])
        version.save()
        _version_revision(code, version, actor)
        _audit(actor, "code.create", code, after={"title": code.title, "kind": code.kind,
                                                  "version": 1})
        return code


def _lock_version(version: CodeVersion) -> CodeVersion:
    return CodeVersion.objects.select_for_update().select_related(
        "code", "organization").get(pk=version.pk)


def version_new(*, actor: Any, code: Code, data: dict[str, Any]) -> CodeVersion:
    """Draft the next version of the code (one draft or adopted version at a time)."""
    with transaction.atomic():
        code = Code.objects.select_for_update().get(pk=code.pk)
        if code.versions.filter(status__in=PENDING_VERSION).exists():
            raise DomainError(_("This code already has a version that is not yet published."),
                              "pending_version", status=409)
        number = (code.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = CodeVersion(code=code, organization=code.organization, number=number,
                              created_by=actor, body=_code_text(data.get("body")),
                              effective_date=data.get("effective_date"))
        version.full_clean(exclude=["created_by", "code", "organization"])
        version.save()
        code.revision = number
        code.save(update_fields=["revision"])
        _version_revision(code, version, actor)
        _audit(actor, "version.create", version, after={"code": code.pk, "version": number})
        return version


def version_update(*, actor: Any, version: CodeVersion, data: dict[str, Any]) -> CodeVersion:
    with transaction.atomic():
        version = _lock_version(version)
        version.guard("edit")
        before = version.snapshot()
        if data.get("body") is not None:
            version.body = _code_text(data["body"])
        if data.get("effective_date") is not None:
            version.effective_date = data["effective_date"]
        version.full_clean(exclude=["created_by", "code", "organization"])
        if version.snapshot() != before:
            version.revision += 1
        version.save(update_fields=["body", "effective_date", "revision"])
        revision = version.code.revisions.filter(number=version.number).first()
        if revision is not None:  # the draft's text: its revision follows it until adopted
            revision.snapshot = version.snapshot()
            revision.save(update_fields=["snapshot"])
        _audit(actor, "version.update", version, before=before, after=version.snapshot())
        return version


ADOPTION_ASKED = "study.adoption_asked"


def _version_url(version: CodeVersion) -> str:
    return version.get_absolute_url()


def _ask(people: list[Any], version: CodeVersion, step: Any) -> None:
    """Tell those who decide the adoption step now that the version waits for them."""
    from guildhall.notifications.services import Message, notify

    title, name = version.code.title, step.name
    notify(people, Message(
        kind=ADOPTION_ASKED, organization=version.organization, url=_version_url(version),
        subject=lambda: str(_("A code of conduct awaits adoption: %(title)s") % {"title": title}),
        body=lambda: str(_("Step: %(step)s") % {"step": name})))


def _tell_authors(version: CodeVersion, kind: str, subject: Any, body: str) -> None:
    from guildhall.notifications.services import Message, notify

    title = version.code.title
    notify([version.created_by], Message(
        kind=f"study.version_{kind}", organization=version.organization,
        url=_version_url(version), subject=lambda: labelled(subject, title), body=body))


def step_people(version: CodeVersion, step: Any) -> list[Any]:
    return list(with_role(version.organization, set(step.roles)))


def version_submit(*, actor: Any, version: CodeVersion) -> CodeVersion:
    """Send the draft to the association's adoption steps (fixed now: a change of the
    steps later does not alter this round); those of the first step are told."""
    with transaction.atomic():
        version = _lock_version(version)
        version.guard("submit")
        version.review_roles = CodeRules.roles_for(version.organization)
        version.review_round += 1
        version.status = VersionStatus.IN_REVIEW
        version.save(update_fields=["review_roles", "review_round", "status"])
        records.add_entry(version.code, Code.EntryKind.SUBMITTED, actor,
                          str(_("Version %(n)d") % {"n": version.number}))
        _audit(actor, "version.submit", version, before={"status": VersionStatus.DRAFT},
               after={"status": version.status, "round": version.review_round,
                      "steps": version.review_roles})
        first = version.review_steps()[0]
        _ask(step_people(version, first), version, first)
        return version


def _decide(*, actor: Any, version: CodeVersion, verdict: str, comment: str,
            revision: int | None, action: str) -> CodeVersion:
    """Decide the current adoption step through the review mechanism. The last step's
    approval adopts the version; a return makes it a draft again, with the reason at the
    top of its page."""

    def apply(item: CodeVersion, result: reviews.Result) -> dict[str, Any]:
        from guildhall.notifications.services import settle

        settle(_version_url(item), [ADOPTION_ASKED])  # the asked decision is made
        number = str(_("Version %(n)d") % {"n": item.number})
        if result.outcome == reviews.NEXT_STEP:
            step = result.next_step
            _ask(reviews.not_yet_decided(item, step_people(item, step), result), item, step)
        elif result.outcome == reviews.APPROVED:
            item.status, item.adopted_by, item.adopted_at = (
                VersionStatus.ADOPTED, actor, timezone.now())
            records.add_entry(item.code, Code.EntryKind.ADOPTED, actor, number)
            _tell_authors(item, "adopted", _("The version was adopted"),
                          str(_("It may be published to the members now.")))
        else:
            item.status = VersionStatus.DRAFT
            records.add_entry(item.code, Code.EntryKind.RETURNED, actor,
                              labelled(number, result.decision.comment))
            _tell_authors(item, "returned", _("The version was returned for revision"),
                          result.decision.comment)
        item.save(update_fields=["status", "adopted_by", "adopted_at"])
        return {"status": item.status}

    with transaction.atomic():
        locked = _lock_version(version)
        locked.guard(action)
        result = reviews.decide(
            actor=actor, subject=locked, verdict=verdict, comment=comment,
            revision=locked.revision if revision is None else revision,
            steps=locked.review_steps(), on_outcome=apply,
            audit_action=f"study.version.{action}", locked=True)
        return result.subject


def version_adopt(*, actor: Any, version: CodeVersion, comment: str = "",
                  revision: int | None = None) -> CodeVersion:
    """Approve the current adoption step; the last one (the principal's) adopts the
    version, which is published afterwards."""
    return _decide(actor=actor, version=version, verdict=Verdict.APPROVE, comment=comment,
                   revision=revision, action="adopt")


def version_return(*, actor: Any, version: CodeVersion, comment: str,
                   revision: int | None = None) -> CodeVersion:
    """Return the version to its authors with a reason (required)."""
    return _decide(actor=actor, version=version, verdict=Verdict.RETURN, comment=comment,
                   revision=revision, action="return")


def rules_update(*, actor: Any, org: Any, steps_before: list[str]) -> CodeRules:
    """The association's administrator sets the review steps before the principal's
    adoption; versions already submitted keep theirs."""
    with transaction.atomic():
        rules, _created = CodeRules.objects.select_for_update().get_or_create(organization=org)
        before = list(rules.steps_before)
        rules.steps_before = [str(r) for r in steps_before]
        rules.full_clean(exclude=["updated_by", "organization"])
        rules.updated_by, rules.updated_at = actor, timezone.now()
        rules.save()
        _audit(actor, "code_rules.update", rules, before={"steps_before": before},
               after={"steps_before": rules.steps_before})
        return rules


def version_publish(*, actor: Any, version: CodeVersion) -> CodeVersion:
    """Publish the adopted version to the association's members; the version published
    before it is superseded. Members are told, and reminded later if they do not
    acknowledge it (see `reminders.py`)."""
    from guildhall.notifications.services import Message, notify

    now = timezone.now()
    with transaction.atomic():
        version = _lock_version(version)
        version.guard("publish")
        CodeVersion.objects.filter(code=version.code, status=VersionStatus.PUBLISHED).update(
            status=VersionStatus.SUPERSEDED)
        first, second = ack_reminder_days(timezone.localdate(now))
        version.status, version.published_by, version.published_at = (
            VersionStatus.PUBLISHED, actor, now)
        version.first_reminder_on, version.second_reminder_on = first, second
        version.save(update_fields=["status", "published_by", "published_at",
                                    "first_reminder_on", "second_reminder_on"])
        records.add_entry(version.code, Code.EntryKind.PUBLISHED, actor,
                          str(_("Version %(n)d") % {"n": version.number}))
        _audit(actor, "version.publish", version, before={"status": VersionStatus.ADOPTED},
               after={"status": version.status})
        title = version.code.title
        notify(members_of(version.organization), Message(
            kind="study.code_published", organization=version.organization,
            subject=lambda: str(_("A code of conduct was published: %(title)s") % {"title": title}),
            body=lambda: str(_("Please read it and acknowledge it.")),
            url=version.get_absolute_url(), dedupe_key=f"study:published:{version.pk}"))
        return version


def acknowledge(*, actor: Any, version: CodeVersion) -> Acknowledgement:
    """The member read the published version and acknowledges it (once)."""
    with transaction.atomic():
        version = _lock_version(version)
        version.guard("acknowledge")
        if Acknowledgement.objects.filter(version=version, user=actor).exists():
            raise DomainError(_("You have already acknowledged this version."),
                              "already_acknowledged", status=409)
        try:
            with transaction.atomic():
                ack = Acknowledgement.objects.create(version=version, user=actor)
        except IntegrityError:
            raise DomainError(_("You have already acknowledged this version."),
                              "already_acknowledged", status=409) from None
        _audit(actor, "version.acknowledge", version, after={"at": ack.at.isoformat()})
        return ack


def reminder_recipients(version: CodeVersion) -> list[Any]:
    """The members who have not acknowledged the published version."""
    done = Acknowledgement.objects.filter(version=version).values("user_id")
    return list(members_of(version.organization).exclude(pk__in=done))


ACK_MANAGERS = {Role.PRINCIPAL, Role.ADMIN}


# ---- the study plan -----------------------------------------------------------------------

def topic_create(*, actor: Any, org: Any, data: dict[str, Any]) -> Any:
    from guildhall.study.models import PlanTopic

    with transaction.atomic():
        responsible = data.get("responsible")
        topic = PlanTopic(organization=org, created_by=actor, year=data.get("year"),
                          month=data.get("month"), topic=(data.get("topic") or "").strip(),
                          form=data.get("form") or "group",
                          materials=(data.get("materials") or "").strip())
        if responsible:
            pk = getattr(responsible, "pk", responsible)
            if not members_of(org).filter(pk=pk).exists():
                raise DomainError(_("Choose the responsible member among the members of the "
                                    "association."), "not_member", status=422, field="responsible")
            topic.responsible_id = pk
        topic.full_clean(exclude=["created_by"])
        topic.save()
        record(actor=actor, action="study.topic.create", organization=org, obj=topic,
               after={"year": topic.year, "month": topic.month, "topic": topic.topic,
                      "form": topic.form, "responsible": topic.responsible_id})
        return topic


def topic_delete(*, actor: Any, topic: Any) -> None:
    """Take a topic out of the plan; one a confirmed session carried out stays."""
    with transaction.atomic():
        if topic.sessions.filter(status=SessionStatus.CONFIRMED).exists():
            raise DomainError(_("A session carried out this topic; it stays in the plan."),
                              "topic_held", status=409)
        before = {"year": topic.year, "month": topic.month, "topic": topic.topic}
        record(actor=actor, action="study.topic.delete", organization=topic.organization,
               obj=topic, before=before)
        topic.delete()


# ---- the materials library -------------------------------------------------------------------

def material_create(*, actor: Any, org: Any, data: dict[str, Any], upload: Any = None) -> Any:
    """Share a document, link or video in the organization's library (a supervising
    body's reaches every association below it). A file goes through the records."""
    from guildhall.study.models import Material

    with transaction.atomic():
        material = Material(organization=org, created_by=actor,
                            **{k: (data.get(k) or "").strip() if isinstance(data.get(k), str) or
                               data.get(k) is None else data.get(k)
                               for k in ("title", "source", "tags", "link")})
        material.date = data.get("date")
        material.full_clean(exclude=["created_by"])
        if not material.link and upload is None:
            raise DomainError(_("Attach a file or give a link."), "nothing_shared", status=422,
                              field="link")
        material.save()
        records.add_entry(material, material.EntryKind.SHARED, actor)
        record(actor=actor, action="study.material.create", organization=org, obj=material,
               after={"title": material.title, "link": material.link, "tags": material.tags})
        if upload is not None:
            records.attach(material, upload, actor=actor, kinds=KINDS, max_size=MAX_UPLOAD,
                           type_message=_("Attach PDF, Word (.docx), Excel (.xlsx), PowerPoint "
                                          "(.pptx), PNG, JPEG or plain-text files."))
        return material


def material_attach(*, actor: Any, material: Any, upload: Any) -> Attachment:
    with transaction.atomic():
        def then(attachment: Attachment) -> None:
            record(actor=actor, action="study.material.attach", organization=material.organization,
                   obj=material, after={"attachment": attachment.pk, "name": attachment.original_name,
                                        "sha256": attachment.sha256})

        return records.attach(material, upload, actor=actor, kinds=KINDS, max_size=MAX_UPLOAD,
                              then=then, type_message=_(
                                  "Attach PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), "
                                  "PNG, JPEG or plain-text files."))


def material_detach(*, actor: Any, material: Any, attachment: Attachment) -> None:
    with transaction.atomic():
        records.detach(material, attachment)
        record(actor=actor, action="study.material.detach", organization=material.organization,
               obj=material, before={"name": attachment.original_name})


def material_delete(*, actor: Any, material: Any) -> None:
    """Take a material out of the library. One that sessions used stays, marked as taken out,
    with its files, so those sessions' record keeps what was studied; any other is deleted."""
    from guildhall.study.models import Material

    with transaction.atomic():
        material = Material.objects.select_for_update().get(pk=material.pk)
        if material.removed_at:
            raise DomainError(_("This material was already taken out of the library."),
                              "removed", status=409)
        used = material.sessions.count()
        record(actor=actor, action="study.material.delete", organization=material.organization,
               obj=material, before={"title": material.title},
               after={"kept_for_sessions": used} if used else None)
        if used:
            material.removed_at = timezone.now()
            material.save(update_fields=["removed_at"])
        else:
            material.delete()


# ---- education activities ----------------------------------------------------------------------

ACTIVITY_FIELDS = ("title", "kind", "date", "venue", "organizers", "participants", "description")


def activity_create(*, actor: Any, org: Any, data: dict[str, Any]) -> Any:
    """Record an education activity; one that is a public event names its event filing
    (`filing`: the id of one of the association's approved filings)."""
    from guildhall.kit import links
    from guildhall.study.models import Activity

    with transaction.atomic():
        activity = Activity(organization=org, created_by=actor, **{
            k: (data.get(k).strip() if isinstance(data.get(k), str) else data.get(k))
            for k in ACTIVITY_FIELDS if data.get(k) is not None})
        activity.full_clean(exclude=["created_by"])
        activity.save()
        filing = data.get("filing")
        if filing:
            links.link(activity, "events.filing", filing, actor=actor)
        records.add_entry(activity, Activity.EntryKind.RECORDED, actor)
        record(actor=actor, action="study.activity.create", organization=org, obj=activity,
               after={"title": activity.title, "kind": activity.kind, "filing": filing or None,
                      "participants": activity.participants})
        return activity


def activity_attach(*, actor: Any, activity: Any, upload: Any) -> Attachment:
    def then(attachment: Attachment) -> None:
        record(actor=actor, action="study.activity.attach", organization=activity.organization,
               obj=activity, after={"attachment": attachment.pk, "name": attachment.original_name,
                                    "sha256": attachment.sha256})

    with transaction.atomic():
        return records.attach(activity, upload, actor=actor, kinds=KINDS, max_size=MAX_UPLOAD,
                              then=then, type_message=_(
                                  "Attach PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), "
                                  "PNG, JPEG or plain-text files."))


def activity_detach(*, actor: Any, activity: Any, attachment: Attachment) -> None:
    with transaction.atomic():
        records.detach(activity, attachment)
        record(actor=actor, action="study.activity.detach", organization=activity.organization,
               obj=activity, before={"name": attachment.original_name})


def activity_delete(*, actor: Any, activity: Any) -> None:
    with transaction.atomic():
        record(actor=actor, action="study.activity.delete", organization=activity.organization,
               obj=activity, before={"title": activity.title})
        activity.delete()
