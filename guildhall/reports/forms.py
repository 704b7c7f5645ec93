"""The report's forms: they only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guildhall.reports.models import NARRATIVE_MAX


class NarrativeForm(forms.Form):
    """One text per part of the report (achievements and problems of each section, then the
    closing parts)."""

    def __init__(self, *args: Any, parts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in parts:
            self.fields[key] = forms.CharField(
                label=label, required=False, max_length=NARRATIVE_MAX,
                widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}))
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0,
                                  max_value=2**31)
