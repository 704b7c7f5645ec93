from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from guildhall.core.errors import DomainError
from guildhall.core.forms import add_domain_error
from guildhall.core.lines import add_labels
from guildhall.core.months import parse_month
from guildhall.events import ical, queries, services
from guildhall.events.forms import (
    AttachmentForm,
    DecisionForm,
    FilingForm,
    HaltForm,
    ReasonForm,
    RulesForm,
    SubmitForm,
    SummaryForm,
    lead_time_hint,
)
from guildhall.events.models import (
    SNAPSHOT_FIELDS,
    CalendarFeed,
    EventType,
    Filing,
    FilingRules,
    Status,
)
from guildhall.events.timeline import diff_rows, timeline
from guildhall.kit import attachments
from guildhall.kit import search as keywords
from guildhall.kit.actions import beside_field, form_page, run_page_action
from guildhall.kit.decisions import Verdict, decision
from guildhall.kit.pages import GET_POST, object_page, org_page, viewable
from guildhall.orgs.permissions import can, require
from guildhall.orgs.scoping import get_org_for_user
from guildhall.records import services as records
from guildhall.reviews import services as reviews

PAGE_SIZE = 30


_filing = viewable(queries.get_filing_for_user, "events.view")


def _detail(request: HttpRequest, filing: Filing, *, status: int = 200, error: str = "",
            **forms: Any) -> HttpResponse:
    actions = filing.available_actions(request.user)
    steps = filing.review_steps()
    rules = FilingRules.for_association(filing.organization)
    ctx = {
        "org": filing.organization, "filing": filing, "actions": actions, "error": error,
        "can_attach": "attach" in actions, "can_acknowledge": "acknowledge_finding" in actions,
        "timeline": timeline(filing),
        "current_step": reviews.current_step(filing, steps) if filing.is_under_review() else None,
        "attachments": records.live_attachments(filing).prefetch_related("findings"),
        "halts": filing.halts.select_related("recorded_by"),
        "summary": getattr(filing, "summary", None) if filing.status in (
            Status.SUMMARIZED, Status.CLOSED) else None,
        "rules": rules,
        "refusal": reviews.last_refusal(filing) if filing.status in (
            Status.RETURNED, Status.REJECTED) else None,
        "halt_opens": filing.halt_opens(rules) if filing.status == Status.APPROVED
        and timezone.now() < filing.halt_opens(rules) else None,
        "decision": _decision(filing, actions, forms.get("decision_form") or DecisionForm(
            initial={"revision": filing.revision})),
        "submit_form": forms.get("submit_form") or SubmitForm(initial={
            "late_reason": request.session.pop(_LATE_REASON % filing.pk, "")}),
        "lead_time": dict(zip(("earliest", "too_early"), services.lead_time_of(filing, rules),
                              strict=True)) if "submit" in actions else None,
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
    }
    return render(request, "events/detail.html", ctx, status=status)


def _decision(filing: Filing, actions: Any, form: Any) -> Any:
    """The sign-off or approval form of the filing page, with the buttons the workflow
    allows (each posts to its own action's URL)."""
    def verdict(action: str, label: str, style: str = "") -> Verdict:
        url = reverse(f"events:filing_{action}", args=(filing.organization_id, filing.pk))
        return Verdict(action, label, action.replace("_", "-"), url=url, style=style)

    return decision(actions, [
        verdict("sign_off", _("Sign off")),
        verdict("approve", _("Approve")),
        verdict("return", _("Return for revision"), "secondary"),
        verdict("reject", _("Reject"), "secondary outline"),
    ], url=reverse("events:filing_approve", args=(filing.organization_id, filing.pk)), form=form,
        title=_("Internal sign-off") if "sign_off" in actions else _("Your decision"),
        note=_("on revision %(n)s") % {"n": filing.revision},
        hint=_("A comment is required to return or reject."))


def _act(request: HttpRequest, org_id: int, filing_id: int, action: str,
         run: Callable[[Filing], Any], done: str, form_name: str = "") -> HttpResponse:
    """Authorize and run one action from the filing page; show refusals on the page."""
    def refused(exc: DomainError) -> HttpResponse:
        fresh = queries.get_filing_for_user(request.user, filing_id, org_id)
        kept = {form_name: _bound(form_name, request)} if form_name else {}
        return _detail(request, fresh, status=exc.status, error=beside_field(kept, exc), **kept)

    return run_page_action(request, _filing(request, org_id, filing_id), action, run,
                           done=done, refused=refused)


def _bound(form_name: str, request: HttpRequest) -> Any:
    cls = {"decision_form": DecisionForm, "submit_form": SubmitForm, "reason_form": ReasonForm}
    form = cls[form_name](request.POST)
    form.is_valid()
    return form


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


# ---- lists ----------------------------------------------------------------------

def _list_page(request: HttpRequest, org: Any, qs: Any, template: str,
               default_status: str = "", **extra: Any) -> HttpResponse:
    params = {k: request.GET.get(k, "") for k in ("type", "month", "q")}
    params["status"] = request.GET.get("status", default_status)
    # A row shows the title, type, start, state and association: the long texts stay behind.
    qs = queries.filter_filings(qs.select_related(None).select_related("organization")
                                .defer(*LIST_DEFERRED), params)
    # A search reads its first keywords.CAP matches: a word in every filing costs a page.
    found = keywords.Matches(qs) if params["q"] else None
    page = Paginator(qs if found is None else found, PAGE_SIZE).get_page(request.GET.get("page"))
    _label_rows(page.object_list)
    return render(request, template, {
        "org": org, "page": page, "params": params, "query": urlencode(params),
        "matched": None if found is None else found.count_found,
        "more": found is not None and found.more,
        "cap": keywords.CAP,
        "statuses": Status.choices, "types": EventType.choices, "today": timezone.localdate(),
        "may_create": can(request.user, "events.create", org), **extra,
    })


LIST_DEFERRED = ("description", "search_text", "speakers", "co_organizers", "halt_procedure",
                 "notify_list", "fallback", "late_reason", "cancel_reason")


def _label_rows(filings: Any) -> None:
    """Give each row its type's and state's names, translated once per page (a third of the
    queue's time at 30 rows went to get_*_display)."""
    add_labels(filings, type=EventType, status=Status)


@login_required
@require_GET
def filing_list(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "events.list", org)
    return _list_page(request, org, queries.association_filings(org).order_by("-starts_at", "-pk"),
                      "events/list.html")


@login_required
@require_GET
def filing_queue(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "events.queue", org)
    status = request.GET.get("status", Status.SUBMITTED)
    return _list_page(request, org, queries.queue_filings(org, status=status), "events/queue.html",
                      default_status=Status.SUBMITTED,
                      may_decide=can(request.user, "events.decide_many", org),
                      verdicts=[Verdict(value, label, f"bulk-{value}", name="action", value=value,
                                        style=style) for value, label, style in (
                          ("approve", _("Approve the chosen"), ""),
                          ("return", _("Return the chosen"), "secondary"),
                          ("reject", _("Reject the chosen"), "secondary"))])


# ---- filing and editing ----------------------------------------------------------------

@org_page("events.create", methods=GET_POST)
def filing_new(request: HttpRequest, org: Any) -> HttpResponse:
    form = FilingForm(request.POST or None, org=org)
    return form_page(
        request, form,
        lambda: services.filing_create(actor=request.user, org=org, data=form.model_data()),
        done=_("The draft was saved. Add materials, then submit it."),
        next_url=Filing.get_absolute_url, template="events/form.html",
        context=lambda: {"org": org, "filing": None, "lead": lead_time_hint(form, org)})


# A state that forbids the action is a plain refusal here (403), as for any GET form.
@object_page(_filing, "events.edit", methods=GET_POST)
def filing_edit(request: HttpRequest, filing: Filing) -> HttpResponse:
    org = filing.organization
    form = FilingForm(request.POST or None, org=org, initial=FilingForm.initial_for(filing))
    return form_page(
        request, form,
        lambda: services.filing_update(actor=request.user, filing=filing, data=form.model_data(),
                                       revision=form.cleaned_data.get("revision")),
        done=_("Saved."), next_url=filing.get_absolute_url(), template="events/form.html",
        context=lambda: {"org": org, "filing": filing, "lead": lead_time_hint(form, org)})


@login_required
@require_GET
def filing_detail(request: HttpRequest, org_id: int, filing_id: int) -> HttpResponse:
    return _detail(request, _filing(request, org_id, filing_id))


@login_required
@require_GET
def filing_approval_form(request: HttpRequest, org_id: int, filing_id: int) -> HttpResponse:
    """The filing's approval form (活动报备审批表) as a Word document."""
    from urllib.parse import quote

    from guildhall.events.approval_form import approval_form_docx

    filing = _filing(request, org_id, filing_id)
    response = HttpResponse(approval_form_docx(filing), content_type=(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    name = quote(f"{filing.title}-活动报备审批表.docx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
@require_GET
def filing_diff(request: HttpRequest, org_id: int, filing_id: int) -> HttpResponse:
    filing = _filing(request, org_id, filing_id)
    revisions = list(filing.revisions.all())
    numbers = [r.number for r in revisions]
    default_a = filing.approved_revision if filing.approved_revision in numbers and \
        filing.approved_revision != filing.revision else max(filing.revision - 1, 1)
    a, b = _int(request.GET.get("a", default_a)), _int(request.GET.get("b", filing.revision))
    by_number = {r.number: r for r in revisions}
    if a not in by_number or b not in by_number:
        a, b = numbers[0], numbers[-1]
    return render(request, "events/diff.html", {
        "org": filing.organization, "filing": filing, "revisions": revisions, "a": a, "b": b,
        "rows": diff_rows(by_number[a].snapshot, by_number[b].snapshot, SNAPSHOT_FIELDS),
    })


# ---- actions on the filing page ------------------------------------------------------------

#: The session key that keeps a refused submission's late reason for the page shown next.
_LATE_REASON = "events.late_reason.%d"


@login_required
@require_POST
def filing_submit(request: HttpRequest, org_id: int, filing_id: int) -> HttpResponse:
    """Submit; a refusal by the rules (the lead time, a missing plan…) is told on the
    filing's page after a redirect, so that reloading it does not send the form again."""
    from guildhall.kit.actions import audited

    form = SubmitForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("late_reason", "")
    filing = _filing(request, org_id, filing_id)
    try:
        audited(request.user, filing, "submit", lambda: services.filing_submit(
            actor=request.user, filing=filing, late_reason=reason))
    except DomainError as exc:
        if exc.status == 403:  # not theirs to submit: the plain refusal
            return _detail(request, filing, status=403, error=str(exc))
        messages.error(request, str(exc))
        if reason:
            request.session[_LATE_REASON % filing.pk] = reason
        return redirect(filing.get_absolute_url())
    messages.success(request, _("The filing was submitted."))
    return redirect(filing.get_absolute_url())


def _decision_view(request: HttpRequest, org_id: int, filing_id: int, action: str,
                   done: str) -> HttpResponse:
    form = DecisionForm(request.POST)
    form.is_valid()
    revision, comment = form.cleaned_data.get("revision", -1), form.cleaned_data.get("comment", "")
    run = {
        "sign_off": lambda f: services.filing_sign_off(actor=request.user, filing=f,
                                                       revision=revision, comment=comment),
        "approve": lambda f: services.filing_approve(actor=request.user, filing=f,
                                                     revision=revision, comment=comment),
        "return": lambda f: services.filing_return(actor=request.user, filing=f,
                                                   revision=revision, comment=comment),
        "reject": lambda f: services.filing_reject(actor=request.user, filing=f,
                                                   revision=revision, comment=comment),
    }[action]
    return _act(request, org_id, filing_id, action, run, done, "decision_form")


@login_required
@require_POST
def filing_sign_off(request: HttpRequest, org_id: int, filing_id: int) -> HttpResponse:
    return _decision_view(request, org_id, filing_id, "sign_off", _("You signed the filing off."))


@login_required
@require_POST
def filing_approve(request: HttpRequest, org_id: int, filing_id: int) -> HttpResponse:
    return _decision_view(request, org_id, filing_id, "approve", _("You approved the filing."))


@login_required
@require_POST
def filing_return(request: HttpRequest, org_id: int, filing_id: int) -> HttpResponse:
    return _decision_view(request, org_id, filing_id, "return",
                          _("The filing was returned for revision."))


@login_required
@require_POST
def filing_reject(request: HttpRequest, org_id: int, filing_id: int) -> HttpResponse:
    return _decision_view(request, org_id, filing_id, "reject", _("The filing was rejected."))


@login_required
@require_POST
def filing_withdraw(request: HttpRequest, org_id: int, filing_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(request, org_id, filing_id, "withdraw", lambda f: services.filing_withdraw(
        actor=request.user, filing=f, reason=reason), _("The filing was withdrawn."), "reason_form")


@login_required
@require_POST
def filing_cancel(request: HttpRequest, org_id: int, filing_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(request, org_id, filing_id, "cancel", lambda f: services.filing_cancel(
        actor=request.user, filing=f, reason=reason), _("The event was cancelled."), "reason_form")


@login_required
@require_POST
def filing_acknowledge_summary(request: HttpRequest, org_id: int, filing_id: int) -> HttpResponse:
    return _act(request, org_id, filing_id, "acknowledge_summary",
                lambda f: services.filing_acknowledge_summary(actor=request.user, filing=f),
                _("The summary was acknowledged."))


# ---- the circuit breaker and the summary (their own pages, for phones) ------------------------

@object_page(_filing, "events.halt", methods=GET_POST)
def filing_halt(request: HttpRequest, filing: Filing) -> HttpResponse:
    form = HaltForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.filing_halt(actor=request.user, filing=filing, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The event was halted and the supervising body was told."))
            return redirect("events:filing_detail", filing.organization_id, filing.pk)
    return render(request, "events/halt.html", {"org": filing.organization, "filing": filing,
                                                "form": form}, status=400 if form.errors else 200)


@object_page(_filing, "events.summarize", methods=GET_POST)
def filing_summary(request: HttpRequest, filing: Filing) -> HttpResponse:
    form = SummaryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.filing_summarize(actor=request.user, filing=filing, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The summary was submitted."))
            return redirect("events:filing_detail", filing.organization_id, filing.pk)
    return render(request, "events/summary.html", {
        "org": filing.organization, "filing": filing, "form": form,
        "halts": filing.halts.all()}, status=400 if form.errors else 200)


# ---- attachments and findings ----------------------------------------------------------------

record_pages = attachments.RecordPages(
    fetch=_filing, page=_detail, form=AttachmentForm,
    attach=lambda request, filing, data: services.attachment_add(
        actor=request.user, filing=filing, upload=data["file"],
        for_foreign_party=data["for_foreign_party"]),
    detach=lambda request, filing, attachment: services.attachment_remove(
        actor=request.user, filing=filing, attachment=attachment),
    accept=lambda request, filing, finding, reason: services.finding_acknowledge(
        actor=request.user, finding=finding, reason=reason))


# ---- calendar, feed, rules --------------------------------------------------------------------

@org_page("events.calendar")
def event_calendar(request: HttpRequest, org: Any) -> HttpResponse:
    today = timezone.localdate()
    year, month = parse_month(request.GET.get("month")) or (today.year, today.month)
    first = dt.date(year, month, 1)
    previous = (first - dt.timedelta(days=1)).strftime("%Y-%m")
    following = (first + dt.timedelta(days=32)).strftime("%Y-%m")
    feed = CalendarFeed.objects.filter(organization=org).first()
    return render(request, "events/calendar.html", {
        "org": org, "weeks": queries.month_grid(org, year, month), "first": first,
        "previous": previous, "following": following, "today": today,
        "feed_url": request.build_absolute_uri(reverse("events:event_feed", args=[feed.token]))
        if feed else "",
        "may_regenerate": can(request.user, "events.feed_regenerate", org),
    })


@org_page("events.feed_regenerate", methods=("POST",))
def feed_regenerate(request: HttpRequest, org: Any) -> HttpResponse:
    services.feed_regenerate(actor=request.user, org=org)
    messages.success(request, _("The calendar feed has a new secret address; the old one no "
                                "longer works."))
    return redirect("events:event_calendar", org.pk)


@require_GET
def event_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = CalendarFeed.objects.select_related("organization").filter(
        token=token, organization__is_active=True).first()
    if feed is None:
        raise Http404("No such feed")
    body = ical.feed(feed.organization, request.build_absolute_uri("/")[:-1])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="events.ics"'
    return response


@org_page("events.rules", methods=GET_POST)
def filing_rules(request: HttpRequest, org: Any) -> HttpResponse:
    rules = FilingRules.of(org)
    form = RulesForm(request.POST or None, initial=RulesForm.initial_for(rules))
    return form_page(
        request, form,
        lambda: services.rules_update(actor=request.user, supervisor=org, data=form.rules_data()),
        done=_("The rules were saved."), next_url=reverse("events:filing_rules", args=[org.pk]),
        template="events/rules.html", context={"org": org, "rules": rules})


# ---- several decisions from the queue (issue 9) ---------------------------------------------

QUEUE_PARAMS = ("status", "type", "month", "q", "page")


def _choices(values: list[str]) -> list[tuple[int, int]]:
    """The queue's checkboxes: "<filing id>:<revision seen>"; anything else is left out."""
    chosen = []
    for value in values:
        pk, _sep, revision = value.partition(":")
        if _int(pk) > 0 and _int(revision) > 0:
            chosen.append((_int(pk), _int(revision)))
    return chosen


@login_required
@require_POST
def filing_queue_decide(request: HttpRequest, org_id: int) -> HttpResponse:
    """Take one decision with one comment on the filings chosen in the queue; say what
    became of each (a refusal per filing), then show the queue again (POST → redirect)."""
    from guildhall.kit.actions import audited

    org = get_org_for_user(request.user, org_id)
    require(request.user, "events.decide_many", org)
    action = request.POST.get("action", "")
    back = reverse("events:filing_queue", args=[org.pk])
    # The queue's filters as they were ("status" empty is every state, absent is submitted).
    kept = {k: v for k in QUEUE_PARAMS
            if (v := request.POST.get(f"keep_{k}")) is not None and (v or k == "status")}
    if kept:
        back = f"{back}?{urlencode(kept)}"
    try:
        outcomes = services.filings_decide(
            actor=request.user, supervisor=org, choices=_choices(request.POST.getlist("filing")),
            action=action, comment=request.POST.get("comment", ""),
            run=lambda filing, go: audited(request.user, filing, action, go))
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    done = [o for o in outcomes if o.ok]
    if done:
        messages.success(request, {
            "approve": ngettext("%(n)d filing was approved.", "%(n)d filings were approved.", len(done)),
            "return": ngettext("%(n)d filing was returned for revision.",
                               "%(n)d filings were returned for revision.", len(done)),
            "reject": ngettext("%(n)d filing was rejected.", "%(n)d filings were rejected.",
                               len(done)),
        }[action] % {"n": len(done)})
    for o in outcomes:
        if not o.ok:
            messages.error(request, _("Not decided: %(title)s. %(reason)s") % {
                "title": o.title or _("a filing not in your queue"), "reason": o.error})
    return redirect(back)
