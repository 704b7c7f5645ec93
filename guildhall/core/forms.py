from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


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
