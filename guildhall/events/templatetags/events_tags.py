from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def fields_named(form: Any, names: str) -> list[Any]:
    """Return the form's bound fields with these comma-separated names, in that order."""
    return [form[name] for name in names.split(",")]


@register.filter
def lines(value: Any) -> list[str]:
    return str(value).splitlines()
