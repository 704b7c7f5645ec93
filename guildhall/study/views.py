from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guildhall.core.errors import DomainError
from guildhall.core.lines import line
from guildhall.kit import attachments
from guildhall.kit import attendees as kit_attendees
from guildhall.kit.actions import beside_field, form_page, run_page_action, save_form
from guildhall.kit.decisions import Verdict, decision
from guildhall.lib import richtext
from guildhall.orgs.permissions import can, require
from guildhall.orgs.scoping import get_org_for_user
from guildhall.records import services as records
from guildhall.study import queries, services
from guildhall.study.forms import (
    ActivityForm,
    AdoptionForm,
    AttachmentForm,
    CodeForm,
    CodeRulesForm,
    CorrectionForm,
    MaterialForm,
    SessionForm,
    TopicForm,
    VersionForm,
)
from guildhall.study.models import (
    PENDING_VERSION,
    Acknowledgement,
    Code,
    CodeRules,
    CodeVersion,
    PlanTopic,
    StudySession,
    VersionStatus,
    adoption_steps,
)

PAGE_SIZE = 30


def _session(request: HttpRequest, org_id: int, session_id: int) -> StudySession:
    session = queries.get_session_for_user(request.user, session_id, org_id)
    require(request.user, "study.session.view", session)
    return session


def _session_page(request: HttpRequest, session: StudySession, *, status: int = 200,
                  error: str = "", **forms: Any) -> HttpResponse:
    actions = session.available_actions(request.user)
    return render(request, "study/session_detail.html", {
        "org": session.organization, "session": session, "actions": actions, "error": error,
        "can_attach": "attach" in actions,
        "attendees": "、".join(u.display_name for u in kit_attendees.by_name(session)),
        "attachments": records.live_attachments(session),
        "library_items": queries.session_library_items(request.user, session),
        "correction": queries.pending_correction(session),
        "timeline": records.timeline_items(
            session, revision_label=lambda r: _("Revision %(n)d") % {"n": r.number},
            revision_text=lambda r: ""),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
    }, status=status)


def _refused(request: HttpRequest, session: StudySession) -> Callable[[DomainError], HttpResponse]:
    def page(exc: DomainError) -> HttpResponse:
        fresh = queries.get_session_for_user(request.user, session.pk, session.organization_id)
        return _session_page(request, fresh, status=exc.status, error=str(exc))
    return page


# ---- sessions and the year's figures ----------------------------------------------------

@login_required
@require_GET
def session_list(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.list", org)
    year = queries.parse_year(request.GET.get("year"))
    sessions = StudySession.objects.filter(organization=org, held_at__year=year)
    page = Paginator(sessions.order_by("-held_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "study/session_list.html", {
        "org": org, "page": page, "year": year, "years": queries.year_choices(),
        "query": f"year={year}", "figures": queries.figures(org, year),
        "may_create": can(request.user, "study.create", org)})


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.create", org)
    form = SessionForm(request.POST or None, org=org)
    return form_page(
        request, form,
        lambda: services.session_create(actor=request.user, org=org, data=form.model_data()),
        done=_("The study session was saved. The principal confirms it."),
        next_url=StudySession.get_absolute_url, template="study/session_form.html",
        context={"org": org, "session": None})


def _session_change(action: str, form_class: type[SessionForm], change: Callable[..., Any],
                    done: Any, **extra: Any):
    """The form that edits a draft session or corrects a confirmed one."""
    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, org_id: int, session_id: int) -> HttpResponse:
        session = _session(request, org_id, session_id)
        require(request.user, f"study.session.{action}", session)
        org = session.organization
        form = form_class(request.POST or None, org=org, initial=SessionForm.initial_for(session))
        return form_page(
            request, form,
            lambda: change(actor=request.user, session=session, data=form.model_data(),
                           revision=form.cleaned_data.get("revision"),
                           **({"reason": form.cleaned_data.get("reason")}
                              if "reason" in form.fields else {})),
            done=str(done), next_url=session.get_absolute_url(),
            default_field="reason" if "reason" in form.fields else None,
            template="study/session_form.html", context={"org": org, "session": session, **extra})
    view.__name__ = f"session_{action}"
    return view


session_edit = _session_change("edit", SessionForm, services.session_update, gettext_lazy("Saved."))
#: Correct a confirmed session: a new revision with a reason, confirmed again.
session_correct = _session_change(
    "correct", CorrectionForm, services.session_correct,
    gettext_lazy("The correction was saved; the principal confirms the session again."),
    correcting=True)


@login_required
@require_GET
def session_detail(request: HttpRequest, org_id: int, session_id: int) -> HttpResponse:
    return _session_page(request, _session(request, org_id, session_id))


@login_required
@require_POST
def session_confirm(request: HttpRequest, org_id: int, session_id: int) -> HttpResponse:
    session = _session(request, org_id, session_id)
    return run_page_action(request, session, "confirm",
                           lambda s: services.session_confirm(actor=request.user, session=s),
                           done=_("The study session was confirmed."),
                           refused=_refused(request, session))





# ---- the supervisor's overview -------------------------------------------------------------

@login_required
@require_GET
def overview(request: HttpRequest, org_id: int) -> HttpResponse:
    """The figures and codes of every association below: names of associations only."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.overview", org)
    year = queries.parse_year(request.GET.get("year"))
    # Only the names are shown: whole rows sorted cost page 20 a millisecond more.
    page = Paginator(queries.associations_below(org).only("name"), 50).get_page(
        request.GET.get("page"))
    ids = [o.pk for o in page]
    figures, codes = queries.figures_by_org(ids, year), queries.code_standings(ids)
    texts = _overview_texts()
    rows = [{"org": o, "figures": figures[o.pk], "codes": codes[o.pk],
             **_overview_lines(figures[o.pk], codes[o.pk], texts)} for o in page]
    return render(request, "study/overview.html", {
        "org": org, "page": page, "rows": rows, "year": year, "years": queries.year_choices(),
        "query": f"year={year}"})


def _overview_texts() -> dict[str, str]:
    """The overview's sentences, translated once a page."""
    return {"study": _("%(n)s sessions · %(h)s hours · participation %(r)s"),
            "plan": _("%(n)s topics planned · %(held)s carried out · %(missed)s missed"),
            "code": _("%(title)s: version %(n)s, effective %(date)s, acknowledged %(rate)s"),
            "draft": _("%(title)s: not yet published")}


def _overview_lines(figures: queries.Figures, codes: list[dict[str, Any]],
                    texts: dict[str, str]) -> dict[str, Any]:
    """The overview's sentences of one association (`texts` from `_overview_texts`; `codes`
    from `queries.code_standings`), built here: fifty rows of three `blocktranslate` tags
    cost more than the page's queries."""
    return {
        "study_line": line(texts["study"], n=figures.sessions, h=figures.hours,
                           r=figures.participation_percent),
        "plan_line": line(texts["plan"], n=figures.planned, held=figures.planned_held,
                          missed=figures.missed),
        "code_lines": [{"published": True, "text": line(
            texts["code"], title=c["title"], n=c["number"], rate=c["rate"].percent,
            date=c["effective_date"].isoformat() if c["effective_date"] else "")}
            if c["published"] else {"published": False, "text": line(
                texts["draft"], title=c["title"])} for c in codes],
    }


# ---- codes of conduct ------------------------------------------------------------------------

def _code(request: HttpRequest, org_id: int, code_id: int) -> Code:
    code = queries.get_code_for_user(request.user, code_id, org_id)
    require(request.user, "study.code.view", code)
    return code


def _version(request: HttpRequest, org_id: int, version_id: int) -> CodeVersion:
    version = queries.get_version_for_user(request.user, version_id, org_id)
    require(request.user, "study.code.view", version.code)
    return version


@login_required
@require_GET
def code_list(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.list", org)
    codes = list(Code.objects.filter(organization=org))
    published = list(queries.published_versions([org.pk]))
    rates = queries.rates_by_version(published)
    current = {v.code_id: {"version": v, "rate": rates[v.pk]} for v in published}
    mine = set(Acknowledgement.objects.filter(
        user=request.user, version__in=published).values_list("version_id", flat=True))
    return render(request, "study/code_list.html", {
        "org": org, "rows": [{"code": c, **current.get(c.pk, {})} for c in codes],
        "mine": mine, "may_create": can(request.user, "study.create", org),
        "adoption_steps": adoption_steps(CodeRules.roles_for(org)),
        "may_set_steps": can(request.user, "study.code.rules", org)})


@login_required
@require_http_methods(["GET", "POST"])
def code_new(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.create", org)
    form = CodeForm(request.POST or None)
    return form_page(
        request, form,
        lambda: services.code_create(actor=request.user, org=org, data=form.cleaned_data),
        done=_("The code was saved as a draft version; submit it for adoption when it is ready."),
        next_url=Code.get_absolute_url, template="study/code_form.html", context={"org": org})


@login_required
@require_GET
def code_detail(request: HttpRequest, org_id: int, code_id: int) -> HttpResponse:
    code = _code(request, org_id, code_id)
    versions = list(code.versions.select_related("adopted_by", "published_by"))
    return render(request, "study/code_detail.html", {
        "org": code.organization, "code": code, "versions": versions,
        "may_new_version": can(request.user, "study.code.new_version", code)
        and not any(v.status in PENDING_VERSION for v in versions),
        "timeline": records.timeline_items(
            code, revision_label=lambda r: _("Version %(n)d") % {"n": r.number},
            revision_text=lambda r: "")})


@login_required
@require_GET
def code_diff(request: HttpRequest, org_id: int, code_id: int) -> HttpResponse:
    code = _code(request, org_id, code_id)
    revisions = list(code.revisions.order_by("number"))
    by_number = {r.number: r for r in revisions}
    a, b = _int(request.GET.get("a", max(code.revision - 1, 1))), _int(request.GET.get("b", code.revision))
    if revisions and (a not in by_number or b not in by_number):
        a, b = revisions[0].number, revisions[-1].number
    if not revisions:  # a code loaded without its history (scale data): nothing to compare
        return render(request, "study/code_diff.html", {
            "org": code.organization, "code": code, "revisions": [], "a": a, "b": b, "rows": []})
    labels = {"body": _("Text"), "effective_date": _("Effective date")}
    old, new = by_number[a].snapshot, by_number[b].snapshot
    rows = [{"label": labels[n], "old": old.get(n, ""), "new": new.get(n, "")}
            for n in labels if n != "body" and old.get(n) != new.get(n)]
    # The text paragraph by paragraph, as words (not HTML).
    text_rows = richtext.side_by_side(richtext.plain_text(old.get("body", "")),
                                      richtext.plain_text(new.get("body", "")))
    return render(request, "study/code_diff.html", {
        "org": code.organization, "code": code, "revisions": revisions, "a": a, "b": b,
        "rows": rows, "text_rows": text_rows, "hide_empty": True})


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@login_required
@require_http_methods(["GET", "POST"])
def version_new(request: HttpRequest, org_id: int, code_id: int) -> HttpResponse:
    code = _code(request, org_id, code_id)
    require(request.user, "study.code.new_version", code)
    latest = code.versions.order_by("-number").first()
    form = VersionForm(request.POST or None, initial=VersionForm.initial_for(latest) if latest else None)
    return form_page(
        request, form,
        lambda: services.version_new(actor=request.user, code=code, data=form.cleaned_data),
        done=_("The new version was saved as a draft; submit it for adoption when it is ready."),
        next_url=CodeVersion.get_absolute_url, template="study/version_form.html",
        context=lambda: {"org": code.organization, "code": code, "version": None})


def _version_page(request: HttpRequest, version: CodeVersion, *, status: int = 200,
                  error: str = "", form: AdoptionForm | None = None) -> HttpResponse:
    org = version.organization
    rate = who = None
    acknowledged = None
    if version.status == VersionStatus.PUBLISHED:
        [current] = list(queries.published_versions([org.pk]).filter(pk=version.pk)) or [None]
        rate = queries.rates_by_version([current])[current.pk] if current else None
        if can(request.user, "study.code.who", org):
            who = list(queries.not_acknowledged(version))
    acknowledged = Acknowledgement.objects.filter(version=version, user=request.user).first()
    actions = version.available_actions(request.user) - ({"acknowledge"} if acknowledged else set())
    return render(request, "study/version_detail.html", {
        "org": org, "version": version, "code": version.code, "error": error,
        "actions": actions, "rate": rate, "who": who, "acknowledged": acknowledged,
        "body": richtext.sanitize(version.body), **_adoption(version, actions, form)},
        status=status)


def _adoption(version: CodeVersion, actions: set[str],
              form: AdoptionForm | None) -> dict[str, Any]:
    """The adoption steps of the version's round and their decisions; the latest return at
    the top while it is a draft again."""
    from guildhall.reviews import services as reviews

    steps = version.review_steps() if version.review_round else []
    decisions = list(reviews.decisions_for(version, round=version.review_round)) \
        if version.review_round else []
    by_step = {d.step: d for d in decisions}
    current = reviews.current_step(version, steps, decisions) if version.is_under_review() else None
    adopting = current is not None and current.position == len(steps)
    return {
        "steps": [{"step": s, "decision": by_step.get(s.position),
                   "current": current is not None and s.position == current.position}
                  for s in steps],
        "refusal": reviews.last_refusal(version) if version.status == VersionStatus.DRAFT else None,
        "adoption": decision(actions, [
            Verdict("adopt", _("Adopt this version") if adopting else _("Approve this step"),
                    "adopt-version"),
            Verdict("adopt", _("Return for revision"), "return-version", style="secondary",
                    url=reverse("study:version_return", args=(version.organization_id,
                                                              version.pk))),
        ], url=reverse("study:version_adopt", args=(version.organization_id, version.pk)),
            form=form or AdoptionForm(initial={"revision": version.revision}),
            form_id="adoption-form", in_page=False),
    }


@login_required
@require_GET
def version_detail(request: HttpRequest, org_id: int, version_id: int) -> HttpResponse:
    return _version_page(request, _version(request, org_id, version_id))


@login_required
@require_http_methods(["GET", "POST"])
def version_edit(request: HttpRequest, org_id: int, version_id: int) -> HttpResponse:
    version = _version(request, org_id, version_id)
    require(request.user, "study.version.edit", version)
    form = VersionForm(request.POST or None, initial=VersionForm.initial_for(version))
    return form_page(
        request, form,
        lambda: services.version_update(actor=request.user, version=version, data=form.cleaned_data),
        done=_("Saved."), next_url=version.get_absolute_url(), template="study/version_form.html",
        context=lambda: {"org": version.organization, "code": version.code, "version": version})


def _version_action(action: str, run: Callable[..., Any], done: str):
    @login_required
    @require_POST
    def view(request: HttpRequest, org_id: int, version_id: int) -> HttpResponse:
        version = _version(request, org_id, version_id)

        def refused(exc: DomainError) -> HttpResponse:
            return _version_page(request, _version(request, org_id, version_id),
                                 status=exc.status, error=beside_field({}, exc))
        return run_page_action(request, version, action,
                               lambda v: run(actor=request.user, version=v), done=str(done),
                               refused=refused)
    view.__name__ = f"version_{action}"
    return view


version_submit = _version_action("submit", services.version_submit,
                                 gettext_lazy("The version was submitted for adoption."))


def _decision(action: str, run: Callable[..., Any], done: Any):
    """Decide the current adoption step from the version's page, with the comment."""
    @login_required
    @require_POST
    def view(request: HttpRequest, org_id: int, version_id: int) -> HttpResponse:
        version = _version(request, org_id, version_id)
        form = AdoptionForm(request.POST)
        form.is_valid()
        data = form.cleaned_data

        def refused(exc: DomainError) -> HttpResponse:
            return _version_page(request, _version(request, org_id, version_id), form=form,
                                 status=exc.status, error=beside_field({"form": form}, exc))
        return run_page_action(
            request, version, action,
            lambda v: run(actor=request.user, version=v, comment=data.get("comment") or "",
                          revision=data.get("revision")),
            done=str(done), refused=refused)
    view.__name__ = f"version_{action}"
    return view


version_adopt = _decision("adopt", services.version_adopt,
                          gettext_lazy("Your decision was recorded."))
version_return = _decision("return", services.version_return,
                           gettext_lazy("The version was returned for revision."))


version_publish = _version_action("publish", services.version_publish,
                                  gettext_lazy("The version was published to the members."))
version_acknowledge = _version_action("acknowledge", services.acknowledge,
                                      gettext_lazy("Thank you: your acknowledgement was recorded."))


@login_required
@require_http_methods(["GET", "POST"])
def code_rules(request: HttpRequest, org_id: int) -> HttpResponse:
    """The association's adoption steps: the administrator sets those before the principal."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.code.rules", org)
    form = CodeRulesForm(request.POST or None, initial=CodeRulesForm.initial_for(org))
    return form_page(
        request, form,
        lambda: services.rules_update(actor=request.user, org=org, steps_before=form.steps_before()),
        done=_("The adoption steps were saved; versions submitted from now on pass them."),
        next_url=reverse("study:code_list", args=[org.pk]), default_field="step_1",
        template="study/code_rules.html",
        context=lambda: {"org": org, "steps": adoption_steps(CodeRules.roles_for(org))})


# ---- the study plan ---------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, org_id: int) -> HttpResponse:
    """The year's study plan by month; its writers add topics on the same page."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.list", org)
    year = queries.parse_year(request.GET.get("year"))
    may_edit = can(request.user, "study.plan_edit", org)
    if request.method == "POST":
        require(request.user, "study.plan_edit", org)
    form = TopicForm(request.POST or None, org=org) if may_edit else None
    saved = form is not None and save_form(
        request, form,
        lambda: services.topic_create(actor=request.user, org=org,
                                      data={**form.cleaned_data, "year": year}),
        done=_("The topic was added to the plan."),
        next_url=lambda t: t.get_absolute_url())
    return saved or render(request, "study/plan.html", {
        "org": org, "year": year, "years": queries.year_choices(), "form": form,
        "topics": queries.plan_topics(org, year), "figures": queries.figures(org, year)},
        status=400 if form is not None and form.errors else 200)


@login_required
@require_POST
def topic_delete(request: HttpRequest, org_id: int, topic_id: int) -> HttpResponse:
    from django.contrib import messages
    from django.shortcuts import redirect

    from guildhall.orgs.scoping import get_for_user

    topic = get_for_user(request.user, PlanTopic.objects.select_related("organization"),
                         topic_id, org_id)
    require(request.user, "study.list", topic.organization)
    require(request.user, "study.plan_edit", topic.organization)
    url = topic.get_absolute_url()
    try:
        services.topic_delete(actor=request.user, topic=topic)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(url)
    messages.success(request, _("The topic was taken out of the plan."))
    return redirect(url)


# ---- the materials library ----------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def library(request: HttpRequest, org_id: int) -> HttpResponse:
    """The library: the organization's materials and those shared from above; search by
    title and tag. Those who may share add a material on the same page."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.library", org)
    may_share = can(request.user, "study.library_edit", org)
    if request.method == "POST":
        require(request.user, "study.library_edit", org)
    form = MaterialForm(request.POST or None, request.FILES or None) if may_share else None
    saved = form is not None and save_form(
        request, form,
        lambda: services.material_create(actor=request.user, org=org, data=form.cleaned_data,
                                         upload=form.cleaned_data.get("file")),
        done=_("The material was shared."), next_url=lambda m: m.get_absolute_url())
    q = (request.GET.get("q") or "")[:100]
    page = Paginator(queries.library(org, q), PAGE_SIZE).get_page(request.GET.get("page"))
    return saved or render(request, "study/library.html", {
        "org": org, "page": page, "q": q, "form": form, "query": f"q={q}"},
        status=400 if form is not None and form.errors else 200)


def _material(request: HttpRequest, org_id: int, material_id: int) -> Any:
    material = queries.get_material_for_user(request.user, material_id, org_id)
    require(request.user, "study.material.view", material)
    return material


def _material_page(request: HttpRequest, material: Any, *, status: int = 200, error: str = "",
                   attachment_form: Any = None) -> HttpResponse:
    actions = material.available_actions(request.user)
    return render(request, "study/material_detail.html", {
        "org": material.organization, "material": material, "actions": actions, "error": error,
        "can_attach": "attach" in actions, "attachments": records.live_attachments(material),
        "attachment_form": attachment_form or AttachmentForm()}, status=status)


@login_required
@require_GET
def material_detail(request: HttpRequest, org_id: int, material_id: int) -> HttpResponse:
    return _material_page(request, _material(request, org_id, material_id))


@login_required
@require_POST
def material_delete(request: HttpRequest, org_id: int, material_id: int) -> HttpResponse:
    from django.contrib import messages
    from django.shortcuts import redirect

    from guildhall.kit.actions import audited

    material = _material(request, org_id, material_id)
    try:
        audited(request.user, material, "delete",
                lambda: services.material_delete(actor=request.user, material=material))
    except DomainError as exc:
        return _material_page(request, material, status=exc.status, error=str(exc))
    messages.success(request, _("The material was taken out of the library."))
    return redirect("study:library", org_id)





# ---- education activities -----------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def activity_list(request: HttpRequest, org_id: int) -> HttpResponse:
    from guildhall.study.models import Activity

    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.list", org)
    may_create = can(request.user, "study.create", org)
    if request.method == "POST":
        require(request.user, "study.create", org)
    form = ActivityForm(request.POST or None, org=org) if may_create else None
    saved = form is not None and save_form(
        request, form,
        lambda: services.activity_create(actor=request.user, org=org, data=form.cleaned_data),
        done=_("The activity was recorded."), next_url=lambda a: a.get_absolute_url())
    year = queries.parse_year(request.GET.get("year"))
    page = Paginator(Activity.objects.filter(organization=org, date__year=year).order_by(
        "-date", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return saved or render(request, "study/activity_list.html", {
        "org": org, "page": page, "year": year, "years": queries.year_choices(), "form": form,
        "query": f"year={year}"}, status=400 if form is not None and form.errors else 200)


def _activity(request: HttpRequest, org_id: int, activity_id: int) -> Any:
    from guildhall.orgs.scoping import get_for_user
    from guildhall.study.models import Activity

    activity = get_for_user(request.user, Activity.objects.select_related("organization"),
                            activity_id, org_id)
    require(request.user, "study.activity.view", activity)
    return activity


def _activity_page(request: HttpRequest, activity: Any, *, status: int = 200, error: str = "",
                   attachment_form: Any = None) -> HttpResponse:
    from guildhall.kit import links

    actions = activity.available_actions(request.user)
    return render(request, "study/activity_detail.html", {
        "org": activity.organization, "activity": activity, "actions": actions, "error": error,
        "can_attach": "attach" in actions, "attachments": records.live_attachments(activity),
        "links": links.described(activity), "attachment_form": attachment_form or AttachmentForm()},
        status=status)


@login_required
@require_GET
def activity_detail(request: HttpRequest, org_id: int, activity_id: int) -> HttpResponse:
    return _activity_page(request, _activity(request, org_id, activity_id))


@login_required
@require_POST
def activity_delete(request: HttpRequest, org_id: int, activity_id: int) -> HttpResponse:
    from django.contrib import messages
    from django.shortcuts import redirect

    from guildhall.kit.actions import audited

    activity = _activity(request, org_id, activity_id)
    try:
        audited(request.user, activity, "delete",
                lambda: services.activity_delete(actor=request.user, activity=activity))
    except DomainError as exc:
        return _activity_page(request, activity, status=exc.status, error=str(exc))
    messages.success(request, _("The activity was deleted."))
    return redirect("study:activity_list", org_id)


# ---- files of sessions, library materials and activities ----------------------------------

session_pages = attachments.RecordPages(
    fetch=_session, page=_session_page, form=AttachmentForm, inline_images=True,
    attach=lambda request, session, data: services.attachment_add(
        actor=request.user, session=session, upload=data["file"]),
    detach=lambda request, session, attachment: services.attachment_remove(
        actor=request.user, session=session, attachment=attachment))

material_pages = attachments.RecordPages(
    fetch=_material, page=_material_page, form=AttachmentForm,
    attach=lambda request, material, data: services.material_attach(
        actor=request.user, material=material, upload=data["file"]),
    detach=lambda request, material, attachment: services.material_detach(
        actor=request.user, material=material, attachment=attachment))

activity_pages = attachments.RecordPages(
    fetch=_activity, page=_activity_page, form=AttachmentForm, inline_images=True,
    attach=lambda request, activity, data: services.activity_attach(
        actor=request.user, activity=activity, upload=data["file"]),
    detach=lambda request, activity, attachment: services.activity_detach(
        actor=request.user, activity=activity, attachment=attachment))
