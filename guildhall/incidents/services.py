"""Writes on incidents: every change audited, the supervising body told after commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guildhall.audit.services import record, record_refusal
from guildhall.core.errors import DomainError, domain_errors, required_text
from guildhall.core.lines import labelled
from guildhall.incidents.figures import refresh as incident_figures_refresh
from guildhall.incidents.models import (
    MAX_MINUTES,
    RULE_KINDS,
    Category,
    Incident,
    IncidentRules,
    Report,
    Severity,
    Status,
    timed_as,
)
from guildhall.kit import links
from guildhall.notifications.services import Message, notify
from guildhall.orgs.models import Role
from guildhall.records import services as records
from guildhall.records.models import Entry

#: What the register form and the API may set directly.
FIELDS = ("title", "category", "severity", "occurred_at", "discovered_at", "location", "known",
          "actions_taken", "people_affected")
MAX_PLAN_ITEMS = 10


# ---- people to tell ---------------------------------------------------------------

def _members(org_id: int | None, roles: set[str]):
    return get_user_model().objects.filter(
        memberships__organization_id=org_id, memberships__role__in=roles,
        memberships__is_active=True, is_active=True).distinct().order_by("pk")


def approvers_of(incident: Incident):
    return _members(incident.organization.parent_id, {Role.APPROVER})


def supervisor_admins_of(incident: Incident):
    return _members(incident.organization.parent_id, {Role.ADMIN})


def principals_of(incident: Incident):
    return _members(incident.organization_id, {Role.PRINCIPAL})


# ---- how a clock reads --------------------------------------------------------------

def duration(minutes: int) -> str:
    """Say a length of time to the minute: "1 h 5 min", "2 d 3 h"."""
    minutes = abs(int(minutes))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return gettext("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return gettext("%(h)d h %(m)d min") % {"h": hours, "m": mins}
    return gettext("%(m)d min") % {"m": mins}


def clock_text(minutes: int) -> str:
    """Say how long is left, or how late it is."""
    if minutes >= 0:
        return gettext("%(time)s left") % {"time": duration(minutes)}
    return gettext("%(time)s late") % {"time": duration(minutes)}


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _minutes(later: dt.datetime, earlier: dt.datetime) -> int:
    return max(0, int((later - earlier).total_seconds() // 60))


# ---- the clocks --------------------------------------------------------------------------

def _after(start: dt.datetime, minutes: int | None) -> dt.datetime | None:
    return None if minutes is None else start + dt.timedelta(minutes=minutes)


def _start_clocks(incident: Incident, rules: IncidentRules, start: dt.datetime) -> None:
    """(Re)start every deadline still running from `start`: discovery, or a change of
    severity."""
    sev = incident.severity
    incident.clock_started_at = start
    if incident.first_reported_at is None:
        incident.first_report_due = _after(start, rules.minutes_for("first", sev))
    if incident.written_reported_at is None:
        incident.written_due = _after(start, rules.minutes_for("written", sev))
    if incident.status == Status.REPORTED:
        incident.followup_due = _after(start, rules.minutes_for("followup", sev))


def _lock(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().select_related("organization").get(pk=incident.pk)


def _save(incident: Incident, *fields: str) -> None:
    incident.updated_at = timezone.now()
    incident.save(update_fields=[*fields, "updated_at"])


def _audit(actor: Any, action: str, incident: Incident, before: dict | None = None,
           after: dict | None = None) -> None:
    """Audit a change of the incident (each comes after the change's writes) and bring its
    association's figures up to date in the same transaction."""
    incident_figures_refresh([incident.organization_id])
    record(actor=actor, action=f"incidents.incident.{action}", organization=incident.organization,
           obj=incident, before=before, after=after)


def _state(incident: Incident) -> dict[str, Any]:
    return {"status": incident.status, "severity": incident.severity,
            "first_report_due": _local(incident.first_report_due),
            "written_due": _local(incident.written_due),
            "followup_due": _local(incident.followup_due)}


# ---- the reports -------------------------------------------------------------------------

def _url(incident: Incident) -> str:
    return incident.get_absolute_url()


def _tell_supervisor(incident: Incident, report: Report) -> None:
    """Every report reaches the supervising body's approvers at once, with the severity and
    the clock."""
    title, org = incident.title, incident.organization.name
    severity, kind, text = incident.severity, report.kind, report.text
    discovered, due = incident.discovered_at, incident.first_report_due
    minutes_late = _minutes(report.reported_at, due) if report.reported_at > due else 0
    ack_due = report.ack_due

    def subject() -> str:
        return f"[{Severity(severity).label}] " + labelled(Report.Kind(kind).label, title)

    def body() -> str:
        lines = [f"{org} · {Severity(severity).label}",
                 gettext("Discovered at %(at)s; the first report was due at %(due)s.") % {
                     "at": _local(discovered), "due": _local(due)}]
        if minutes_late:
            lines.append(gettext("Reported %(time)s late.") % {"time": duration(minutes_late)})
        lines.append(gettext("Acknowledge it by %(at)s.") % {"at": _local(ack_due)})
        if text:
            lines.append(text)
        return "\n".join(lines)

    notify(approvers_of(incident), Message(
        kind=f"incidents.report_{kind}", subject=subject, body=body, url=_url(incident),
        organization=incident.organization))


def _report(incident: Incident, rules: IncidentRules, *, actor: Any, kind: str,
            reported_at: dt.datetime, entry: str, **fields: Any) -> Report:
    now = timezone.now()
    due = {Report.Kind.PHONE: incident.first_report_due,
           Report.Kind.WRITTEN: incident.first_report_due if incident.first_reported_at is None
           else incident.written_due,
           Report.Kind.FOLLOW_UP: incident.followup_due}.get(kind)
    report = Report.objects.create(
        incident=incident, kind=kind, severity=incident.severity, reported_at=reported_at,
        made_by=actor, created_at=now, due_at=due, late=bool(due and reported_at > due),
        ack_due=now + dt.timedelta(minutes=rules.minutes_for("ack", incident.severity)),
        **fields)
    line = records.add_entry(incident, entry, actor, fields.get("text") or fields.get("lessons") or "")
    if reported_at < line.at:  # a call recorded after the fact stands on the timeline at its time
        Entry.objects.filter(pk=line.pk).update(at=reported_at)
    _tell_supervisor(incident, report)
    return report


def _first_reported(incident: Incident, at: dt.datetime) -> None:
    incident.first_reported_at = at
    incident.first_report_late = at > incident.first_report_due
    incident.minutes_to_first_report = _minutes(at, incident.discovered_at)
    incident.status = Status.REPORTED


def _next_followup(incident: Incident, rules: IncidentRules, at: dt.datetime) -> None:
    if incident.status == Status.REPORTED:
        incident.followup_due = _after(at, rules.minutes_for("followup", incident.severity))


# ---- registering ----------------------------------------------------------------------------

def incident_register(*, actor: Any, org: Any, data: dict[str, Any], report: str = "",
                      send: bool = False, channel_id: Any = None, pause_channel: bool = False,
                      filing_id: Any = None, publication_id: Any = None) -> Incident:
    """Register an incident of `org`; with `send`, its first (written) report goes to the
    supervising body in the same step (the quick report). An account-compromise incident
    may pause the channel concerned at the same time: both or nothing."""
    try:
        return _register(actor=actor, org=org, data=data, report=report, send=send,
                         channel_id=channel_id, pause_channel=pause_channel, filing_id=filing_id,
                         publication_id=publication_id)
    except DomainError as exc:
        if exc.code == "pause_refused":  # audited once the refused attempt was rolled back
            record_refusal(user=actor, action="channels.pause", obj=org)
        raise


def _register(*, actor: Any, org: Any, data: dict[str, Any], report: str, send: bool,
              channel_id: Any, pause_channel: bool, filing_id: Any, publication_id: Any) -> Incident:
    now = timezone.now()
    rules = IncidentRules.for_association(org)
    with transaction.atomic():
        incident = Incident(organization=org, created_by=actor, created_at=now, updated_at=now,
                            **{k: v for k, v in data.items() if k in FIELDS})
        if incident.discovered_at is None:
            incident.discovered_at = now
        _start_clocks(incident, rules, incident.discovered_at)
        with domain_errors():
            incident.full_clean()
        _choose_channel(incident, org, channel_id)
        incident.save()
        records.add_entry(incident, Incident.EntryKind.REGISTERED, actor, "")
        _audit(actor, "register", incident, after={
            **{k: str(getattr(incident, k) or "") for k in ("title", "category", "severity")},
            **_state(incident)})
        for key, pk in (("events.filing", filing_id), ("publications.publication", publication_id)):
            if pk not in (None, ""):
                _link(incident, key, pk, actor)
        if pause_channel:
            _pause_channel(incident, actor)
        if send:
            text = required_text(report or incident.known, _(
                "Say in one sentence what happened."), field="report" if report else "known")
            _send_written(incident, rules, actor=actor, text=text, at=now)
        return incident


def _choose_channel(incident: Incident, org: Any, channel_id: Any) -> None:
    if channel_id in (None, ""):
        return
    names = dict(links.channels(organization=org)) if links.channels.available else {}
    try:
        pk = int(channel_id)
    except (TypeError, ValueError):
        pk = 0
    if pk not in names:
        raise DomainError(_("Choose one of your association's active channels."),
                          "not_own_record", status=422, field="channel")
    incident.channel_id, incident.channel_name = pk, names[pk]


def _pause_channel(incident: Incident, actor: Any) -> None:
    if incident.category != Category.ACCOUNT_COMPROMISE:
        raise DomainError(_("Only an account-compromise incident pauses a channel."),
                          "pause_not_offered", field="pause_channel")
    if not incident.channel_id:
        raise DomainError(_("Choose the channel to pause."), "required", field="channel")
    try:
        links.pause_channel(actor=actor, organization=incident.organization,
                            channel_id=incident.channel_id,
                            reason=gettext("Incident report: %(title)s") % {"title": incident.title})
    except PermissionDenied:
        raise DomainError(_("You may not pause this channel: ask the association's principal "
                            "or administrator, or report without pausing."),
                          "pause_refused", status=403, field="pause_channel") from None
    records.add_entry(incident, Incident.EntryKind.CHANNEL_PAUSED, actor, incident.channel_name)
    _audit(actor, "pause_channel", incident, after={"channel": incident.channel_name})


def _link(incident: Incident, key: str, pk: Any, actor: Any) -> None:
    made = links.link(incident, key, pk, actor=actor, role="evidence")
    records.add_entry(incident, Incident.EntryKind.LINKED, actor,
                      links.kind(key).name(made.target))


#: What can be completed after the first report.
DETAILS = ("occurred_at", "location", "known", "actions_taken", "people_affected")


def incident_update(*, actor: Any, incident: Incident, data: dict[str, Any], channel_id: Any = None,
                    filing_id: Any = None, publication_id: Any = None) -> Incident:
    """Complete the register entry: where, when it occurred, what is known and was done, the
    people affected, the records and the channel concerned. Title, category and severity
    stay as reported (a change of severity has its own step)."""
    with transaction.atomic():
        incident = _lock(incident)
        incident.guard("edit")
        before = {k: str(getattr(incident, k) or "") for k in (*DETAILS, "channel_name")}
        for key in DETAILS:
            if key in data:
                setattr(incident, key, data[key])
        if channel_id not in (None, ""):
            _choose_channel(incident, incident.organization, channel_id)
        with domain_errors():
            incident.full_clean()
        after = {k: str(getattr(incident, k) or "") for k in (*DETAILS, "channel_name")}
        changed = [k for k in after if after[k] != before[k]]
        if changed:
            _save(incident, *DETAILS, "channel_id", "channel_name")
            records.add_entry(incident, Incident.EntryKind.EDITED, actor, "、".join(
                str(Incident._meta.get_field(k).verbose_name) for k in changed))
        for key, pk in (("events.filing", filing_id), ("publications.publication", publication_id)):
            if pk not in (None, ""):
                _link(incident, key, pk, actor)
        linked = {k: v for k, v in (("filing", filing_id), ("publication", publication_id)) if v}
        _audit(actor, "update", incident, before={k: before[k] for k in changed},
               after={**{k: after[k] for k in changed}, **linked})
        return incident


# ---- reporting ----------------------------------------------------------------------------------

def _send_written(incident: Incident, rules: IncidentRules, *, actor: Any, text: str,
                  at: dt.datetime) -> Report:
    before = _state(incident)
    report = _report(incident, rules, actor=actor, kind=Report.Kind.WRITTEN, reported_at=at,
                     entry=Incident.EntryKind.WRITTEN_REPORT, text=text)
    incident.written_reported_at = at
    incident.written_late = bool(incident.written_due and at > incident.written_due)
    if incident.first_reported_at is None:
        _first_reported(incident, at)
    _next_followup(incident, rules, at)
    _save(incident, "status", "first_reported_at", "first_report_late", "minutes_to_first_report",
          "written_reported_at", "written_late", "followup_due")
    _audit(actor, "report_written", incident, before=before,
           after={**_state(incident), "late": report.late})
    return report


def report_written(*, actor: Any, incident: Incident, text: str) -> Report:
    """Send the written report: the first report, or the one that follows a phone report."""
    text = required_text(text, _("Write the report."), field="text")
    with transaction.atomic():
        incident = _lock(incident)
        incident.guard("report_written")
        if incident.written_reported_at is not None:
            raise DomainError(_("The written report was already sent; send a follow-up report."),
                              "already_reported", status=409)
        return _send_written(incident, IncidentRules.for_association(incident.organization),
                             actor=actor, text=text, at=timezone.now())


def report_phone(*, actor: Any, incident: Incident, reported_at: dt.datetime, told: str,
                 caller: str, text: str = "") -> Report:
    """Record a phone report after the fact: when, to whom, by whom. Where the rules want a
    written report to follow, the call is the first report."""
    told = required_text(told, _("Say whom you told."), field="told")
    caller = required_text(caller, _("Say who made the call."), field="caller")
    now = timezone.now()
    with transaction.atomic():
        incident = _lock(incident)
        incident.guard("report_phone")
        if reported_at is None or reported_at > now + dt.timedelta(minutes=1):
            raise DomainError(_("The call cannot be in the future."), "invalid", field="reported_at")
        if reported_at < incident.discovered_at:
            raise DomainError(_("The call cannot be before the incident was discovered."),
                              "invalid", field="reported_at")
        rules = IncidentRules.for_association(incident.organization)
        before = _state(incident)
        report = _report(incident, rules, actor=actor, kind=Report.Kind.PHONE,
                         reported_at=reported_at, entry=Incident.EntryKind.PHONE_REPORT,
                         text=text.strip(), told=told, caller=caller)
        if rules.phone_counts(incident.severity):
            _first_reported(incident, reported_at)
            _next_followup(incident, rules, reported_at)
            _save(incident, "status", "first_reported_at", "first_report_late",
                  "minutes_to_first_report", "followup_due")
        _audit(actor, "report_phone", incident, before=before,
               after={**_state(incident), "told": told, "caller": caller, "at": _local(reported_at)})
        return report


def follow_up(*, actor: Any, incident: Incident, text: str) -> Report:
    """Send a follow-up report (续报); the next one is due a cadence later while it lasts."""
    text = required_text(text, _("Write what changed since the last report."), field="text")
    with transaction.atomic():
        incident = _lock(incident)
        incident.guard("follow_up")
        rules = IncidentRules.for_association(incident.organization)
        now = timezone.now()
        before = _state(incident)
        report = _report(incident, rules, actor=actor, kind=Report.Kind.FOLLOW_UP,
                         reported_at=now, entry=Incident.EntryKind.FOLLOW_UP, text=text)
        incident.followups += 1
        _next_followup(incident, rules, now)
        _save(incident, "followups", "followup_due")
        _audit(actor, "follow_up", incident, before=before,
               after={**_state(incident), "late": report.late})
        return report


# ---- the course of the incident ----------------------------------------------------------------

def change_severity(*, actor: Any, incident: Incident, severity: str, note: str = "") -> Incident:
    """Change the severity; the clocks start again from the change."""
    if severity not in Severity.values:
        raise DomainError(_("Choose a severity."), "invalid", field="severity")
    with transaction.atomic():
        incident = _lock(incident)
        incident.guard("change_severity")
        if severity == incident.severity:
            raise DomainError(_("The severity is already “%(level)s”.") % {
                "level": Severity(severity).label}, "unchanged", field="severity")
        before = _state(incident)
        old = incident.severity
        incident.severity = severity
        incident.clock += 1
        _start_clocks(incident, IncidentRules.for_association(incident.organization),
                      timezone.now())
        _save(incident, "severity", "clock", "clock_started_at", "first_report_due",
              "written_due", "followup_due")
        records.add_entry(incident, Incident.EntryKind.SEVERITY_CHANGED, actor, "：".join(filter(None, [
            f"{Severity(old).label} → {Severity(severity).label}", note.strip()])))
        _audit(actor, "change_severity", incident, before=before, after=_state(incident))
        return incident


def mark_stable(*, actor: Any, incident: Incident, note: str = "") -> Incident:
    """The situation is under control: follow-up reports are no longer due."""
    with transaction.atomic():
        incident = _lock(incident)
        incident.guard("mark_stable")
        before = _state(incident)
        incident.status, incident.stable_at, incident.followup_due = (
            Status.STABLE, timezone.now(), None)
        _save(incident, "status", "stable_at", "followup_due")
        records.add_entry(incident, Incident.EntryKind.STABLE, actor, note.strip())
        _audit(actor, "mark_stable", incident, before=before, after=_state(incident))
        return incident


def incident_close(*, actor: Any, incident: Incident, cause: str, actions: str, results: str,
                   lessons: str, plan_items: list[str] | None = None,
                   due_date: dt.date | None = None) -> Incident:
    """Close the incident with its closing report (终报); the lessons named as plan items
    become items of the annual plan in the same step."""
    missing = [str(label) for label, value in (
        (_("cause"), cause), (_("what was done"), actions), (_("results"), results),
        (_("lessons"), lessons)) if not (value or "").strip()]
    if missing:
        raise DomainError(
            _("An incident is closed only with its closing report: fill in %(fields)s.") % {
                "fields": "、".join(missing)}, "closing_report_required",
            field="cause" if not (cause or "").strip() else None)
    items = [line.strip()[:200] for line in plan_items or [] if line.strip()]
    if len(items) > MAX_PLAN_ITEMS:
        raise DomainError(_("Name at most %(n)d plan items.") % {"n": MAX_PLAN_ITEMS},
                          "too_many", field="plan_items")
    with transaction.atomic():
        incident = _lock(incident)
        incident.guard("close")
        rules = IncidentRules.for_association(incident.organization)
        now = timezone.now()
        before = _state(incident)
        _report(incident, rules, actor=actor, kind=Report.Kind.CLOSING, reported_at=now,
                entry=Incident.EntryKind.CLOSING_REPORT, text=actions.strip(),
                cause=cause.strip(), results=results.strip(), lessons=lessons.strip())
        for title in items:
            item = links.make_plan_item(
                actor=actor, organization=incident.organization, title=title,
                description=gettext("From the closing report of “%(incident)s”: %(lessons)s") % {
                    "incident": incident.title, "lessons": lessons.strip()},
                owner=None, due_date=due_date, source=incident, source_kind="incidents.incident")
            records.add_entry(incident, Incident.EntryKind.PLAN_ITEM, actor, item.title)
        incident.status, incident.closed_at, incident.followup_due = Status.CLOSED, now, None
        _save(incident, "status", "closed_at", "followup_due")
        records.add_entry(incident, Incident.EntryKind.CLOSED, actor, "")
        _audit(actor, "close", incident, before=before,
               after={**_state(incident), "plan_items": items})
        return incident


def incident_reopen(*, actor: Any, incident: Incident, reason: str) -> Incident:
    reason = required_text(reason, _("Say why the incident is reopened."))
    with transaction.atomic():
        incident = _lock(incident)
        incident.guard("reopen")
        before = _state(incident)
        now = timezone.now()
        incident.status, incident.reopened_at, incident.closed_at, incident.stable_at = (
            Status.REPORTED, now, None, None)
        _next_followup(incident, IncidentRules.for_association(incident.organization), now)
        _save(incident, "status", "reopened_at", "closed_at", "stable_at", "followup_due")
        records.add_entry(incident, Incident.EntryKind.REOPENED, actor, reason)
        _audit(actor, "reopen", incident, before=before, after={**_state(incident), "reason": reason})
        return incident


# ---- the supervising body ----------------------------------------------------------------------

def report_acknowledge(*, actor: Any, incident: Incident, report_id: Any,
                       instruction: str = "") -> Report:
    """Acknowledge one report (签收), with an instruction (批示) when there is one; the
    association sees it on the timeline and is told."""
    instruction = (instruction or "").strip()
    with transaction.atomic():
        incident = _lock(incident)
        incident.guard("acknowledge")
        report = links.find_in(Report.objects.select_for_update().filter(incident=incident),
                               report_id, field="report")
        if report.acknowledged_at is not None:
            raise DomainError(_("This report was already acknowledged."), "already_acknowledged",
                              status=409)
        now = timezone.now()
        report.acknowledged_by, report.acknowledged_at, report.instruction = actor, now, instruction
        report.minutes_to_ack = _minutes(now, report.created_at)
        report.ack_late = now > report.ack_due
        report.save(update_fields=["acknowledged_by", "acknowledged_at", "instruction",
                                   "minutes_to_ack", "ack_late"])
        records.add_entry(incident, Incident.EntryKind.ACKNOWLEDGED, actor, instruction)
        _audit(actor, "acknowledge", incident, after={
            "report": report.pk, "kind": report.kind, "instruction": instruction,
            "late": report.ack_late})
        title, kind = incident.title, report.kind
        notify([*principals_of(incident), report.made_by], Message(
            kind="incidents.acknowledged",
            subject=lambda: gettext("%(kind)s acknowledged: %(title)s") % {
                "kind": Report.Kind(kind).label, "title": title},
            body=lambda: (gettext("Instruction: %(text)s") % {"text": instruction})
            if instruction else "",
            url=_url(incident), organization=incident.organization))
        return report


def rules_update(*, actor: Any, supervisor: Any, minutes: dict[str, dict[str, int | None]]) -> IncidentRules:
    """Set the body's deadlines, in minutes per severity (None: no such deadline)."""
    clean: dict[str, dict[str, int | None]] = {}
    for kind in RULE_KINDS:
        for level, value in (minutes.get(kind) or {}).items():
            if level != timed_as(level) or level not in Severity.values:
                continue
            if value is not None and not 1 <= int(value) <= MAX_MINUTES:
                raise DomainError(_("Give a number of minutes between 1 and %(max)d.") % {
                    "max": MAX_MINUTES}, "invalid", field=f"{kind}_{level}")
            if value is None and kind in ("first", "ack"):
                raise DomainError(_("The first report and its acknowledgement always have a "
                                    "deadline."), "required", field=f"{kind}_{level}")
            clean.setdefault(kind, {})[level] = None if value is None else int(value)
    with transaction.atomic():
        rules = IncidentRules.objects.select_for_update().filter(supervisor=supervisor).first() \
            or IncidentRules(supervisor=supervisor)
        before = rules.minutes or {}
        rules.minutes, rules.updated_by, rules.updated_at = clean, actor, timezone.now()
        rules.save()
        record(actor=actor, action="incidents.rules.update", organization=supervisor, obj=rules,
               before=before, after=clean)
        return rules


# ---- figures (per association, never per person) ---------------------------------------------

def figures(incidents: Any, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Per association: incidents, open ones, late and missed first reports, average minutes
    from discovery to the first report and from a report to its acknowledgement."""
    return add_ack_figures(list(incident_figures(incidents, now)), incidents)


def incident_figures(incidents: Any, now: dt.datetime | None = None) -> QuerySet:
    """The figures of the incidents themselves, per association, the latest reporters first
    (`add_ack_figures` completes them; the board reads them stored, `figures.below`)."""
    now = now or timezone.now()
    return incidents.order_by().values(
        "organization_id", organization_name=F("organization__name")).annotate(
        total=Count("pk"), open=Count("pk", filter=~Q(status=Status.CLOSED)),
        late=Count("pk", filter=Q(first_report_late=True)),
        missed=Count("pk", filter=Q(first_reported_at=None, first_report_due__lte=now)),
        to_first=Avg("minutes_to_first_report"),
    ).order_by("-late", "-missed", "organization_name", "organization_id")


def add_ack_figures(rows: list[dict[str, Any]], incidents: Any) -> list[dict[str, Any]]:
    """Add the acknowledgement figures to `rows` (one page of them at province scale),
    counting only the reports of those rows' associations."""
    org_ids = [row["organization_id"] for row in rows]
    acks = {r["incident__organization_id"]: r for r in Report.objects.filter(
        incident__in=incidents.filter(organization_id__in=org_ids).values("pk")).values(
        "incident__organization_id").annotate(
        to_ack=Avg("minutes_to_ack"), late_acks=Count("pk", filter=Q(ack_late=True)),
        waiting=Count("pk", filter=Q(acknowledged_at=None)))}
    for row in rows:
        ack = acks.get(row["organization_id"], {})
        to_ack = ack.get("to_ack")
        if row["to_first"] is not None:
            row["to_first"] = round(row["to_first"])
        row.update(to_ack=None if to_ack is None else round(to_ack),
                   late_acks=ack.get("late_acks", 0), waiting=ack.get("waiting", 0))
    return rows
