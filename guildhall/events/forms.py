"""Forms parse the input; the models and services validate it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.core.forms import datetime_field
from guildhall.events.models import EventType, Filing, FilingRules


def _split(line: str) -> list[str]:
    return [part.strip() for part in line.replace("｜", "|").split("|")]


class FilingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=EventType.choices)
    starts_at = datetime_field(_("Starts at"))
    ends_at = datetime_field(_("Ends at"))
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    online_platform = forms.CharField(label=_("Online platform"), max_length=200, required=False)
    organizer = forms.CharField(label=_("Organizer"), max_length=200, required=False,
                                help_text=_("Leave empty for your association."))
    co_organizers = forms.CharField(
        label=_("Co-organizers"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."))
    foreign_co_organizers = forms.CharField(
        label=_("Foreign co-organizers"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: organizations or people from outside mainland China."))
    expected_attendance = forms.IntegerField(label=_("Expected attendance"), min_value=0,
                                             initial=0)
    livestream = forms.BooleanField(label=_("Livestreamed"), required=False)
    speakers = forms.CharField(
        label=_("Speakers"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name | affiliation | topic"))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    onsite_person = forms.ModelChoiceField(label=_("On-site responsible person"),
                                           queryset=get_user_model().objects.none(),
                                           required=False)
    onsite_phone = forms.CharField(label=_("On-site phone"), max_length=30, required=False)
    halt_procedure = forms.CharField(label=_("How the event is halted"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    notify_list = forms.CharField(label=_("Who is told"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    fallback = forms.CharField(label=_("Fallback arrangements"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, org: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["onsite_person"].queryset = get_user_model().objects.filter(
            memberships__organization=org, memberships__is_active=True).order_by("username")
        self.fields["onsite_person"].label_from_instance = lambda u: u.display_name

    @classmethod
    def initial_for(cls, filing: Filing) -> dict[str, Any]:
        co = filing.co_organizers or []
        return {
            **{f: getattr(filing, f) for f in (
                "title", "type", "venue", "online_platform", "organizer", "expected_attendance",
                "livestream", "description", "onsite_phone", "halt_procedure", "notify_list",
                "fallback")},
            "starts_at": timezone.localtime(filing.starts_at),
            "ends_at": timezone.localtime(filing.ends_at),
            "co_organizers": "\n".join(c["name"] for c in co if not c.get("foreign")),
            "foreign_co_organizers": "\n".join(c["name"] for c in co if c.get("foreign")),
            "speakers": "\n".join(" | ".join(filter(None, (s.get("name"), s.get("affiliation"),
                                                            s.get("topic"))))
                                  for s in filing.speakers or []),
            "onsite_person": filing.onsite_person_id,
            "revision": filing.revision,
        }

    def clean_speakers(self) -> list[dict[str, str]]:
        speakers = []
        for number, line in enumerate(self.cleaned_data["speakers"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = _split(line)
            if len(parts) > 3 or not parts[0]:
                raise forms.ValidationError(
                    _("Line %(n)d: write name | affiliation | topic.") % {"n": number})
            parts += [""] * (3 - len(parts))
            speakers.append({"name": parts[0], "affiliation": parts[1], "topic": parts[2]})
        return speakers

    def model_data(self) -> dict[str, Any]:
        """Return the fields of the Filing model from the cleaned data."""
        data = dict(self.cleaned_data)
        data.pop("revision", None)
        local = [n.strip() for n in data.pop("co_organizers").splitlines() if n.strip()]
        foreign = [n.strip() for n in data.pop("foreign_co_organizers").splitlines() if n.strip()]
        data["co_organizers"] = [{"name": n, "foreign": False} for n in local] + \
            [{"name": n, "foreign": True} for n in foreign]
        return data


class DecisionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class SubmitForm(forms.Form):
    late_reason = forms.CharField(label=_("Reason for filing late"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class HaltForm(forms.Form):
    reason = forms.CharField(label=_("Why the event is halted"),
                             widget=forms.Textarea(attrs={"rows": 3}))
    actions_taken = forms.CharField(label=_("What was done"),
                                    widget=forms.Textarea(attrs={"rows": 3}))
    halted_at = datetime_field(_("Halted at (leave empty for now)"), required=False)


class SummaryForm(forms.Form):
    what_happened = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))
    attendance = forms.IntegerField(label=_("Actual attendance"), min_value=0)
    issues = forms.CharField(label=_("Issues"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    halt_response = forms.CharField(label=_("How the halt was handled"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    for_foreign_party = forms.BooleanField(label=_("For the foreign party"), required=False,
                                           help_text=_("Checked for personal information and "
                                                       "confidentiality markings on submission."))


class RulesForm(forms.Form):
    require_signoff = forms.BooleanField(label=_("Internal sign-off by the principal first"),
                                         required=False)
    approval_steps = forms.IntegerField(label=_("Approval steps"), min_value=1, max_value=4)
    contingency_threshold = forms.IntegerField(
        label=_("Attendance above which a contingency plan is required"), min_value=0)
    decision_days = forms.IntegerField(label=_("Decision deadline (working days)"), min_value=1,
                                       max_value=60)
    summary_days = forms.IntegerField(label=_("Summary deadline (working days after the event)"),
                                      min_value=1, max_value=60)
    allow_late = forms.BooleanField(label=_("Accept late filings with a written reason"),
                                    required=False)
    halt_opens_hours = forms.IntegerField(
        label=_("A halt is possible from (hours before the start)"), min_value=0, max_value=72,
        help_text=_("Before that, an approved event is cancelled, not halted."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in EventType.choices:
            self.fields[f"lead_{value}"] = forms.IntegerField(
                label=_("Lead time for %(type)s (working days)") % {"type": label},
                min_value=0, max_value=60)

    @classmethod
    def initial_for(cls, rules: FilingRules) -> dict[str, Any]:
        initial = {f: getattr(rules, f) for f in (
            "require_signoff", "approval_steps", "contingency_threshold", "decision_days",
            "summary_days", "allow_late", "halt_opens_hours")}
        for value in EventType.values:
            initial[f"lead_{value}"] = rules.lead_days_for(value)
        return initial

    def rules_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("lead_")}
        data["lead_days"] = {value: self.cleaned_data[f"lead_{value}"] for value in EventType.values}
        return data


# ---- the lead time, shown while the form is filled in (issue 9) ------------------------------

def lead_time_hint(form: FilingForm, org: Any) -> dict[str, Any]:
    """What the filing form shows about the lead time: per type the earliest start allowed
    if submitted today (for leadtime.js, as JSON in an attribute: CSP allows no inline script), and for the type and start in the
    form now the same figures drawn by the server (so that it works without scripts)."""
    from guildhall.events.services import earliest_starts

    rules = FilingRules.for_association(org)
    # From today: a resubmission with its first start counts from its first submission,
    # which allows as much or more; today's figure is never too lenient.
    starts = earliest_starts(rules, timezone.localdate())
    chosen = form["type"].value() or EventType.values[0]
    start = form["starts_at"].value()
    if isinstance(start, dt.datetime):
        start_day = timezone.localtime(start).date() if timezone.is_aware(start) else start.date()
    else:
        start_day = dt.date.fromisoformat(str(start)[:10]) if _is_day(str(start or "")[:10]) else None
    earliest = starts.get(chosen)
    types = {t: {"earliest": d.isoformat(), "days": rules.lead_days_for(t)}
             for t, d in starts.items()}
    return {
        "types": types, "types_json": json.dumps(types),
        "allow_late": rules.allow_late,
        "earliest": earliest, "days": rules.lead_days_for(chosen),
        "too_early": bool(earliest and start_day and start_day < earliest),
    }


def _is_day(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True
