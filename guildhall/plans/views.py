"""The plan pages: short views over the services, the same rules as the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guildhall.core.errors import DomainError
from guildhall.core.lines import add_labels, line
from guildhall.kit import attachments, links
from guildhall.kit.actions import beside_field, run_page_action, save_form
from guildhall.kit.decisions import acknowledgement
from guildhall.orgs.permissions import can, require
from guildhall.orgs.scoping import get_org_for_user
from guildhall.plans import queries, services
from guildhall.plans.forms import (
    AdoptRowForm,
    AssessForm,
    AttachmentForm,
    DecisionForm,
    FilterForm,
    GradeForm,
    IssueForm,
    ItemForm,
    NoteForm,
    ReasonForm,
    ReportForm,
    ResponsibilityForm,
    ReturnForm,
    RulesForm,
    TemplateForm,
    TemplateItemForm,
    split_evidence,
)
from guildhall.plans.models import (
    CARRIED_OUT,
    Duty,
    DutyHolder,
    ItemStatus,
    ListStatus,
    Plan,
    PlanItem,
    PlanRules,
    PlanStatus,
    PlanTemplate,
    ResponsibilityList,
)
from guildhall.records import services as records

PAGE_SIZE = 30


def _this_year() -> int:
    return timezone.localdate().year


def _timeline(subject: Any) -> list[dict[str, Any]]:
    return records.timeline_items(
        subject, revision_label=lambda r: _("Revision %(n)d") % {"n": r.number})


# ---- the responsibility list -----------------------------------------------------------

@login_required
@require_GET
def responsibility_current(request: HttpRequest, org_id: int) -> HttpResponse:
    require(request.user, "plans.list", get_org_for_user(request.user, org_id))
    return redirect("plans:responsibility", org_id, _this_year())


@login_required
@require_GET
def responsibility(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "plans.list", org)
    rlist = services.responsibility_list(org, year)
    holders = rlist.holders.select_related("member") if rlist.pk else []
    return render(request, "plans/responsibility.html", {
        "org": org, "year": year, "rlist": rlist, "holders": holders,
        "may_edit": can(request.user, "responsibility.edit", rlist),
        "actions": rlist.available_actions(request.user) if rlist.pk else set(),
        "timeline": _timeline(rlist) if rlist.pk else []})


@login_required
@require_http_methods(["GET", "POST"])
def responsibility_edit(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    rlist = services.responsibility_list(org, year)
    require(request.user, "responsibility.edit", rlist)
    signed = rlist.status == ListStatus.SIGNED
    initial = {"revision": rlist.revision, "principal": rlist.principal_id}
    if rlist.pk:
        initial.update({f"duty_{h.duty}": h.member_id for h in rlist.holders.all()})
    form = ResponsibilityForm(request.POST or None, org=org, signed=signed, initial=initial)
    done = save_form(request, form, lambda: services.responsibility_save(
        actor=request.user, org=org, year=year, principal=form.cleaned_data["principal"],
        holders=form.holders(), reason=form.cleaned_data.get("reason", ""),
        revision=form.cleaned_data.get("revision")),
        done=_("The responsibility list was saved. The principal signs it off."),
        next_url=lambda r: r.get_absolute_url(), default_field="principal")
    return done or render(request, "plans/responsibility_form.html", {
        "org": org, "year": year, "rlist": rlist, "form": form},
        status=400 if form.errors else 200)


@login_required
@require_POST
def responsibility_sign(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    rlist = services.responsibility_list(org, year)
    if not rlist.pk:
        messages.error(request, _("Draw up the list first."))
        return redirect("plans:responsibility", org_id, year)
    return run_page_action(
        request, rlist, "sign", lambda r: services.responsibility_sign(actor=request.user, rlist=r),
        done=_("You signed the responsibility list."),
        refused=lambda exc: _refused_redirect(request, exc, rlist.get_absolute_url()))


def _refused_redirect(request: HttpRequest, exc: DomainError, url: str) -> HttpResponse:
    messages.error(request, str(exc))
    return redirect(url)


# ---- the plan ------------------------------------------------------------------------

@login_required
@require_GET
def plan_current(request: HttpRequest, org_id: int) -> HttpResponse:
    require(request.user, "plans.list", get_org_for_user(request.user, org_id))
    return redirect("plans:plan_detail", org_id, _this_year())


def _plan_page(request: HttpRequest, org: Any, year: int, *, status: int = 200, error: str = "",
               **forms: Any) -> HttpResponse:
    plan = queries.plan_of(org, year)
    filters = FilterForm(request.GET or None, org=org)
    params = filters.cleaned_data if filters.is_valid() else {}
    all_items = list(plan.items.select_related("owner")) if plan else []
    chosen = {"status": params.get("status"), "duty": params.get("duty"),
              "owner": params["owner"].pk if params.get("owner") else None}
    # Unfiltered, the items shown are all of them: not read twice.
    shown = _with_duty(list(queries.filter_items(plan.items.select_related("owner"), chosen))
                       if plan and any(chosen.values()) else all_items)
    actions = plan.available_actions(request.user) if plan else set()
    rules = PlanRules.for_association(org)
    ctx = {
        "org": org, "year": year, "plan": plan, "items": shown, "filters": filters,
        "query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
        "progress": services.plan_progress(all_items), "count": len(all_items),
        "done": sum(1 for i in all_items if i.status == ItemStatus.DONE),
        "overdue": sum(1 for i in all_items if i.is_overdue()),
        "actions": actions, "error": error, "rules": rules,
        "window": services.window_text(rules), "window_open": rules.window_is_open(),
        "may_create": plan is None and can(request.user, "plans.edit", Plan(organization=org)),
        "timeline": _timeline(plan) if plan else [],
        "decision": acknowledgement(
            actions, "plan", url=reverse("plans:plan_acknowledge", args=(org.pk, year)),
            return_url=reverse("plans:plan_return", args=(org.pk, year)),
            form=forms.get("decision_form") or DecisionForm(
                initial={"revision": plan.revision if plan else 1}),
            title=_("Acknowledge the plan"),
            note=_("on revision %(n)s") % {"n": plan.revision if plan else 1}),
        # Only those who grade the plan see its form (and the score its items suggest).
        "grade_form": forms.get("grade_form") or (GradeForm(
            initial={"score": services.suggested_score(plan)}) if "grade" in actions else None),
        "years": [year - 1, year, year + 1],
    }
    if plan and plan.needs_adoption and "adopt" in actions:
        ctx["adopt_rows"] = forms.get("adopt_rows") or [
            (item, AdoptRowForm(prefix=f"i{item.pk}", org=org, initial={
                "owner": item.owner_id, "due_date": item.due_date}))
            for item in all_items if item.template_item_id]
    return render(request, "plans/plan.html", ctx, status=status)


@login_required
@require_GET
def plan_detail(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "plans.list", org)
    return _plan_page(request, org, year)


def _item_line(item: dict[str, Any] | None) -> str:
    if item is None:
        return ""
    status = ItemStatus(item["status"]).label if item.get("status") in ItemStatus.values else ""
    return " · ".join(str(p) for p in (item["title"], Duty(item["duty"]).label if item.get(
        "duty") in Duty.values else "", item.get("owner") or "—", item.get("due_date") or "—",
        status) if p)


def plan_diff_rows(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, str]]:
    """The items added, removed or changed between two revisions of a plan, one row each."""
    def by_key(snapshot: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {str(i.get("id") or i["title"]): i for i in snapshot.get("items", [])}

    before, after = by_key(old), by_key(new)
    rows = []
    for key in [*before, *(k for k in after if k not in before)]:
        old_line, new_line = _item_line(before.get(key)), _item_line(after.get(key))
        if old_line != new_line:
            rows.append({"label": (after.get(key) or before[key])["title"], "old": old_line,
                         "new": new_line})
    return rows


@login_required
@require_GET
def plan_diff(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    org, plan = _plan(request, org_id, year)
    revisions = list(records.revisions_of(plan))
    if not revisions:
        raise Http404("No revisions")
    by_number = {r.number: r for r in revisions}
    try:
        a = int(request.GET.get("a", max(plan.revision - 1, 1)))
        b = int(request.GET.get("b", plan.revision))
    except ValueError:
        a = b = -1
    if a not in by_number or b not in by_number:
        a, b = revisions[0].number, revisions[-1].number
    return render(request, "plans/diff.html", {
        "org": org, "plan": plan, "revisions": revisions, "a": a, "b": b,
        "rows": plan_diff_rows(by_number[a].snapshot, by_number[b].snapshot)})


@login_required
@require_POST
def plan_create(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "plans.edit", Plan(organization=org))
    services.plan_get_or_create(actor=request.user, org=org, year=year)
    messages.success(request, _("The plan was created. Add its items."))
    return redirect("plans:plan_detail", org_id, year)


def _plan(request: HttpRequest, org_id: int, year: int) -> tuple[Any, Plan]:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "plans.list", org)
    plan = queries.plan_of(org, year)
    if plan is None:
        raise Http404("No plan")
    return org, plan


def _plan_act(request: HttpRequest, org_id: int, year: int, action: str,
              run: Callable[[Plan], Any], done: str, form_name: str = "") -> HttpResponse:
    org, plan = _plan(request, org_id, year)
    bound = {"decision_form": DecisionForm, "grade_form": GradeForm}

    def refused(exc: DomainError) -> HttpResponse:
        kept = {}
        if form_name:
            kept[form_name] = bound[form_name](request.POST)
            kept[form_name].is_valid()
        return _plan_page(request, org, year, status=exc.status, error=beside_field(kept, exc),
                          **kept)

    return run_page_action(request, plan, action, run, done=done, refused=refused)


@login_required
@require_POST
def plan_adopt(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    org, plan = _plan(request, org_id, year)
    rows = [(item, AdoptRowForm(request.POST, prefix=f"i{item.pk}", org=org))
            for item in plan.items.filter(template_item__isnull=False)]

    def run(p: Plan) -> Plan:
        if not all(form.is_valid() for _item, form in rows):
            raise DomainError(_("Give every key task an owner and a due date."), "unassigned",
                              status=400)
        for item, form in rows:
            services.item_update(actor=request.user, item=item, data=form.cleaned_data)
        return services.plan_adopt(actor=request.user, plan=p)

    def refused(exc: DomainError) -> HttpResponse:
        return _plan_page(request, org, year, status=exc.status, error=str(exc), adopt_rows=rows)

    return run_page_action(request, plan, "adopt", run, refused=refused,
                           done=_("You adopted the key tasks."))


@login_required
@require_POST
def plan_submit(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    return _plan_act(request, org_id, year, "submit",
                     lambda p: services.plan_submit(actor=request.user, plan=p),
                     _("The plan was submitted to the supervising body."))


def _decision(request: HttpRequest) -> tuple[str, int]:
    form = DecisionForm(request.POST)
    form.is_valid()
    return form.cleaned_data.get("comment", ""), form.cleaned_data.get("revision") or -1


@login_required
@require_POST
def plan_acknowledge(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    comment, revision = _decision(request)
    return _plan_act(request, org_id, year, "acknowledge", lambda p: services.plan_acknowledge(
        actor=request.user, plan=p, revision=revision, comment=comment),
        _("You acknowledged the plan."), "decision_form")


@login_required
@require_POST
def plan_return(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    comment, revision = _decision(request)
    return _plan_act(request, org_id, year, "return", lambda p: services.plan_return(
        actor=request.user, plan=p, revision=revision, comment=comment),
        _("You returned the plan."), "decision_form")


@login_required
@require_POST
def plan_grade(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    return _plan_act(request, org_id, year, "grade", lambda p: services.plan_grade(
        actor=request.user, plan=p, score=request.POST.get("score"),
        comment=request.POST.get("comment", "")), _("You assessed the plan."), "grade_form")


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    org, plan = _plan(request, org_id, year)
    plan.guard("edit")
    require(request.user, "plans.edit", plan)
    needs_reason = plan.status in CARRIED_OUT
    form = ItemForm(request.POST or None, org=org, needs_reason=needs_reason,
                    initial={"revision": plan.revision})
    done = save_form(request, form, lambda: services.item_add(
        actor=request.user, plan=plan, data=form.cleaned_data,
        reason=form.cleaned_data.get("reason", ""), revision=form.cleaned_data.get("revision")),
        done=_("The item was added."), next_url=lambda i: i.get_absolute_url(),
        default_field="title")
    return done or render(request, "plans/item_form.html", {
        "org": org, "plan": plan, "form": form, "item": None},
        status=400 if form.errors else 200)


# ---- items ----------------------------------------------------------------------------

def _item(request: HttpRequest, org_id: int, item_id: int) -> PlanItem:
    item = queries.get_item_for_user(request.user, item_id, org_id)
    require(request.user, "plan_items.view", item)
    return item


def _item_page(request: HttpRequest, item: PlanItem, *, status: int = 200, error: str = "",
               **forms: Any) -> HttpResponse:
    actions = item.available_actions(request.user)
    rules = PlanRules.for_association(item.organization)
    org = item.organization
    ctx = {
        "org": org, "item": item, "plan": item.plan, "actions": actions, "error": error,
        "can_attach": "attach" in actions, "window": services.window_text(rules),
        "window_open": rules.window_is_open(),
        "attachments": records.live_attachments(item),
        "evidence": links.described(item, "evidence"), "origin": links.described(item, "origin"),
        "timeline": _timeline(item),
        "report_form": forms.get("report_form") or ReportForm(org=org),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "assess_form": forms.get("assess_form") or AssessForm(),
        "return_form": forms.get("return_form") or ReturnForm(),
    }
    return render(request, "plans/item.html", ctx, status=status)


@login_required
@require_GET
def item_detail(request: HttpRequest, org_id: int, item_id: int) -> HttpResponse:
    return _item_page(request, _item(request, org_id, item_id))


_ITEM_FORMS: dict[str, Any] = {"report_form": ReportForm, "note_form": NoteForm,
                               "reason_form": ReasonForm, "assess_form": AssessForm,
                               "return_form": ReturnForm}


def _item_act(request: HttpRequest, org_id: int, item_id: int, action: str,
              run: Callable[[PlanItem], Any], done: str, form_name: str) -> HttpResponse:
    item = _item(request, org_id, item_id)

    def refused(exc: DomainError) -> HttpResponse:
        fresh = queries.get_item_for_user(request.user, item_id, org_id)
        cls = _ITEM_FORMS[form_name]
        form = cls(request.POST, org=fresh.organization) if cls is ReportForm else cls(request.POST)
        form.is_valid()
        kept = {form_name: form}
        return _item_page(request, fresh, status=exc.status, error=beside_field(kept, exc), **kept)

    return run_page_action(request, item, action, run, done=done, refused=refused)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, org_id: int, item_id: int) -> HttpResponse:
    item = _item(request, org_id, item_id)
    item.guard("edit")
    require(request.user, "plan_items.edit", item)
    needs_reason = item.plan.status in CARRIED_OUT
    initial = {k: getattr(item, k) for k in services.ITEM_FIELDS}
    initial["revision"] = item.plan.revision
    form = ItemForm(request.POST or None, org=item.organization, needs_reason=needs_reason,
                    initial=initial)
    done = save_form(request, form, lambda: services.item_update(
        actor=request.user, item=item, data=form.cleaned_data,
        reason=form.cleaned_data.get("reason", ""), revision=form.cleaned_data.get("revision")),
        done=_("The item was saved."), next_url=item.get_absolute_url(), default_field="title")
    return done or render(request, "plans/item_form.html", {
        "org": item.organization, "plan": item.plan, "form": form, "item": item},
        status=400 if form.errors else 200)


@login_required
@require_POST
def item_report(request: HttpRequest, org_id: int, item_id: int) -> HttpResponse:
    kind, pk = split_evidence(request.POST.get("evidence", ""))
    return _item_act(request, org_id, item_id, "report", lambda i: services.item_report(
        actor=request.user, item=i, text=request.POST.get("text", ""),
        progress=request.POST.get("progress"), link_kind=kind, link_id=pk),
        _("The progress update was recorded."), "report_form")


@login_required
@require_POST
def item_claim(request: HttpRequest, org_id: int, item_id: int) -> HttpResponse:
    return _item_act(request, org_id, item_id, "claim_done", lambda i: services.item_claim_done(
        actor=request.user, item=i, note=request.POST.get("note", "")),
        _("The item is marked done."), "note_form")


@login_required
@require_POST
def item_drop(request: HttpRequest, org_id: int, item_id: int) -> HttpResponse:
    return _item_act(request, org_id, item_id, "drop", lambda i: services.item_drop(
        actor=request.user, item=i, reason=request.POST.get("reason", "")),
        _("The item was dropped."), "reason_form")


@login_required
@require_POST
def item_assess(request: HttpRequest, org_id: int, item_id: int) -> HttpResponse:
    return _item_act(request, org_id, item_id, "assess", lambda i: services.item_assess(
        actor=request.user, item=i, score=request.POST.get("score"),
        comment=request.POST.get("comment", "")), _("The item was assessed."), "assess_form")


@login_required
@require_POST
def item_return(request: HttpRequest, org_id: int, item_id: int) -> HttpResponse:
    form = ReturnForm(request.POST)
    form.is_valid()
    return _item_act(request, org_id, item_id, "return_for_rectification",
                     lambda i: services.item_return(
                         actor=request.user, item=i, comment=request.POST.get("comment", ""),
                         due=form.cleaned_data.get("due")),
                     _("The item was returned for rectification."), "return_form")


@login_required
@require_POST
def attachment_upload(request: HttpRequest, org_id: int, subject_id: int) -> HttpResponse:
    item = _item(request, org_id, subject_id)
    form = AttachmentForm(request.POST, request.FILES)
    return attachments.upload(
        request, item, form, lambda data: services.item_attach(
            actor=request.user, item=item, upload=data["file"]),
        done=_("The evidence file was added."),
        page=lambda f: _item_page(request, item, attachment_form=f))


@login_required
@require_GET
def attachment_download(request: HttpRequest, org_id: int, subject_id: int,
                        attachment_id: int) -> HttpResponse:
    return attachments.download(_item(request, org_id, subject_id), attachment_id,
                                inline_images=True)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, org_id: int, subject_id: int,
                      attachment_id: int) -> HttpResponse:
    item = _item(request, org_id, subject_id)
    return attachments.remove(
        request, item, attachment_id,
        lambda i, a: services.item_detach(actor=request.user, item=i, attachment=a),
        done=_("The file was removed."),
        refused=lambda exc: _item_page(request, item, status=exc.status, error=str(exc)))


# ---- the supervisor ------------------------------------------------------------------

def _supervisor(request: HttpRequest, org_id: int, rule: str) -> Any:
    org = get_org_for_user(request.user, org_id)
    require(request.user, rule, org)
    return org


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or _this_year())
    except ValueError:
        year = _this_year()
    return min(max(year, 2000), 2100)


@login_required
@require_GET
def overview(request: HttpRequest, org_id: int) -> HttpResponse:
    """Every association below: its responsibility list (who holds each duty, names and
    roles only), its plan's adoption, progress and grade."""
    org = _supervisor(request, org_id, "plans.oversee")
    year = _year(request)
    page = Paginator(queries.associations_below(org).order_by("name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    below = list(page)
    lists = {r.organization_id: r for r in ResponsibilityList.objects.filter(
        organization__in=below, year=year).select_related("principal").prefetch_related(
        Prefetch("holders", queryset=DutyHolder.objects.select_related("member")))}
    plans = {p.organization_id: p for p in Plan.objects.filter(organization__in=below, year=year)}
    figures = queries.item_figures(list(plans.values()))
    # The names of states and duties translated once for the page, not once a row.
    add_labels(lists.values(), status=ListStatus)
    add_labels([h for r in lists.values() for h in r.holders.all()], duty=Duty)
    add_labels(plans.values(), status=PlanStatus)
    rows = []
    for association in below:
        plan = plans.get(association.pk)
        found = figures.get(plan.pk, {}) if plan else {}
        rows.append({"org": association, "rlist": lists.get(association.pk), "plan": plan,
                     "progress": found.get("progress", 0), "count": found.get("count", 0),
                     "overdue": found.get("overdue", 0),
                     "late": plan.is_adoption_late() if plan else False})
    return render(request, "plans/overview.html", {
        "org": org, "year": year, "rows": rows, "years": [year - 1, year, year + 1],
        "page": page, "query": urlencode({"year": year})})


def _with_lines(plans: list[Plan]) -> list[Plan]:
    """Each plan of the queue with its figures' sentences, built here: two `blocktranslate`
    tags a row cost more than the page's queries."""
    items, overdue = _("%(open)s open items · %(unscored)s done items not yet scored"), _(
        "%(n)s overdue")
    for plan in plans:
        plan.items_line = line(items, open=plan.open_items, unscored=plan.unscored)
        plan.overdue_line = line(overdue, n=plan.overdue)
    return plans


def _with_duty(items: list[Any]) -> list[Any]:
    """The items, each with its duty's name (`duty_label`), translated once for the page."""
    add_labels(items, duty=Duty)
    return items


@login_required
@require_GET
def assessment_queue(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _supervisor(request, org_id, "plans.oversee")
    year = _year(request)
    rules = PlanRules.for_supervisor(org)
    page = Paginator(queries.plans_to_grade(org, year), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "plans/queue.html", {
        "org": org, "year": year,
        "items": _with_duty(queries.awaiting_assessment(org, limit=PAGE_SIZE)),
        "plans": _with_lines(queries.with_item_figures(list(page))), "page": page,
        "query": urlencode({"year": year}),
        "window": services.window_text(rules),
        "window_open": rules.window_is_open(), "today": timezone.localdate()})


@login_required
@require_http_methods(["GET", "POST"])
def plan_rules(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _supervisor(request, org_id, "plans.rules")
    rules = PlanRules.for_supervisor(org)
    form = RulesForm(request.POST or None, instance=rules)
    done = save_form(request, form, lambda: services.rules_save(
        actor=request.user, supervisor=org, data={
            **{k: form.cleaned_data[k] for k in RulesForm.Meta.fields},
            "grade_bands": form.cleaned_data["bands"]}),
        done=_("The plan rules were saved."), next_url=reverse("plans:plan_rules", args=[org.pk]),
        default_field="bands")
    return done or render(request, "plans/rules.html", {"org": org, "form": form},
                          status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def template_list(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _supervisor(request, org_id, "plans.oversee")
    may_create = can(request.user, "plans.templates", org)
    form = TemplateForm(request.POST or None, initial={"year": _this_year()})
    if request.method == "POST":
        require(request.user, "plans.templates", org)
    done = save_form(request, form, lambda: services.template_create(
        actor=request.user, org=org, **form.cleaned_data),
        done=_("The template was created. Add its tasks."), next_url=lambda t: t.get_absolute_url(),
        default_field="title")
    return done or render(request, "plans/templates.html", {
        "org": org, "form": form, "may_create": may_create,
        "templates": PlanTemplate.objects.filter(organization=org).prefetch_related("items")},
        status=400 if form.errors else 200)


def _template(request: HttpRequest, org_id: int, template_id: int) -> PlanTemplate:
    template = queries.get_template_for_user(request.user, template_id, org_id)
    require(request.user, "plan_templates.view", template)
    return template


def _template_page(request: HttpRequest, template: PlanTemplate, *, status: int = 200,
                   error: str = "", **forms: Any) -> HttpResponse:
    org = template.organization
    adoption = []
    if template.status == "issued":
        plans = {p.organization_id: p for p in template.plans.all()}
        for association in template.recipients.order_by("name"):
            plan = plans.get(association.pk)
            adoption.append({"org": association, "plan": plan,
                             "late": plan.is_adoption_late() if plan else True})
    return render(request, "plans/template.html", {
        "org": org, "template": template, "items": template.items.all(), "error": error,
        "actions": template.available_actions(request.user), "adoption": adoption,
        "item_form": forms.get("item_form") or TemplateItemForm(),
        "issue_form": forms.get("issue_form") or IssueForm(org=org)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def template_detail(request: HttpRequest, org_id: int, template_id: int) -> HttpResponse:
    template = _template(request, org_id, template_id)
    if request.method == "GET":
        return _template_page(request, template)
    form = TemplateItemForm(request.POST)
    if not form.is_valid():
        return _template_page(request, template, status=400, item_form=form)
    return run_page_action(
        request, template, "edit", lambda t: services.template_item_add(
            actor=request.user, template=t, data=form.cleaned_data),
        done=_("The task was added."),
        refused=lambda exc: _template_page(request, template, status=exc.status, error=str(exc),
                                           item_form=form))


@login_required
@require_POST
def template_item_remove(request: HttpRequest, org_id: int, template_id: int,
                         item_id: int) -> HttpResponse:
    template = _template(request, org_id, template_id)
    item = template.items.filter(pk=item_id).first()
    if item is None:
        raise Http404("No such task")
    return run_page_action(
        request, template, "edit", lambda t: services.template_item_remove(
            actor=request.user, template=t, item=item), done=_("The task was removed."),
        refused=lambda exc: _template_page(request, template, status=exc.status, error=str(exc)))


@login_required
@require_POST
def template_issue(request: HttpRequest, org_id: int, template_id: int) -> HttpResponse:
    template = _template(request, org_id, template_id)
    form = IssueForm(request.POST, org=template.organization)
    form.is_valid()
    chosen = list(form.cleaned_data.get("recipients") or []) or None
    return run_page_action(
        request, template, "issue", lambda t: services.template_issue(
            actor=request.user, template=t, recipients=chosen),
        done=_("The key tasks were issued. Each association adopts them in its plan."),
        refused=lambda exc: _template_page(request, template, status=exc.status, error=str(exc),
                                           issue_form=form))
