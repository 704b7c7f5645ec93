"""Typography every template uses (a builtin library: no `{% load %}`)."""

from __future__ import annotations

from django import template

from guildhall.core.lines import colon as _colon

register = template.Library()


@register.simple_tag
def colon() -> str:
    """The mark between a label and its value in the reader's language: "：" in Chinese
    (its own space built in), ": " in English."""
    return _colon()
