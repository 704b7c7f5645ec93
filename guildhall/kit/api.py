"""Helpers the modules' API routers share: reading action bodies and reporting errors in
the API's shape.

No `from __future__ import annotations` here or in the routers: ninja reads the real
annotations.
"""

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar

import pydantic
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema
from ninja.errors import ValidationError as NinjaValidationError

from guildhall.orgs.permissions import require

T = TypeVar("T")


def choice_of(choices: Any) -> Any:
    """Return the type of a field that takes one of `choices`' values (a `TextChoices`),
    described where it is used: ninja would describe every module's `Status` as one."""
    return Literal[tuple(choices.values)]


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """Return the time with the site's time zone (Asia/Shanghai unless configured otherwise)
    when it came without one."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def invalid(exc: ValidationError, renames: Mapping[str, str] | None = None) -> NinjaValidationError:
    """Turn a model's ValidationError into the API's 422, field by field; `renames` maps a
    model field to the name the API uses for it."""
    errors = []
    for field, messages in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        field = (renames or {}).get(field, field)
        errors += [{"loc": ["body", field], "msg": m} for m in messages]
    return NinjaValidationError(errors)


def read_body(request: HttpRequest, schema: type[Schema]) -> Any:
    """Parse the body, JSON or form fields, with `schema`; a bad one is the API's 422."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            raise NinjaValidationError([{"loc": ["body"], "msg": "Send a JSON object."}])
    else:
        data = request.POST.dict()
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as exc:
        raise NinjaValidationError([{"loc": ["body", *e["loc"]], "msg": e["msg"]}
                                    for e in exc.errors()])


def body_doc(schema: type[Schema]) -> dict[str, Any]:
    """Return the `openapi_extra` that documents a body read with `read_body`."""
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": schema.model_json_schema()}}}}


def viewable(get: Callable[..., T], rule: str) -> Callable[[HttpRequest, int], T]:
    """Return the API's fetch of one kind of object: `get(user, pk)`, the module's scoping
    helper (404 for what the person does not see), then the object's view `rule` (403)."""
    def fetch(request: HttpRequest, pk: int) -> T:
        obj = get(request.user, pk)
        require(request.user, rule, obj)
        return obj
    return fetch


def run_action(request: HttpRequest, obj: T, *, action: str, schema: type[Schema] | None,
               run: Callable[[Any, Any], Any]) -> T:
    """Authorize `action` on an already scoped `obj` (a `kit.workflow.Workflow`), then read
    the body and run it; return `obj`.

    The body is read only after the checks, so someone who may not act gets the refusal
    whatever they send; a refusal of the role (403) is audited.
    """
    from guildhall.kit.actions import audited

    def go() -> None:
        body = read_body(request, schema) if schema else None
        run(obj, body)

    audited(request.user, obj, action, go)
    return obj


class PageRows:
    """Rows for `ninja.pagination.paginate`, built a page at a time from a queryset (of
    organizations below a supervising body, say): `build(objects)` makes one page's rows,
    with one query for the page rather than one for each row. `count`, when given, says
    how many rows there are more cheaply than counting the queryset (from stored figures)."""

    def __init__(self, qs: Any, build: Callable[[list[Any]], list[Any]],
                 count: Callable[[], int] | None = None) -> None:
        self.qs, self.build, self._count = qs, build, count

    def count(self) -> int:
        return self._count() if self._count else self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Any]:
        return self.build(list(self.qs[key]))


# ---- schemas every module's API shares --------------------------------------------

class OwnedOut(Schema):
    """The first fields of an organization's record: its id and the organization's."""

    id: int
    organization: int

    @staticmethod
    def resolve_organization(obj: Any) -> int:
        return obj.organization_id


class DecisionOut(Schema):
    step: int
    step_name: str
    revision: int
    reviewer: str
    verdict: str
    comment: str
    decided_at: dt.datetime

    @staticmethod
    def resolve_reviewer(obj: Any) -> str:
        return obj.reviewer.display_name


class ReasonIn(Schema):
    reason: str = ""
