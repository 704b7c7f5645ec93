"""The record pages every module has, for an object already fetched through the module's
scoping helper: upload, download and remove a file, acknowledge a checker finding. Each
authorizes with the object's rules (`kit.workflow.authorize`) and calls the module's
service, so the page does what the API does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header

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
