"""Form widgets drawn in Python: the same HTML as Django's templates, without a template
include per option (a filter form's three drop-downs were a quarter of the work plan's
page). Values and labels are escaped as the templates escape them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> str:
    """As `django/forms/widgets/attrs.html`: a True value is the bare name, False is left out."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {conditional_escape(localize(name))}" if value is True else
                   f' {conditional_escape(localize(name))}="{conditional_escape(str(value))}"')
    return "".join(out)


class Select(forms.Select):
    """`forms.Select` as `django/forms/widgets/select.html` draws it, written here."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{conditional_escape(localize(widget["name"]))}"'
               f'{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{conditional_escape(localize(group_name))}">')
            for option in options:
                out.append(f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                           f'{_attrs(option["attrs"])}>{conditional_escape(localize(option["label"]))}'
                           "</option>\n")
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))
