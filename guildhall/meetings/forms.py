"""Forms parse the input; the models and services validate it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guildhall.core.forms import datetime_field
from guildhall.kit import attendees as kit_attendees
from guildhall.meetings.models import (
    CHAIR_NOT_MEMBER,
    MAXIMUM_MINIMUM,
    OWNER_NOT_MEMBER,
    Meeting,
    MeetingRules,
)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=200)
    held_at = datetime_field(_("Time"))
    venue = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_platform = forms.CharField(label=_("Online platform"), max_length=200, required=False)
    chair = forms.ModelChoiceField(label=_("Chair"), queryset=None,
                                   error_messages={"invalid_choice": CHAIR_NOT_MEMBER})
    attendees = kit_attendees.choice_field(_("Attendees"))
    other_attendees = kit_attendees.others_field(_("Other attendees"), _(
        "How many people took part who are not members of the association."))
    agenda = forms.CharField(label=_("Agenda"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One item per line."))
    conclusions = forms.CharField(label=_("Conclusions"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("One conclusion per line; each can become a "
                                              "follow-up task of the annual plan."))
    notes = forms.CharField(label=_("Discussion"), required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, org: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kit_attendees.fill_choices(self, org, ("chair", "attendees"))

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict[str, Any]:
        return {
            **{f: getattr(meeting, f) for f in ("title", "venue", "online_platform",
                                                 "other_attendees", "notes")},
            "held_at": timezone.localtime(meeting.held_at),
            "chair": meeting.chair_id,
            "attendees": kit_attendees.initial(meeting),
            "agenda": "\n".join(meeting.agenda or []),
            "conclusions": "\n".join(meeting.conclusions or []),
            "revision": meeting.revision,
        }

    def model_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("revision", None)
        data["agenda"] = _lines(data["agenda"])
        data["conclusions"] = _lines(data["conclusions"])
        data["attendees"] = list(data["attendees"])
        return data


class FollowUpForm(forms.Form):
    """One conclusion's "make it a task" form; its prefix (`c<n>`) says which conclusion."""

    title = forms.CharField(label=_("Task"), max_length=200, required=False,
                            help_text=_("Leave empty to use the conclusion."))
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, choices=(),
                                   error_messages={"invalid_choice": OWNER_NOT_MEMBER})
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        """`members`: the association's members, read once for every conclusion's form."""
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "---------")] + [(u.pk, u.display_name) for u in members]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("Minutes, slides or photos."))


class RulesForm(forms.Form):
    minimum_per_year = forms.IntegerField(label=_("Minimum special meetings per year"),
                                          min_value=0, max_value=MAXIMUM_MINIMUM,
                                          help_text=_("0 asks for none."))
    held_by_month = forms.TypedChoiceField(label=_("To be held by (month)"), choices=(),
                                           coerce=int)
    held_by_day = forms.IntegerField(label=_("To be held by (day)"), min_value=1, max_value=31)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_by_month"].choices = [
            (m, gettext("Month %(m)d") % {"m": m}) for m in range(1, 13)]

    @classmethod
    def initial_for(cls, rules: MeetingRules) -> dict[str, Any]:
        return {f: getattr(rules, f) for f in ("minimum_per_year", "held_by_month", "held_by_day")}
