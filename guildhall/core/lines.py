"""A translated sentence with values, as `{% blocktranslate %}` renders it, built in Python:
a list page of fifty rows spent more on its three sentences a row than on its queries."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext


def _shown(value: Any) -> str:
    """`value` localized and escaped as the template shows it. A whole number without
    thousands separators is its digits (what `localize` gives after its format lookups)
    and plain text is escaped: these two are nearly every value of a list's sentences."""
    kind = type(value)
    if kind is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    if kind is str:
        return escape(value)
    if isinstance(value, SafeString):
        return value
    return escape(localize(value))


def line(translated: str, **values: Any) -> SafeString:
    """`translated` (a gettext result with `%(name)s` places) with each value localized and
    escaped, the way the template tag fills them."""
    return mark_safe(translated % {k: _shown(v) for k, v in values.items()})


def add_labels(objects: Any, **choices: Any) -> None:
    """Give each object, for each `field=Choices`, its value's name as `<field>_label`, each
    name translated once per call: the model's `get_<field>_display` translates every
    choice of the field on each call, a large part of a list page's time."""
    names = {field: {value: str(label) for value, label in cls.choices}
             for field, cls in choices.items()}
    for obj in objects:
        for field, found in names.items():
            value = getattr(obj, field)
            setattr(obj, f"{field}_label", found.get(value, value))


def colon() -> str:
    """The mark between a label and its value in the reader's language ("：" in Chinese,
    ": " in English): `{% colon %}` in a template."""
    return pgettext("between a label and its value", ": ")


def labelled(label: Any, value: Any) -> str:
    """`label` and `value` joined by the reader's colon: "内部签批：批准", "Sign-off: Approve"."""
    return f"{label}{colon()}{value}"
