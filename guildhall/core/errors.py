from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class DomainError(Exception):
    """A rule of the work refused an action. `message` is in the user's language;
    `code` is stable for API clients; `status` is the HTTP status to answer with.
    `errors` holds every message by field when there were several (from validation)."""

    status = 400

    def __init__(self, message: Any, code: str, *, status: int | None = None,
                 field: str | None = None, errors: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field
        self.errors = dict(errors) if errors else {}
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return str(self.message)


def required_text(value: Any, message: Any, *, field: str = "reason") -> str:
    """Return the text stripped, or refuse on `field` when it is empty."""
    text = (value or "").strip()
    if not text:
        raise DomainError(message, "reason_required" if field == "reason" else "required",
                          field=field)
    return text


def from_validation_error(exc: ValidationError, *, code: str = "invalid",
                          renames: Mapping[str, str] | None = None) -> DomainError:
    """Return the domain error for a model's `ValidationError`.

    Its message and field are those of the first error (no field for an error of the whole
    object); every message stays in `errors`, by field. `renames` maps a model field to
    the name the form or API uses for it.
    """
    by_field = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    errors = {(renames or {}).get(name, name): list(messages)
              for name, messages in by_field.items() if messages}
    if not errors:
        errors = {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}
    field, messages = next(iter(errors.items()))
    return DomainError(messages[0] if messages else "", code,
                       field=None if field == NON_FIELD_ERRORS else field, errors=errors)


@contextmanager
def domain_errors(*, code: str = "invalid",
                  renames: Mapping[str, str] | None = None) -> Iterator[None]:
    """Turn a `ValidationError` raised inside into the one domain error (see
    `from_validation_error`); wrap `full_clean()` in it, or decorate a service with it."""
    try:
        yield
    except ValidationError as exc:
        raise from_validation_error(exc, code=code, renames=renames) from exc
