"""Run one action of a module's object, for a page or the API: the same authorization
(`kit.workflow.authorize`), the same audit of a refused role, the same error contract."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from guildhall.audit.services import record, record_refusal
from guildhall.core.errors import DomainError
from guildhall.core.forms import add_domain_error, apply_errors
from guildhall.kit.workflow import authorize


def auditor(prefix: str) -> Callable[..., None]:
    """A module's audit helper, written once: `_audit = auditor("meetings.meeting")`, then
    `_audit(actor, "create", meeting, before=..., after=...)` writes the action
    `meetings.meeting.create` with the object's organization. (The test of the action labels,
    `audit/tests/emitted.py`, follows these calls.)"""
    def audit(actor: Any, action: str, obj: Any, before: dict | None = None,
              after: dict | None = None) -> None:
        record(actor=actor, action=f"{prefix}.{action}", organization=obj.organization,
               obj=obj, before=before, after=after)
    return audit


def audited(user: Any, obj: Any, action: str, run: Callable[[], Any]) -> Any:
    """Authorize `action`, then run it; a refusal of the role (403), by the rules or by the
    service, is audited before it is raised."""
    try:
        authorize(user, action, obj)
        return run()
    except DomainError as exc:
        if exc.status == 403:
            record_refusal(user=user, action=f"{obj.rules_prefix}.{action}", obj=obj)
        raise


def run_page_action(request: HttpRequest, obj: Any, action: str, run: Callable[[Any], Any], *,
                    done: str, refused: Callable[[DomainError], HttpResponse]) -> HttpResponse:
    """Run an action from the object's page: on success say `done` and go back to the page
    (POST → redirect → GET); on a refusal answer `refused(error)`, which shows the page
    again with the message beside its field or at the top, and what the person typed."""
    try:
        audited(request.user, obj, action, lambda: run(obj))
    except DomainError as exc:
        return refused(exc)
    messages.success(request, done)
    return redirect(obj.get_absolute_url())


def beside_field(forms: dict[str, Any], exc: DomainError) -> str:
    """Show a refusal beside the field it concerns, on the form of the page that has it;
    return it as the page's message only when no form has that field."""
    for form in forms.values():
        if exc.field and exc.field in form.fields:
            form.add_error(exc.field, str(exc))
            return ""
    return str(exc)


def save_form(request: HttpRequest, form: Any, save: Callable[[], Any], *, done: str,
              next_url: str | Callable[[Any], str],
              default_field: str | None = None) -> HttpResponse | None:
    """On the POST of a valid form, run `save()` (a service); on success say `done` and
    redirect to `next_url` (or `next_url(result)`). A refusal — the model's validation or
    the service's domain error — is put beside its field, and None tells the view to show
    the form again with what the person typed."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save()
    except ValidationError as exc:
        apply_errors(form, exc, default_field=default_field)
        return None
    except DomainError as exc:
        add_domain_error(form, exc)
        return None
    messages.success(request, done)
    return redirect(next_url(result) if callable(next_url) else next_url)


def form_page(request: HttpRequest, form: Any, save: Callable[[], Any], *, done: str,
              next_url: str | Callable[[Any], str], template: str,
              context: dict[str, Any] | Callable[[], dict[str, Any]],
              default_field: str | None = None) -> HttpResponse:
    """A form's page: on the POST of a valid form, `save_form` (a redirect once saved); else
    `template` with the form and `context` (a dict, or a function that makes it only when
    the page is drawn), answered 400 when the form has errors."""
    saved = save_form(request, form, save, done=done, next_url=next_url,
                      default_field=default_field)
    if saved is not None:
        return saved
    extra = context() if callable(context) else context
    return render(request, template, {"form": form, **extra},
                  status=400 if form.errors else 200)
