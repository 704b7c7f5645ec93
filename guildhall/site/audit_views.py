"""The audit trail of an organization, for the people it is for: translated action names,
objects as linked titles, people by name, before → after as labelled fields; the raw
record one click away; the filtered trail as .xlsx."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import conditional_escape as esc
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from guildhall.audit.actions import FIELDS, OBJECTS, action_choices, action_label
from guildhall.audit.models import AuditRecord
from guildhall.incidents.models import Report
from guildhall.orgs.models import Membership, Role
from guildhall.orgs.permissions import require
from guildhall.orgs.scoping import get_org_for_user
from guildhall.orgs.services import looks_like_formula
from guildhall.records.models import FINDING_TYPES
from guildhall.reviews.models import Verdict
from guildhall.reviews.services import OUTCOMES

PAGE_SIZE = 50
#: Recorded fields that hold roles (a membership's, a channel's review steps).
ROLE_KEYS = {"role", "review_roles", "steps"}
#: Recorded keys that hold the id of an object of another kind than the record's own
#: object (which is named by the model's own foreign keys), by model label.
REFERENCES = {"channel": "publications.channel", "plan_item": "plans.planitem",
              "owner": "accounts.user", "report": "incidents.report",
              "attachment": "records.attachment"}
#: Recorded keys that are not shown when the record holds the key beside them, which
#: says the same in words: a review step's number beside its name, a decision's id beside
#: the step it decided, a finding's id beside its masked value, an attachment's id beside
#: its name, the version under review beside the report's version. The raw record keeps
#: them.
#: Recorded keys shown first, in this order (a review decision reads as step, verdict,
#: comment, outcome); the others follow in the record's order.
FIRST = ("step_name", "verdict", "comment", "outcome", "status")
SHOWN_BY = {"step": "step_name", "decision": "step_name", "finding": "masked",
            "attachment": "name", "revision": "version"}


#: Coded values of recorded keys that are not a choice of the object's own model (a
#: review's verdict and outcome, a finding's type, an incident report's kind), by key; the
#: names are lazy, translated when shown.
CODED_VALUES: dict[str, dict[str, Any]] = {
    "verdict": dict(Verdict.choices), "outcome": OUTCOMES, "type": FINDING_TYPES,
    "kind": dict(Report.Kind.choices)}
#: The most rows one export writes (a year of a busy association is far below it).
EXPORT_LIMIT = 50_000


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filtered_records(org_id: int, params: dict[str, str]):
    """Return the organization's records filtered by date range, action and person."""
    records = AuditRecord.objects.filter(organization_id=org_id).order_by("-seq")
    tz = timezone.get_current_timezone()
    if start := _parse_date(params.get("from")):
        records = records.filter(created_at__gte=dt.datetime.combine(start, dt.time.min, tz))
    if end := _parse_date(params.get("to")):
        records = records.filter(created_at__lt=dt.datetime.combine(end + dt.timedelta(days=1),
                                                                     dt.time.min, tz))
    if action := (params.get("action") or "").strip():
        records = records.filter(action__startswith=action)
    if person := (params.get("person") or "").strip():
        records = records.filter(actor_name__iexact=person)
    return records


# ---- reading a record ----------------------------------------------------------------

@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Row:
    record: AuditRecord
    action: str
    person: str
    username: str
    object_label: str
    object_title: str = ""
    object_url: str = ""
    changes: list[Change] = field(default_factory=list)
    raw: str = ""


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def field_label(model: type[models.Model] | None, key: str) -> str:
    """Return the recorded field's name: the catalogue's, else the model field's own."""
    if key in FIELDS:
        return str(FIELDS[key])
    f = _field(model, key)
    name = str(getattr(f, "verbose_name", "") or "")
    return name if name else key


def object_label(object_type: str) -> str:
    if object_type in OBJECTS:
        return str(OBJECTS[object_type])
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else ""


class _Names:
    """The names of the objects and people a page of records mentions, fetched once per
    model (so a page costs a query per kind of object, not per record)."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.found: dict[tuple[type[models.Model], str], models.Model] = {}

    def want(self, model: type[models.Model] | None, pk: Any) -> None:
        if model is not None and pk not in (None, ""):
            try:
                self.wanted[model].add(model._meta.pk.to_python(pk))
            except Exception:  # noqa: BLE001 - a recorded id of another shape: shown as it is
                pass

    def fetch(self) -> None:
        for model, pks in self.wanted.items():
            for obj in model._default_manager.filter(pk__in=pks).select_related():
                self.found[(model, str(obj.pk))] = obj

    def get(self, model: type[models.Model] | None, pk: Any) -> models.Model | None:
        return self.found.get((model, str(pk))) if model is not None else None


def _related(model: type[models.Model] | None, key: str,
             data: dict[str, Any] | None = None) -> type[models.Model] | None:
    """Return the model whose id the recorded key holds, if it holds one: the object's own
    foreign key, a key of `REFERENCES`, or a link's target, whose kind the record names."""
    f = _field(model, key)
    if f is not None:
        return getattr(f, "related_model", None) if f.is_relation else None
    if model is None:
        return None
    if key == "target" and data:
        kind = data.get("kind") or data.get("link")
        return _model(kind) if isinstance(kind, str) else None
    if key in REFERENCES:
        try:
            return apps.get_model(REFERENCES[key])
        except LookupError:
            return None
    return None


def _name_of(obj: models.Model) -> str:
    if isinstance(obj, Membership):
        return obj.user.display_name
    return getattr(obj, "display_name", None) or str(obj)


def _value(model: type[models.Model] | None, key: str, value: Any, names: _Names,
           data: dict[str, Any] | None = None) -> str:
    """Return a recorded value as a reader sees it: choices by their label, yes or no,
    related objects by name, lists joined, field lists by their labels."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "changed" and isinstance(value, list):
        return "、".join(field_label(model, str(v)) for v in value)
    related = _related(model, key, data)
    if related is not None:
        items = value if isinstance(value, list) else [value]
        shown = [_name_of(obj) if (obj := names.get(related, v)) is not None else str(v)
                 for v in items]
        return "、".join(shown)
    f = _field(model, key)
    choices = dict(getattr(f, "flatchoices", None) or [])
    if key in ROLE_KEYS:
        choices = dict(Role.choices)
    if isinstance(value, list):
        return "、".join(_value(model, key, v, names) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{field_label(model, str(k))}：{_value(model, str(k), v, names)}"
                        for k, v in value.items())
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, str) and value in (coded := CODED_VALUES.get(key, {})):
        return str(coded[value])
    if key in ("kind", "link") and isinstance(value, str) and (label := object_label(value)):
        return label  # a link's kind: the kind of record linked
    return str(value)


def _raw(record: AuditRecord) -> str:
    return json.dumps({**record.body(), "seq": record.seq, "org_seq": record.org_seq,
                       "prev_hash": record.prev_hash, "hash": record.hash,
                       "org_prev_hash": record.org_prev_hash, "org_hash": record.org_hash},
                      ensure_ascii=False, indent=1, sort_keys=True, default=str)


def readable(records: Iterable[AuditRecord], org: Any) -> list[Row]:
    """Return the records as rows people read."""
    records = list(records)
    names = _Names()
    user_model = get_user_model()
    for r in records:
        names.want(user_model, r.actor_id)
        model = _model(r.object_type)
        names.want(model, r.object_id)
        for data in (r.before, r.after):
            for key, value in (data or {}).items() if isinstance(data, dict) else ():
                if (related := _related(model, key, data)) is not None:
                    for v in value if isinstance(value, list) else [value]:
                        if isinstance(v, int | str):
                            names.want(related, v)
    names.fetch()
    rows = []
    for r in records:
        model = _model(r.object_type)
        actor = names.get(user_model, r.actor_id)
        row = Row(record=r, action=action_label(r.action),
                  person=actor.display_name if actor is not None else (r.actor_name or "—"),
                  username=r.actor_name, object_label=object_label(r.object_type),
                  raw=_raw(r))
        obj = names.get(model, r.object_id)
        if obj is not None and _belongs(obj, org):
            row.object_title = _name_of(obj)
            row.object_url = _url_of(obj, org)
        keys = list(dict.fromkeys([*(r.before or {}), *(r.after or {})])) \
            if isinstance(r.before or {}, dict) and isinstance(r.after or {}, dict) else []
        before, after = r.before or {}, r.after or {}
        keys.sort(key=lambda k: FIRST.index(k) if k in FIRST else len(FIRST))
        for key in keys:
            if key in before and key in after and before[key] == after[key]:
                continue  # recorded for context, not changed
            if (beside := SHOWN_BY.get(key)) and (beside in before or beside in after):
                continue
            row.changes.append(Change(
                label=field_label(model, key),
                before=_value(model, key, before[key], names, before) if key in before else "",
                after=_value(model, key, after[key], names, after) if key in after else ""))
        rows.append(row)
    return rows


def _belongs(obj: models.Model, org: Any) -> bool:
    """Name only what is the organization's own (or the organization itself)."""
    if isinstance(obj, type(org)):
        return obj.pk == org.pk
    return getattr(obj, "organization_id", None) == org.pk


def _url_of(obj: models.Model, org: Any) -> str:
    if isinstance(obj, Membership) or obj._meta.label_lower == "orgs.invitation":
        return reverse("orgs:members", args=[org.pk])
    if isinstance(obj, type(org)):
        return reverse("site:org_home", args=[org.pk])
    try:
        return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    except NoReverseMatch:
        return ""


# ---- the pages ----------------------------------------------------------------------

def _people(org: Any) -> list[tuple[str, str]]:
    """The people for the filter, by name: the organization's members and whoever else
    appears in its trail (a supervisor's approver deciding its filing). Read as two lists
    of ids, not a join with the memberships (which read every account)."""
    actors = AuditRecord.objects.filter(organization_id=org.pk, actor_id__isnull=False) \
        .values("actor_id")
    members = Membership.objects.filter(organization=org).values("user_id")
    users = get_user_model().objects.filter(
        models.Q(pk__in=members) | models.Q(pk__in=actors)).order_by().values_list(
        "username", "full_name")
    # The name as `User.display_name` gives it.
    return sorted(((username, full_name or username) for username, full_name in users),
                  key=lambda p: (p[1], p[0]))


def entries_html(rows: list[Row]) -> SafeString:
    """The trail's entries as the page shows them, written here rather than by a template
    loop (fifty entries of a dozen values each were most of the page's time)."""
    if not rows:
        return mark_safe('<li class="empty">' + escape(_("No records match.")) + "</li>")
    user_name, system = escape(_("User name")), escape(_("the system"))
    removed, raw_label = escape(_("removed")), escape(_("Raw record"))
    tz = timezone.get_current_timezone()
    out = []
    for row in rows:
        r = row.record
        at = timezone.localtime(r.created_at, tz)
        seq = r.org_seq
        if row.username:
            who = (f'<span class="audit-person" title="{user_name}: {esc(row.username)}">'
                   f'{esc(row.person)}</span>')
        else:
            who = f'<span class="muted">{system}</span>'
        what = ""
        if row.object_label or row.object_title:
            what = f" · {esc(row.object_label)}"
            if row.object_title:
                what += (f' <a href="{esc(row.object_url)}">{esc(row.object_title)}</a>'
                         if row.object_url else f" {esc(row.object_title)}")
        changes = ""
        if row.changes:
            items = []
            for c in row.changes:
                before = f"<del>{esc(c.before)}</del> → " if c.before else ""
                after = (f"<ins>{esc(c.after)}</ins>" if c.after
                         else f'<span class="muted">{removed}</span>' if c.before else "")
                items.append(f"<dt>{esc(c.label)}</dt><dd>{before}{after}</dd>")
            changes = f'<dl class="audit-changes">{"".join(items)}</dl>'
        out.append(
            f'\n  <li class="audit-entry" id="audit-{seq}">\n'
            f'    <p class="audit-head"><strong class="audit-action">{esc(row.action)}</strong>\n'
            f'      <span class="muted">#{seq} · <time datetime="{at.isoformat()}">'
            f'{at:%Y-%m-%d %H:%M:%S}</time></span></p>\n'
            f'    <p class="audit-who">{who}\n      {what}</p>\n    {changes}\n'
            f'    <details class="audit-raw"><summary>{raw_label}</summary>'
            f'<pre tabindex="0">{esc(row.raw)}</pre></details>\n  </li>\n')
    return mark_safe("".join(out))


@login_required
@require_GET
def audit_log(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "audit.view", org)
    records = filtered_records(org.pk, request.GET)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = readable(page.object_list, org)
    return render(request, "audit/log.html", {
        "org": org, "page": page, "rows": rows,
        # Every filter named, empty when not given: a name missing from the query made the
        # template's comparison in each of the action list's options a failed lookup.
        "filters": {k: request.GET.get(k, "") for k in ("from", "to", "action", "person")},
        "query": query.urlencode(), "actions": action_choices(),
        "entries": entries_html(rows),
        "people": _people(org)})


def _cell(value: Any) -> Any:
    """A cell that Excel or WPS shows as text, never runs as a formula."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


@login_required
@require_GET
def audit_export(request: HttpRequest, org_id: int) -> HttpResponse:
    """The filtered trail as an .xlsx workbook: the readable columns and the raw record."""
    from openpyxl import Workbook

    org = get_org_for_user(request.user, org_id)
    require(request.user, "audit.view", org)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit trail"))
    sheet.append([_("Number"), _("Time"), _("Person"), _("User name"), _("Action"),
                  _("Action code"), _("Object"), _("Changes"), _("Object type"),
                  _("Object number"), _("Before"), _("After"), _("Hash")])
    records = filtered_records(org.pk, request.GET)[:EXPORT_LIMIT]
    tz = timezone.get_current_timezone()
    for chunk in _chunks(records.iterator(chunk_size=500), 500):
        for row in readable(chunk, org):
            r = row.record
            changes = "\n".join(f"{c.label}：{c.before + ' → ' if c.before else ''}{c.after}"
                                for c in row.changes)
            obj = " · ".join(x for x in (row.object_label, row.object_title) if x)
            sheet.append([_cell(v) for v in (
                r.org_seq, r.created_at.astimezone(tz).replace(tzinfo=None), row.person,
                row.username, row.action, r.action, obj, changes, r.object_type, r.object_id,
                json.dumps(r.before, ensure_ascii=False) if r.before is not None else "",
                json.dumps(r.after, ensure_ascii=False) if r.after is not None else "",
                r.hash)])
    out = BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="audit-{org.code}-{stamp}.xlsx"'
    return response


def _chunks(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
