"""Form helpers the modules share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from guildhall.core.errors import DomainError

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def datetime_field(label: Any, required: bool = True) -> forms.DateTimeField:
    """Return a date-and-time field drawn as the browser's datetime-local input."""
    return forms.DateTimeField(label=label, required=required, widget=DateTimeLocal(),
                               input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"])


def apply_errors(form: forms.Form, exc: ValidationError, default_field: str | None = None) -> None:
    """Show a model's ValidationError on the form, field by field, keeping the input."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else default_field
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(default_field, message)


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal on the form: on its field when the form has it, else on top."""
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))
