from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from guildhall.core.errors import DomainError
from guildhall.core.lines import add_labels, labelled
from guildhall.kit import attachments
from guildhall.kit.actions import beside_field, form_page, run_page_action
from guildhall.kit.decisions import Verdict, decision
from guildhall.kit.pages import GET_POST, object_page, org_page, viewable
from guildhall.lib import richtext
from guildhall.orgs.permissions import can, require
from guildhall.orgs.scoping import get_org_for_user
from guildhall.publications import queries, services
from guildhall.publications.forms import (
    AttachmentForm,
    ChannelForm,
    PublicationForm,
    PublishedForm,
    ReasonForm,
    ReviewForm,
    SettingsForm,
)
from guildhall.publications.models import (
    Channel,
    ChannelStatus,
    ConfidentialTerm,
    Publication,
    PublicationSettings,
    Status,
)
from guildhall.records import services as records
from guildhall.reviews import services as reviews

PAGE_SIZE = 30


# ---- channels ----------------------------------------------------------------------

_channel = viewable(queries.get_channel_for_user, "channels.view")


@login_required
@require_GET
def channel_list(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "publications.list", org)
    channels = Channel.objects.filter(organization=org).select_related("responsible_person")
    page = Paginator(channels.order_by("status", "type", "name", "pk"), 50).get_page(
        request.GET.get("page"))
    return render(request, "publications/channel_list.html", {
        "org": org, "page": page, "may_create": can(request.user, "channels.create", org)})


@org_page("channels.create", methods=GET_POST)
def channel_new(request: HttpRequest, org: Any) -> HttpResponse:
    form = ChannelForm(request.POST or None, org=org, initial=ChannelForm.initial_for(None))
    return form_page(
        request, form,
        lambda: services.channel_create(actor=request.user, org=org, data=form.model_data()),
        done=_("The channel was added."), next_url=Channel.get_absolute_url, default_field="step_1",
        template="publications/channel_form.html", context={"org": org})


def _channel_page(request: HttpRequest, channel: Channel, *, status: int = 200,
                  reason_form: ReasonForm | None = None, error: str = "") -> HttpResponse:
    publications = queries.with_channels(channel.publications.order_by("-planned_at", "-pk"))[:20]
    return render(request, "publications/channel_detail.html", {
        "org": channel.organization, "channel": channel, "publications": publications,
        "pauses": channel.pauses.select_related("paused_by", "resumed_by")[:20],
        "paused": [channel] if channel.is_paused else [],
        "may_edit": can(request.user, "channels.edit", channel),
        "may_pause": can(request.user, "channels.pause", channel),
        "may_resume": can(request.user, "channels.resume", channel),
        "reason_form": reason_form or ReasonForm(), "error": error}, status=status)


@login_required
@require_GET
def channel_detail(request: HttpRequest, org_id: int, channel_id: int) -> HttpResponse:
    return _channel_page(request, _channel(request, org_id, channel_id))


@object_page(_channel, "channels.edit", methods=GET_POST)
def channel_edit(request: HttpRequest, channel: Channel) -> HttpResponse:
    org = channel.organization
    form = ChannelForm(request.POST or None, org=org, initial=ChannelForm.initial_for(channel))

    def save() -> Channel:
        data = form.model_data()
        if not channel.is_paused:
            data["status"] = ChannelStatus.CLOSED if form.cleaned_data["closed"] else \
                ChannelStatus.ACTIVE
        return services.channel_update(actor=request.user, channel=channel, data=data)

    return form_page(request, form, save, done=_("Saved."), next_url=channel.get_absolute_url(),
                     default_field="step_1", template="publications/channel_form.html",
                     context=lambda: {"org": org, "channel": channel,
                                      "paused": [channel] if channel.is_paused else []})


def _channel_action(request: HttpRequest, org_id: int, channel_id: int, action: str,
                    run: Callable[[Channel], Any], done: str) -> HttpResponse:
    channel = _channel(request, org_id, channel_id)
    require(request.user, "channels.edit", channel)
    try:
        run(channel)
    except DomainError as exc:
        # Shown on the channel's page, beside the reason, with the form kept open and
        # what was typed kept (a redirect would fold the form away again).
        form = ReasonForm(request.POST)
        form.is_valid()
        error = beside_field({"reason": form}, exc)
        fresh = _channel(request, org_id, channel_id)
        return _channel_page(request, fresh, status=exc.status, reason_form=form, error=error)
    messages.success(request, done)
    return redirect("publications:channel_detail", channel.organization_id, channel.pk)


@login_required
@require_POST
def channel_pause(request: HttpRequest, org_id: int, channel_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _channel_action(request, org_id, channel_id, "pause", lambda c: services.channel_pause(
        actor=request.user, channel=c, reason=reason),
        _("The channel is paused. The supervising body was told."))


@login_required
@require_POST
def channel_resume(request: HttpRequest, org_id: int, channel_id: int) -> HttpResponse:
    note = request.POST.get("reason", "")
    return _channel_action(request, org_id, channel_id, "resume", lambda c: services.channel_resume(
        actor=request.user, channel=c, note=note),
        _("The channel is active again. The supervising body was told."))


# ---- lists -----------------------------------------------------------------------

def _params(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "") for k in ("channel", "status", "month", "findings", "q")}


def _labelled(page: Any) -> Any:
    """The page with each row's state name, translated once for the page."""
    add_labels(page, status=Status)
    return page


@login_required
@require_GET
def publication_list(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "publications.list", org)
    params = _params(request)
    qs = queries.with_channels(Publication.objects.filter(organization=org))
    qs = queries.filter_publications(qs, params).order_by("-planned_at", "-pk")
    page = _labelled(Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")))
    return render(request, "publications/list.html", {
        "org": org, "page": page, "params": params,
        "query": urlencode({k: v for k, v in params.items() if v}),
        "statuses": Status.choices, "channels": Channel.objects.filter(organization=org)
        .order_by("name", "pk"), "paused": list(queries.paused_channels_of(org)),
        "may_create": can(request.user, "publications.create", org)})


@login_required
@require_GET
def publication_waiting(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "publications.waiting", org)
    qs = queries.with_channels(queries.waiting_for(request.user, org))
    page = _labelled(Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")))
    return render(request, "publications/waiting.html", {"org": org, "page": page, "query": ""})


# ---- writing -------------------------------------------------------------------------

@org_page("publications.create", methods=GET_POST)
def publication_new(request: HttpRequest, org: Any) -> HttpResponse:
    form = PublicationForm(request.POST or None, org=org,
                           initial=PublicationForm.initial_for(None))
    return form_page(
        request, form,
        lambda: services.publication_create(actor=request.user, org=org, data=form.model_data()),
        done=_("The draft was saved. Submit it for review when it is ready."),
        next_url=Publication.get_absolute_url, template="publications/form.html",
        context=lambda: {"org": org, "publication": None,
                         "paused": list(queries.paused_channels_of(org))})


_publication = viewable(queries.get_publication_for_user, "publications.view")


@object_page(_publication, "publications.edit", methods=GET_POST)
def publication_edit(request: HttpRequest, publication: Publication) -> HttpResponse:
    org = publication.organization
    current = publication.revisions.get(number=publication.revision)
    form = PublicationForm(request.POST or None, org=org,
                           initial=PublicationForm.initial_for(publication, current.snapshot["body"]))
    return form_page(
        request, form,
        lambda: services.publication_revise(actor=request.user, publication=publication,
                                            data=form.model_data(),
                                            revision=form.cleaned_data.get("revision")),
        done=_("Saved as a new revision."), next_url=publication.get_absolute_url(),
        template="publications/form.html",
        context=lambda: {"org": org, "publication": publication,
                         "paused": services.paused_channels(publication)})


# ---- the publication page ------------------------------------------------------------

def timeline(publication: Publication) -> list[dict[str, Any]]:
    """Return the publication's revisions, history entries and review decisions."""
    decisions = [{"at": d.decided_at, "kind": f"decision-{d.verdict}",
                  "label": labelled(d.step_name, d.get_verdict_display()), "actor": d.reviewer,
                  "revision": d.revision, "text": d.comment}
                 for d in reviews.decisions_for(publication)]
    return records.timeline_items(
        publication, extra=decisions,
        revision_label=lambda rev: _("Revision %(n)d") % {"n": rev.number})


def _review(publication: Publication, actions: Any, step: Any, form: Any) -> Any:
    """The reviewer's form of the publication page: one URL, the verdict named by the button."""
    def verdict(value: str, label: str, style: str = "") -> Verdict:
        return Verdict("review", label, f"review-{value}", name="verdict", value=value,
                       style=style)

    return decision(actions, [
        verdict("pass", _("Pass")),
        verdict("return", _("Return to the author"), "secondary"),
        verdict("reject", _("Reject"), "secondary outline"),
    ], url=reverse("publications:publication_review", args=(
        publication.organization_id, publication.pk)), form=form,
        title=_("Your review: %(step)s") % {"step": step.name if step else ""},
        note=_("on revision %(n)s") % {"n": publication.revision},
        form_id="review-form", article_id="review")


def _detail(request: HttpRequest, publication: Publication, *, status: int = 200,
            error: str = "", **forms: Any) -> HttpResponse:
    current = publication.revisions.select_related("created_by").get(number=publication.revision)
    findings, removed = records.current_and_removed_findings(
        publication, scanned=publication.scanned_revision == publication.revision)
    steps = publication.review_steps()
    actions = publication.available_actions(request.user)
    current_step = reviews.current_step(publication, steps) if publication.is_under_review() \
        else None
    body = records.mark_findings(richtext.sanitize(current.snapshot["body"]), findings,
                                 reveal=services.reveals_found_values(publication, request.user))
    ctx = {
        "org": publication.organization, "publication": publication, "error": error,
        "actions": actions, "revision": current,
        "body": body, "preview_body": records.without_anchors(body),
        "findings": findings,
        "removed_findings": removed,
        "revisions": publication.revisions.select_related("created_by"),
        "decisions": reviews.decisions_for(publication),
        "refusal": reviews.last_refusal(publication) if publication.status in (
            Status.RETURNED, Status.REJECTED) else None,
        "timeline": timeline(publication),
        "steps": steps if publication.review_round else [],
        "current_step": current_step,
        "channels": publication.channels.order_by("pk"),
        "paused": services.paused_channels(publication),
        "attachments": records.live_attachments(publication),
        "can_attach": "attach" in actions,
        "can_acknowledge": "acknowledge_finding" in actions,
        "placements": publication.placements.select_related("channel", "recorded_by"),
        "review": _review(publication, actions, current_step, forms.get("review_form") or ReviewForm(
            initial={"revision": publication.revision})),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "published_form": forms.get("published_form") or PublishedForm(publication=publication),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
    }
    return render(request, "publications/detail.html", ctx, status=status)


@login_required
@require_GET
def publication_detail(request: HttpRequest, org_id: int, publication_id: int) -> HttpResponse:
    return _detail(request, _publication(request, org_id, publication_id))


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
@require_GET
def publication_diff(request: HttpRequest, org_id: int, publication_id: int) -> HttpResponse:
    publication = _publication(request, org_id, publication_id)
    revisions = {r.number: r for r in publication.revisions.all()}
    b = _int(request.GET.get("b"), publication.revision)
    a = _int(request.GET.get("a"), max(b - 1, 1))
    if a not in revisions or b not in revisions:
        a, b = max(publication.revision - 1, 1), publication.revision
    old, new = revisions[a].snapshot, revisions[b].snapshot
    old_body, new_body = richtext.plain_text(old["body"]), richtext.plain_text(new["body"])
    old_title, new_title = old["title"], new["title"]
    if not services.reveals_found_values(publication, request.user):
        terms = services.org_terms(publication.organization_id)
        old_body, new_body, old_title, new_title = (
            services.masked_for_readers(text, terms)
            for text in (old_body, new_body, old_title, new_title))
    fields = []
    for label, x, y in (
            (_("Title"), old_title, new_title),
            (_("Planned publication time"), old["planned_at"], new["planned_at"]),
            (_("Channels"), "、".join(old["channel_names"]), "、".join(new["channel_names"])),
            (_("Must be cleared with the superior body"), _("yes") if old["needs_supervisor"]
             else _("no"), _("yes") if new["needs_supervisor"] else _("no")),
            (_("Attachments"), "、".join(x["name"] for x in old["attachments"]),
             "、".join(x["name"] for x in new["attachments"]))):
        if x != y:
            fields.append({"label": label, "old": x, "new": y})
    return render(request, "publications/diff.html", {
        "org": publication.organization, "publication": publication,
        "revisions": list(revisions.values()), "a": a, "b": b, "fields": fields,
        "rows": richtext.side_by_side(old_body, new_body),
        "paused": services.paused_channels(publication)})


def _act(request: HttpRequest, org_id: int, publication_id: int, action: str,
         run: Callable[[Publication], Any], done: str, form_name: str = "",
         form: Any = None) -> HttpResponse:
    """Authorize and run one action from the publication page; show refusals on the page."""
    def refused(exc: DomainError) -> HttpResponse:
        fresh = queries.get_publication_for_user(request.user, publication_id, org_id)
        kept = {form_name: form} if form_name and form is not None else {}
        return _detail(request, fresh, status=exc.status, error=beside_field(kept, exc), **kept)

    return run_page_action(request, _publication(request, org_id, publication_id), action, run,
                           done=done, refused=refused)


@login_required
@require_POST
def publication_submit(request: HttpRequest, org_id: int, publication_id: int) -> HttpResponse:
    return _act(request, org_id, publication_id, "submit", lambda p: services.publication_submit(
        actor=request.user, publication=p), _("Submitted for review. The checker has read it."))


@login_required
@require_POST
def publication_review(request: HttpRequest, org_id: int, publication_id: int) -> HttpResponse:
    form = ReviewForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    verdict = request.POST.get("verdict", "")
    done = {"pass": _("Your decision was recorded: passed."),
            "return": _("Returned to the author with your comment."),
            "reject": _("The publication was rejected.")}.get(verdict, "")
    return _act(request, org_id, publication_id, "review", lambda p: services.publication_review(
        actor=request.user, publication=p, verdict=verdict, comment=data.get("comment") or "",
        revision=data.get("revision") or -1), done, "review_form", form)


@login_required
@require_POST
def publication_published(request: HttpRequest, org_id: int, publication_id: int) -> HttpResponse:
    publication = _publication(request, org_id, publication_id)
    form = PublishedForm(request.POST, publication=publication)

    def run(p: Publication) -> None:
        if not form.is_valid():
            raise DomainError(_("Please correct the fields marked below."), "invalid")
        services.publication_record_published(actor=request.user, publication=p, **form.cleaned_data)

    return _act(request, org_id, publication_id, "record_published", run,
                _("Recorded as published."), "published_form", form)


@login_required
@require_POST
def publication_withdraw(request: HttpRequest, org_id: int, publication_id: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    form.is_valid()
    reason = getattr(form, "cleaned_data", {}).get("reason", "")
    return _act(request, org_id, publication_id, "withdraw", lambda p: services.publication_withdraw(
        actor=request.user, publication=p, reason=reason),
        _("The withdrawal was recorded."), "reason_form", form)


# ---- attachments and findings ------------------------------------------------------------

record_pages = attachments.RecordPages(
    fetch=_publication, page=_detail, form=AttachmentForm,
    attach=lambda request, publication, data: services.attachment_add(
        actor=request.user, publication=publication, upload=data["file"]),
    detach=lambda request, publication, attachment: services.attachment_remove(
        actor=request.user, publication=publication, attachment=attachment),
    accept=lambda request, publication, finding, reason: services.publication_acknowledge_finding(
        actor=request.user, publication=publication, finding=finding, reason=reason),
    attached=gettext_lazy("The file was attached (a new revision)."),
    removed=gettext_lazy("The file was removed (a new revision)."),
    inline_images=True)  # images are shown on the page


# ---- settings ----------------------------------------------------------------------------

@org_page("publications.settings", methods=GET_POST)
def publication_settings(request: HttpRequest, org: Any) -> HttpResponse:
    conf = PublicationSettings.of(org)
    terms = "\n".join(ConfidentialTerm.objects.filter(organization=org).values_list("term",
                                                                                   flat=True))
    form = SettingsForm(request.POST or None, initial={"terms": terms,
                                                       "review_days": conf.review_days})
    return form_page(
        request, form,
        lambda: services.terms_update(actor=request.user, org=org, terms=form.term_list(),
                                      review_days=form.cleaned_data["review_days"]),
        done=_("The settings were saved."),
        next_url=reverse("publications:publication_settings", args=[org.pk]),
        default_field="review_days", template="publications/settings.html", context={"org": org})

