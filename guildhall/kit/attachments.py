"""The record pages every module has, for an object already fetched through the module's
scoping helper: upload, download and remove a file, acknowledge a checker finding. Each
authorizes with the object's rules (`kit.workflow.authorize`) and calls the module's
service, so the page does what the API does.

A module whose object page shows the files and findings declares them once as
`RecordPages` (how to fetch the object, its page, its services and messages); its
`urls.py` adds `kit.urls.record_patterns(prefix, pages)`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from guildhall.core.errors import DomainError
from guildhall.core.uploads import stored_file_response
from guildhall.kit.actions import audited, run_page_action
from guildhall.kit.workflow import authorize
from guildhall.records.queries import get_attachment_of, get_finding_of


def upload(request: HttpRequest, obj: Any, form: Any, add: Callable[[Any], Any], *, done: str,
           page: Callable[[Any], HttpResponse]) -> HttpResponse:
    """Attach the form's file with `add(cleaned_data)`. The person's right is checked before
    the form (a wrong role is 403, audited); a refusal is shown beside the file field on the
    object's page (`page(form)`)."""
    status = 400
    try:
        authorize(request.user, "attach", obj)
        if form.is_valid():
            audited(request.user, obj, "attach", lambda: add(form.cleaned_data))
            messages.success(request, done)
            return redirect(obj.get_absolute_url())
    except DomainError as exc:
        form.is_valid()
        form.add_error("file" if exc.field in (None, "file") else None, str(exc))
        status = exc.status
    response = page(form)
    response.status_code = status
    return response


def download(obj: Any, attachment_id: int, *, inline_images: bool = False) -> HttpResponse:
    """Send one of the object's files (also a removed one: earlier revisions show it) as a
    download; an image inline when the page shows it (its type was checked from its
    content on upload)."""
    attachment = get_attachment_of(obj, attachment_id)
    inline = inline_images and attachment.is_image
    return stored_file_response(
        attachment, content_type=attachment.content_type if inline else "application/octet-stream",
        disposition=content_disposition_header(not inline, attachment.original_name))


def remove(request: HttpRequest, obj: Any, attachment_id: int,
           detach: Callable[[Any, Any], Any], *, done: str,
           refused: Callable[[DomainError], HttpResponse]) -> HttpResponse:
    attachment = get_attachment_of(obj, attachment_id, live=True)
    return run_page_action(request, obj, "attach", lambda o: detach(o, attachment), done=done,
                           refused=refused)


def acknowledge(request: HttpRequest, obj: Any, finding_id: int,
                accept: Callable[[Any, Any, str], Any], *, done: str,
                refused: Callable[[DomainError], HttpResponse]) -> HttpResponse:
    finding = get_finding_of(obj, finding_id)
    reason = request.POST.get("reason", "")
    return run_page_action(request, obj, "acknowledge_finding",
                           lambda o: accept(o, finding, reason), done=done, refused=refused)


@dataclass(frozen=True)
class RecordPages:
    """The four record pages of one kind of object, each a view taking the organization's
    id, the object's id (`key`, the URL's name for it) and the file's or finding's id.

    - `fetch(request, org_id, pk)`: the object through the module's scoping helper, with
      its view rule (404, 403);
    - `page(request, obj, status=, error=, attachment_form=)`: its page, drawn again with a
      refusal;
    - `attach(request, obj, cleaned_data)`, `detach(request, obj, attachment)`,
      `accept(request, obj, finding, reason)`: the module's services (without `accept`, the
      object's files are not checked and it has no finding page);
    - `attached`, `removed`, `acknowledged`: what the person is told (lazy texts);
    - `inline_images`: images open in the browser instead of downloading.
    """

    fetch: Callable[[HttpRequest, int, int], Any]
    page: Callable[..., HttpResponse]
    form: Callable[..., Any]
    attach: Callable[[HttpRequest, Any, dict[str, Any]], Any]
    detach: Callable[[HttpRequest, Any, Any], Any]
    accept: Callable[[HttpRequest, Any, Any, str], Any] | None = None
    attached: str = gettext_lazy("The file was attached.")
    removed: str = gettext_lazy("The file was removed.")
    acknowledged: str = gettext_lazy("The finding was acknowledged.")
    inline_images: bool = False

    def views(self, key: str) -> dict[str, Callable[..., HttpResponse]]:
        """Return the views by URL name; the object's id comes as the URL's `key`."""

        def refused(request: HttpRequest, obj: Any) -> Callable[[DomainError], HttpResponse]:
            def again(exc: DomainError) -> HttpResponse:
                fresh = self.fetch(request, obj.organization_id, obj.pk)
                return self.page(request, fresh, status=exc.status, error=str(exc))
            return again

        @login_required
        @require_POST
        def attachment_upload(request: HttpRequest, org_id: int, **ids: int) -> HttpResponse:
            obj = self.fetch(request, org_id, ids[key])
            return upload(request, obj, self.form(request.POST, request.FILES),
                          lambda data: self.attach(request, obj, data), done=self.attached,
                          page=lambda form: self.page(request, obj, attachment_form=form))

        @login_required
        @require_GET
        def attachment_download(request: HttpRequest, org_id: int, attachment_id: int,
                                **ids: int) -> HttpResponse:
            return download(self.fetch(request, org_id, ids[key]), attachment_id,
                            inline_images=self.inline_images)

        @login_required
        @require_POST
        def attachment_remove(request: HttpRequest, org_id: int, attachment_id: int,
                              **ids: int) -> HttpResponse:
            obj = self.fetch(request, org_id, ids[key])
            return remove(request, obj, attachment_id,
                          lambda o, attachment: self.detach(request, o, attachment),
                          done=self.removed, refused=refused(request, obj))

        views = [attachment_upload, attachment_download, attachment_remove]
        accept = self.accept
        if accept is not None:
            @login_required
            @require_POST
            def finding_acknowledge(request: HttpRequest, org_id: int, finding_id: int,
                                    **ids: int) -> HttpResponse:
                obj = self.fetch(request, org_id, ids[key])
                return acknowledge(request, obj, finding_id,
                                   lambda o, finding, reason: accept(request, o, finding, reason),
                                   done=self.acknowledged, refused=refused(request, obj))
            views.append(finding_acknowledge)
        return {view.__name__: view for view in views}
