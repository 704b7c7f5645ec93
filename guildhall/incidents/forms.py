"""Forms parse the input; the models and services validate it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guildhall.core.errors import DomainError
from guildhall.core.forms import datetime_field
from guildhall.incidents.models import LEVELS, RULE_KINDS, Category, IncidentRules, Severity
from guildhall.kit import links


def _channel_choices(org: Any) -> list[tuple[Any, str]]:
    found = links.channels(organization=org) if links.channels.available else []
    return [("", "—")] + [(str(pk), name) for pk, name in found]


def _record_choices(org: Any, key: str) -> list[tuple[Any, str]]:
    try:
        found = links.choices(org, key)
    except DomainError:  # the module that owns them is not installed
        return [("", "—")]
    return [("", "—")] + [(str(pk), name) for pk, name in found]


class QuickReportForm(forms.Form):
    """The quick report from a phone: what, how bad, one sentence, send."""

    title = forms.CharField(label=_("The incident in a few words"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices,
                                 initial=Severity.TBD)
    report = forms.CharField(label=_("In one sentence"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    channel = forms.ChoiceField(label=_("Channel concerned"), required=False,
                                help_text=_("For an account that was compromised."))
    pause_channel = forms.BooleanField(label=_("Pause this channel now"), required=False,
                                       help_text=_("Nothing is approved or published on it "
                                                   "until it is resumed."))

    def __init__(self, *args: Any, org: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = _channel_choices(org)
        if len(self.fields["channel"].choices) == 1:
            del self.fields["channel"], self.fields["pause_channel"]


class IncidentForm(forms.Form):
    """The full register entry; everything but the title, category and severity may
    follow later."""

    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices,
                                 initial=Severity.TBD)
    occurred_at = datetime_field(_("Occurred at"), required=False)
    discovered_at = datetime_field(_("Discovered at"), required=False)
    location = forms.CharField(label=_("Where"), max_length=200, required=False)
    known = forms.CharField(label=_("What is known"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    actions_taken = forms.CharField(label=_("What was done"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    people_affected = forms.IntegerField(label=_("People affected"), min_value=0,
                                         max_value=10_000_000, required=False,
                                         help_text=_("A number; no names are needed."))
    channel = forms.ChoiceField(label=_("Channel concerned"), required=False)
    pause_channel = forms.BooleanField(label=_("Pause this channel now"), required=False)
    filing = forms.ChoiceField(label=_("Event filing concerned"), required=False,
                               help_text=_("Its contingency plan is shown on the incident."))
    publication = forms.ChoiceField(label=_("Publication concerned"), required=False)
    send = forms.BooleanField(label=_("Send the first report now"), required=False, initial=True,
                              help_text=_("What is known is sent as the written first report. "
                                          "Leave unticked to record a phone report first."))

    def __init__(self, *args: Any, org: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = _channel_choices(org)
        self.fields["filing"].choices = _record_choices(org, "events.filing")
        self.fields["publication"].choices = _record_choices(org, "publications.publication")

    def model_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k) for k in (
            "title", "category", "severity", "occurred_at", "discovered_at", "location", "known",
            "actions_taken", "people_affected")}


class DetailsForm(forms.Form):
    """What can follow the quick report."""

    occurred_at = datetime_field(_("Occurred at"), required=False)
    location = forms.CharField(label=_("Where"), max_length=200, required=False)
    known = forms.CharField(label=_("What is known"), required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))
    actions_taken = forms.CharField(label=_("What was done"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 4}))
    people_affected = forms.IntegerField(label=_("People affected"), min_value=0,
                                         max_value=10_000_000, required=False,
                                         help_text=_("A number; no names are needed."))
    channel = forms.ChoiceField(label=_("Channel concerned"), required=False)
    filing = forms.ChoiceField(label=_("Event filing concerned"), required=False,
                               help_text=_("Its contingency plan is shown on the incident."))
    publication = forms.ChoiceField(label=_("Publication concerned"), required=False)

    def __init__(self, *args: Any, org: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = _channel_choices(org)
        self.fields["filing"].choices = _record_choices(org, "events.filing")
        self.fields["publication"].choices = _record_choices(org, "publications.publication")

    @staticmethod
    def initial_for(incident: Any) -> dict[str, Any]:
        from django.utils import timezone

        return {"occurred_at": timezone.localtime(incident.occurred_at) if incident.occurred_at
                else None, "location": incident.location, "known": incident.known,
                "actions_taken": incident.actions_taken,
                "people_affected": incident.people_affected,
                "channel": str(incident.channel_id or "")}

    def model_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k) for k in (
            "occurred_at", "location", "known", "actions_taken", "people_affected")}


class PhoneReportForm(forms.Form):
    reported_at = datetime_field(_("When was the call"))
    told = forms.CharField(label=_("To whom"), max_length=200,
                           help_text=_("The person at the supervising body who took the call."))
    caller = forms.CharField(label=_("By whom"), max_length=200)
    text = forms.CharField(label=_("What was said"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(forms.Form):
    text = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 5}))


class ClosingForm(forms.Form):
    cause = forms.CharField(label=_("Cause"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    actions = forms.CharField(label=_("What was done"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    results = forms.CharField(label=_("Results"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    lessons = forms.CharField(label=_("Lessons"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    plan_items = forms.CharField(
        label=_("Plan items"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: each becomes an item of the annual work plan."))
    due_date = forms.DateField(label=_("Plan items due"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["plan_items"] = (data.get("plan_items") or "").splitlines()
        return data


class SeverityForm(forms.Form):
    severity = forms.ChoiceField(label=_("New severity"), choices=Severity.choices)
    note = forms.CharField(label=_("Why"), required=False, max_length=500)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class AcknowledgeForm(forms.Form):
    instruction = forms.CharField(label=_("Instruction (optional)"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class RulesForm(forms.Form):
    """One box per deadline and level, in minutes; empty where there is no such deadline."""

    LABELS = {"first": _("First report (minutes after discovery)"),
              "written": _("Written report after a phone report (minutes after discovery; "
                           "empty: a phone report does not count)"),
              "followup": _("Follow-up reports every (minutes; empty: none)"),
              "ack": _("Acknowledgement within (minutes after the report)")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in RULE_KINDS:
            for level in LEVELS:
                self.fields[f"{kind}_{level}"] = forms.IntegerField(
                    label=Severity(level).label, min_value=1, required=kind in ("first", "ack"))

    def groups(self) -> list[tuple[Any, list[Any]]]:
        """The boxes by deadline, one group per kind, for the page's fieldsets."""
        return [(self.LABELS[kind], [self[f"{kind}_{level}"] for level in LEVELS])
                for kind in RULE_KINDS]

    @staticmethod
    def initial_for(rules: IncidentRules) -> dict[str, Any]:
        return {f"{kind}_{level}": rules.minutes_for(kind, level)
                for kind in RULE_KINDS for level in LEVELS}

    def minutes(self) -> dict[str, dict[str, int | None]]:
        return {kind: {str(level): self.cleaned_data.get(f"{kind}_{level}") for level in LEVELS}
                for kind in RULE_KINDS}
