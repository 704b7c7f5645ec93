from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guildhall.core.errors import DomainError
from guildhall.core.lines import add_labels, line
from guildhall.core.pagination import Counted
from guildhall.incidents import figures, queries, services
from guildhall.incidents.forms import (
    AcknowledgeForm,
    ClosingForm,
    DetailsForm,
    IncidentForm,
    NoteForm,
    PhoneReportForm,
    QuickReportForm,
    ReasonForm,
    ReportForm,
    RulesForm,
    SeverityForm,
)
from guildhall.incidents.models import Category, Incident, IncidentRules, Severity, Status
from guildhall.incidents.timeline import timeline
from guildhall.kit import links
from guildhall.kit.actions import audited, beside_field, run_page_action, save_form
from guildhall.orgs.permissions import can, require
from guildhall.orgs.scoping import get_org_for_user
from guildhall.records.services import linked_subjects

PAGE_SIZE = 30


def _incident(request: HttpRequest, org_id: int, incident_id: int) -> Incident:
    incident = queries.get_incident_for_user(request.user, incident_id, org_id)
    require(request.user, "incidents.view", incident)
    return incident


def _detail(request: HttpRequest, incident: Incident, *, status: int = 200, error: str = "",
            **forms: Any) -> HttpResponse:
    actions = incident.available_actions(request.user)
    reports = list(incident.reports.select_related("made_by", "acknowledged_by"))
    now = timezone.now()
    return render(request, "incidents/detail.html", {
        "org": incident.organization, "incident": incident, "actions": actions, "error": error,
        "now": now, "clocks": [{**c, "text": services.clock_text(c["minutes"])}
                               for c in incident.clocks(now)],
        "reports": [{"report": r, "overdue": r.ack_overdue(now),
                     "left": services.clock_text(r.ack_minutes_left(now))} for r in reports],
        "timeline": timeline(incident),
        "links": links.described(incident),
        "plan_items": [link.subject for link in linked_subjects(incident, role="origin")
                       if link.subject is not None],
        "rules": IncidentRules.for_association(incident.organization),
        "severity_form": forms.get("severity_form") or SeverityForm(
            initial={"severity": incident.severity}),
        "note_form": forms.get("note_form") or NoteForm(),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "ack_form": forms.get("ack_form") or AcknowledgeForm(),
    }, status=status)


_FORMS = {"severity_form": SeverityForm, "note_form": NoteForm, "reason_form": ReasonForm,
          "ack_form": AcknowledgeForm}


def _act(request: HttpRequest, org_id: int, incident_id: int, action: str,
         run: Callable[[Incident], Any], done: str, form_name: str) -> HttpResponse:
    """Authorize and run one action from the incident page; show refusals on the page."""
    def refused(exc: DomainError) -> HttpResponse:
        fresh = queries.get_incident_for_user(request.user, incident_id, org_id)
        form = _FORMS[form_name](request.POST)
        form.is_valid()
        kept = {form_name: form}
        return _detail(request, fresh, status=exc.status, error=beside_field(kept, exc), **kept)

    return run_page_action(request, _incident(request, org_id, incident_id), action, run,
                           done=done, refused=refused)


def _form_page(request: HttpRequest, org_id: int, incident_id: int, action: str, form_cls: type,
               template: str, run: Callable[[Incident, dict[str, Any]], Any],
               done: str, initial: dict[str, Any] | None = None) -> HttpResponse:
    """A report form on its own page (phones): authorize, run the service, or show the
    refusal beside its field with what was typed."""
    incident = _incident(request, org_id, incident_id)
    require(request.user, f"incidents.{action}", incident)
    form = form_cls(request.POST or None, initial=initial)
    saved = save_form(request, form, lambda: audited(
        request.user, incident, action, lambda: run(incident, form.cleaned_data)),
        done=done, next_url=incident.get_absolute_url())
    return saved or render(request, template, {
        "org": incident.organization, "incident": incident, "form": form,
        "rules": IncidentRules.for_association(incident.organization),
        "clocks": [{**c, "text": services.clock_text(c["minutes"])} for c in incident.clocks()],
    }, status=400 if form.errors else 200)


# ---- lists ---------------------------------------------------------------------------------

def _state(request: HttpRequest, default: str) -> str:
    state = request.GET.get("state", default)
    return state if state in ("open", "closed", "all") else default


def _with_lines(figures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add to each row of figures its sentences, built here with the template's msgids: a
    page of thirty rows of eight `blocktranslate` tags cost more than its queries."""
    avg, opened, late = _("%(m)s min on average"), _("%(n)s open"), _("%(n)s first reports late")
    for f in figures:
        f.update(
            count_line=line(ngettext("%(n)s incident", "%(n)s incidents", f["total"]), n=f["total"]),
            open_line=line(opened, n=f["open"]), late_line=line(late, n=f["late"]),
            missed_line=line(_("%(n)s overdue, not reported"), n=f["missed"]),
            to_first_line=line(avg, m=f["to_first"]), to_ack_line=line(avg, m=f["to_ack"]),
            late_acks_line=line(_("%(n)s acknowledged late"), n=f["late_acks"]),
            waiting_line=line(_("%(n)s awaiting acknowledgement"), n=f["waiting"]))
    return figures


def _rows(page: Any) -> list[dict[str, Any]]:
    now = timezone.now()
    queries.attach_waiting(list(page))
    add_labels(page, severity=Severity, status=Status, category=Category)
    return [{"incident": i, "clocks": [{**c, "text": services.clock_text(c["minutes"])}
                                       for c in i.clocks(now)], **_card_lines(i)} for i in page]


def _card_lines(incident: Incident) -> dict[str, str]:
    """A card's sentences, built here with the template's msgids (`blocktranslate` tags in
    each of a board's cards cost more than its queries)."""
    lines = {}
    if incident.waiting:
        lines["waiting_line"] = line(ngettext(
            "%(n)s report awaiting acknowledgement", "%(n)s reports awaiting acknowledgement",
            incident.waiting), n=incident.waiting)
        if incident.waiting_late:
            lines["waiting_late_line"] = line(_("%(n)s past the deadline"),
                                              n=incident.waiting_late)
    if incident.status == Status.CLOSED:
        if incident.minutes_to_first_report is not None:
            lines["first_report_line"] = line(_("first report after %(m)s min"),
                                              m=incident.minutes_to_first_report)
        if incident.to_ack is not None:
            lines["to_ack_line"] = line(_("acknowledged after %(m)s min on average"),
                                        m=incident.to_ack)
    return lines


@login_required
@require_GET
def incident_list(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "incidents.list", org)
    state = _state(request, "all")
    qs = queries.association_incidents(org, state)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "incidents/list.html", {
        "org": org, "page": page, "rows": _rows(page), "state": state, "query": f"state={state}",
        "figures": _with_lines(services.figures(queries.association_incidents(org))),
        "may_create": can(request.user, "incidents.create", org),
    })


@login_required
@require_GET
def incident_board(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "incidents.board", org)
    state = "closed" if request.GET.get("state") == "closed" else "open"
    totals = figures.totals_below(org)
    page = Counted(queries.board_incidents(org, state), PAGE_SIZE,
                   count=queries.board_count(org, state, totals)).get_page(request.GET.get("page"))
    # The figures stored per association (`figures`), paged at the database.
    found = Counted(figures.below(org), PAGE_SIZE, count=totals["associations"]).get_page(
        request.GET.get("fpage"))
    found.object_list = _with_lines(figures.finished(found.object_list))
    return render(request, "incidents/board.html", {
        "org": org, "page": page, "rows": _rows(page), "state": state, "query": f"state={state}",
        "figures": found,
        "may_rules": can(request.user, "incidents.rules", org),
    })


# ---- registering ------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def incident_quick(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "incidents.create", org)
    form = QuickReportForm(request.POST or None, org=org)
    saved = save_form(request, form, lambda: services.incident_register(
        actor=request.user, org=org, send=True, report=form.cleaned_data["report"],
        data={k: form.cleaned_data[k] for k in ("title", "category", "severity")},
        channel_id=form.cleaned_data.get("channel"),
        pause_channel=bool(form.cleaned_data.get("pause_channel"))),
        done=_("The report was sent to the supervising body."),
        next_url=Incident.get_absolute_url)
    return saved or render(request, "incidents/quick.html", {"org": org, "form": form},
                           status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "incidents.create", org)
    form = IncidentForm(request.POST or None, org=org)
    saved = save_form(request, form, lambda: services.incident_register(
        actor=request.user, org=org, data=form.model_data(), send=form.cleaned_data["send"],
        channel_id=form.cleaned_data.get("channel"),
        pause_channel=bool(form.cleaned_data.get("pause_channel")),
        filing_id=form.cleaned_data.get("filing"),
        publication_id=form.cleaned_data.get("publication")),
        done=_("The incident was registered."), next_url=Incident.get_absolute_url,
        default_field="title")
    return saved or render(request, "incidents/form.html", {"org": org, "form": form},
                           status=400 if form.errors else 200)


@login_required
@require_GET
def incident_detail(request: HttpRequest, org_id: int, incident_id: int) -> HttpResponse:
    return _detail(request, _incident(request, org_id, incident_id))


@login_required
@require_http_methods(["GET", "POST"])
def incident_edit(request: HttpRequest, org_id: int, incident_id: int) -> HttpResponse:
    incident = _incident(request, org_id, incident_id)
    require(request.user, "incidents.edit", incident)
    form = DetailsForm(request.POST or None, org=incident.organization,
                       initial=DetailsForm.initial_for(incident))
    saved = save_form(request, form, lambda: audited(
        request.user, incident, "edit", lambda: services.incident_update(
            actor=request.user, incident=incident, data=form.model_data(),
            channel_id=form.cleaned_data.get("channel"), filing_id=form.cleaned_data.get("filing"),
            publication_id=form.cleaned_data.get("publication"))),
        done=_("Saved."), next_url=incident.get_absolute_url(), default_field="known")
    return saved or render(request, "incidents/edit.html", {
        "org": incident.organization, "incident": incident, "form": form},
        status=400 if form.errors else 200)


# ---- reports ---------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def incident_phone(request: HttpRequest, org_id: int, incident_id: int) -> HttpResponse:
    return _form_page(
        request, org_id, incident_id, "report_phone", PhoneReportForm, "incidents/phone.html",
        lambda i, data: services.report_phone(actor=request.user, incident=i, **data),
        _("The phone report was recorded."),
        initial={"caller": request.user.display_name,
                 "reported_at": timezone.localtime().replace(second=0, microsecond=0)})


@login_required
@require_http_methods(["GET", "POST"])
def incident_written(request: HttpRequest, org_id: int, incident_id: int) -> HttpResponse:
    return _form_page(
        request, org_id, incident_id, "report_written", ReportForm, "incidents/report.html",
        lambda i, data: services.report_written(actor=request.user, incident=i, text=data["text"]),
        _("The written report was sent to the supervising body."))


@login_required
@require_http_methods(["GET", "POST"])
def incident_follow_up(request: HttpRequest, org_id: int, incident_id: int) -> HttpResponse:
    return _form_page(
        request, org_id, incident_id, "follow_up", ReportForm, "incidents/follow_up.html",
        lambda i, data: services.follow_up(actor=request.user, incident=i, text=data["text"]),
        _("The follow-up report was sent to the supervising body."))


@login_required
@require_http_methods(["GET", "POST"])
def incident_close(request: HttpRequest, org_id: int, incident_id: int) -> HttpResponse:
    def run(incident: Incident, data: dict[str, Any]) -> Incident:
        data = {**data, "plan_items": (data.get("plan_items") or "").splitlines()}
        return services.incident_close(actor=request.user, incident=incident, **data)

    return _form_page(request, org_id, incident_id, "close", ClosingForm, "incidents/close.html",
                      run, _("The closing report was sent and the incident is closed."))


# ---- actions on the incident page ------------------------------------------------------------

@login_required
@require_POST
def incident_severity(request: HttpRequest, org_id: int, incident_id: int) -> HttpResponse:
    severity, note = request.POST.get("severity", ""), request.POST.get("note", "")
    return _act(request, org_id, incident_id, "change_severity", lambda i: services.change_severity(
        actor=request.user, incident=i, severity=severity, note=note),
        _("The severity was changed; the clocks start again from now."), "severity_form")


@login_required
@require_POST
def incident_stable(request: HttpRequest, org_id: int, incident_id: int) -> HttpResponse:
    note = request.POST.get("note", "")
    return _act(request, org_id, incident_id, "mark_stable", lambda i: services.mark_stable(
        actor=request.user, incident=i, note=note), _("The incident is marked stable."),
        "note_form")


@login_required
@require_POST
def incident_reopen(request: HttpRequest, org_id: int, incident_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(request, org_id, incident_id, "reopen", lambda i: services.incident_reopen(
        actor=request.user, incident=i, reason=reason), _("The incident was reopened."),
        "reason_form")


@login_required
@require_POST
def incident_acknowledge(request: HttpRequest, org_id: int, incident_id: int) -> HttpResponse:
    report, instruction = request.POST.get("report"), request.POST.get("instruction", "")
    return _act(request, org_id, incident_id, "acknowledge", lambda i: services.report_acknowledge(
        actor=request.user, incident=i, report_id=report, instruction=instruction),
        _("The report was acknowledged."), "ack_form")


# ---- the rules ---------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def incident_rules(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "incidents.rules", org)
    rules = IncidentRules.for_supervisor(org)
    form = RulesForm(request.POST or None, initial=RulesForm.initial_for(rules))
    saved = save_form(
        request, form,
        lambda: services.rules_update(actor=request.user, supervisor=org, minutes=form.minutes()),
        done=_("The rules were saved."), next_url=reverse("incidents:incident_rules", args=[org.pk]))
    return saved or render(request, "incidents/rules.html", {"org": org, "form": form, "rules": rules},
                           status=400 if form.errors else 200)

