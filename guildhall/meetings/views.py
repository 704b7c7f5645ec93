from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guildhall.core.errors import DomainError
from guildhall.core.lines import line
from guildhall.kit import attachments
from guildhall.kit.actions import beside_field, form_page, run_page_action
from guildhall.meetings import queries, services
from guildhall.meetings.forms import (
    AttachmentForm,
    FollowUpForm,
    MeetingForm,
    ReasonForm,
    RulesForm,
)
from guildhall.meetings.minutes import attendee_line, minutes_docx
from guildhall.meetings.models import Meeting, MeetingRules
from guildhall.meetings.timeline import diff_rows, timeline
from guildhall.orgs.permissions import can, require
from guildhall.orgs.scoping import get_org_for_user
from guildhall.records import services as records

PAGE_SIZE = 30
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _meeting(request: HttpRequest, org_id: int, meeting_id: int) -> Meeting:
    meeting = queries.get_meeting_for_user(request.user, meeting_id, org_id)
    require(request.user, "meetings.view", meeting)
    return meeting


def _detail(request: HttpRequest, meeting: Meeting, *, status: int = 200, error: str = "",
            **forms: Any) -> HttpResponse:
    actions = meeting.available_actions(request.user)
    org = meeting.organization
    bound = forms.get("follow_up_form")
    follow_up_forms = []
    if "follow_up" in actions:
        members = list(services.members_of(org))
        for index, text in enumerate(meeting.conclusions or []):
            if bound is not None and bound.prefix == f"c{index}":
                form = bound
            else:
                form = FollowUpForm(members=members, prefix=f"c{index}", initial={
                    "title": text[:200], "revision": meeting.revision})
            follow_up_forms.append({"index": index, "text": text, "form": form})
    ctx = {
        "org": org, "meeting": meeting, "actions": actions, "error": error,
        "can_attach": "attach" in actions, "timeline": timeline(meeting),
        "attendees": attendee_line(meeting),
        "attachments": records.live_attachments(meeting),
        "follow_ups": services.follow_ups(meeting),
        "follow_up_forms": follow_up_forms, "plan_available": services.links.make_plan_item.available,
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
    }
    return render(request, "meetings/detail.html", ctx, status=status)


def _refused(request: HttpRequest, meeting: Meeting, **kept: Any) -> Callable[[DomainError], HttpResponse]:
    def page(exc: DomainError) -> HttpResponse:
        fresh = queries.get_meeting_for_user(request.user, meeting.pk, meeting.organization_id)
        return _detail(request, fresh, status=exc.status, error=beside_field(kept, exc), **kept)
    return page


# ---- the association's meetings, the supervisor's overview and rules --------------------

@login_required
@require_GET
def meeting_list(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "meetings.list", org)
    year = queries.parse_year(request.GET.get("year"))
    meetings = queries.association_meetings(org, year).order_by("-held_at", "-pk")
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    held, rules = queries.year_of(org, year)
    return render(request, "meetings/list.html", {
        "org": org, "page": page, "year": year, "years": queries.year_choices(),
        "query": f"year={year}", "held": held, "rules": rules, "held_by": rules.held_by(year),
        "behind": held < rules.minimum_per_year,
        "may_create": can(request.user, "meetings.create", org),
    })


@login_required
@require_GET
def meeting_overview(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "meetings.overview", org)
    year = queries.parse_year(request.GET.get("year"))
    page = Paginator(queries.associations_below(org, year), 50).get_page(request.GET.get("page"))
    # The sentences built here, not by `blocktranslate` fifty times (most of the page's time).
    held_text, by_text = _("Held %(held)s of at least %(minimum)s"), _("by %(date)s")
    rows = [{"org": o, "held": o.held, "minimum": o.minimum,
             "held_text": line(held_text, held=o.held, minimum=o.minimum),
             "by_text": line(by_text, date=queries.held_by(o, year).isoformat())} for o in page]
    return render(request, "meetings/overview.html", {
        "org": org, "page": page, "rows": rows, "year": year, "years": queries.year_choices(),
        "query": f"year={year}"})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_rules(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "meetings.rules", org)
    rules = MeetingRules.for_supervisor(org)
    form = RulesForm(request.POST or None, initial=RulesForm.initial_for(rules))
    return form_page(
        request, form,
        lambda: services.rules_update(actor=request.user, supervisor=org, data=form.cleaned_data),
        done=_("The rules were saved."), next_url=reverse("meetings:meeting_rules", args=[org.pk]),
        template="meetings/rules.html", context={"org": org, "rules": rules})


# ---- recording a meeting ----------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "meetings.create", org)
    form = MeetingForm(request.POST or None, org=org)
    return form_page(
        request, form,
        lambda: services.meeting_create(actor=request.user, org=org, data=form.model_data()),
        done=_("The meeting was saved. Once it has taken place, record it as held."),
        next_url=Meeting.get_absolute_url, template="meetings/form.html",
        context={"org": org, "meeting": None})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, org_id: int, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, org_id, meeting_id)
    require(request.user, "meetings.edit", meeting)
    org = meeting.organization
    form = MeetingForm(request.POST or None, org=org, initial=MeetingForm.initial_for(meeting))
    return form_page(
        request, form,
        lambda: services.meeting_update(actor=request.user, meeting=meeting, data=form.model_data(),
                                        revision=form.cleaned_data.get("revision")),
        done=_("Saved."), next_url=meeting.get_absolute_url(), template="meetings/form.html",
        context={"org": org, "meeting": meeting})


@login_required
@require_GET
def meeting_detail(request: HttpRequest, org_id: int, meeting_id: int) -> HttpResponse:
    return _detail(request, _meeting(request, org_id, meeting_id))


@login_required
@require_GET
def meeting_diff(request: HttpRequest, org_id: int, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, org_id, meeting_id)
    revisions = list(meeting.revisions.all())
    by_number = {r.number: r for r in revisions}
    a, b = _int(request.GET.get("a", max(meeting.revision - 1, 1))), _int(request.GET.get("b", meeting.revision))
    if a not in by_number or b not in by_number:
        a, b = revisions[0].number, revisions[-1].number
    return render(request, "meetings/diff.html", {
        "org": meeting.organization, "meeting": meeting, "revisions": revisions, "a": a, "b": b,
        "rows": diff_rows(by_number[a].snapshot, by_number[b].snapshot)})


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@login_required
@require_POST
def meeting_record(request: HttpRequest, org_id: int, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, org_id, meeting_id)
    return run_page_action(request, meeting, "record",
                           lambda m: services.meeting_record(actor=request.user, meeting=m),
                           done=_("The meeting was recorded as held."),
                           refused=_refused(request, meeting))


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, org_id: int, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, org_id, meeting_id)
    form = ReasonForm(request.POST)
    form.is_valid()
    return run_page_action(request, meeting, "cancel", lambda m: services.meeting_cancel(
        actor=request.user, meeting=m, reason=form.cleaned_data.get("reason", "")),
        done=_("The meeting was cancelled."), refused=_refused(request, meeting, reason_form=form))


@login_required
@require_POST
def meeting_follow_up(request: HttpRequest, org_id: int, meeting_id: int) -> HttpResponse:
    """Turn a conclusion into a task of the annual plan: the form of that conclusion is
    posted with its prefix (`c<n>-`)."""
    meeting = _meeting(request, org_id, meeting_id)
    prefix = request.POST.get("prefix", "")
    conclusion = int(prefix[1:]) if prefix[:1] == "c" and prefix[1:].isdigit() and len(prefix) < 5 else -1
    form = FollowUpForm(request.POST, members=list(services.members_of(meeting.organization)),
                        prefix=f"c{conclusion}")

    def run(m: Meeting) -> Any:
        if not form.is_valid():
            raise DomainError(_("Please correct the fields marked below."), "invalid")
        data = form.cleaned_data
        return services.meeting_follow_up(actor=request.user, meeting=m,
                                          conclusion=conclusion, title=data["title"],
                                          owner=data["owner"], due_date=data["due_date"],
                                          revision=data["revision"])

    return run_page_action(request, meeting, "follow_up", run,
                           done=_("The conclusion is now a task of the annual plan."),
                           refused=_refused(request, meeting, follow_up_form=form))


@login_required
@require_GET
def meeting_minutes(request: HttpRequest, org_id: int, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, org_id, meeting_id)
    response = HttpResponse(minutes_docx(meeting), content_type=DOCX)
    name = _("Minutes") + f"-{timezone.localtime(meeting.held_at):%Y%m%d}-{meeting.title[:40]}.docx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# ---- attachments ----------------------------------------------------------------------


record_pages = attachments.RecordPages(
    fetch=_meeting, page=_detail, form=AttachmentForm,
    attach=lambda request, meeting, data: services.attachment_add(
        actor=request.user, meeting=meeting, upload=data["file"]),
    detach=lambda request, meeting, attachment: services.attachment_remove(
        actor=request.user, meeting=meeting, attachment=attachment))
