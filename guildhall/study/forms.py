"""Forms parse the input; the models and services validate it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from guildhall.core.errors import DomainError
from guildhall.core.forms import datetime_field
from guildhall.kit import attendees as kit_attendees
from guildhall.kit.richtext import RichTextField
from guildhall.orgs.models import Role
from guildhall.study.models import (
    ADOPTION_STEP_ROLES,
    MAX_HOURS,
    MAX_STEPS_BEFORE,
    CodeKind,
    CodeRules,
    CodeVersion,
    Form,
    PlanTopic,
    StudySession,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class SessionForm(forms.Form):
    plan_topic = forms.ModelChoiceField(label=_("Topic of the study plan"), queryset=None,
                                        required=False,
                                        help_text=_("The topic of the plan this session carried out, if any."))
    topic = forms.CharField(label=_("Topic"), max_length=200)
    form = forms.ChoiceField(label=_("Form"), choices=Form.choices)
    held_at = datetime_field(_("Time"))
    hours = forms.DecimalField(label=_("Duration (hours)"), min_value=Decimal("0.5"),
                               max_value=MAX_HOURS, decimal_places=1, initial=Decimal("2"))
    venue = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_platform = forms.CharField(label=_("Online platform"), max_length=200, required=False)
    leader = forms.CharField(label=_("Speaker or leader"), max_length=100)
    attendees = kit_attendees.choice_field(pgettext_lazy("study", "Attendees"))
    other_attendees = kit_attendees.others_field(
        pgettext_lazy("study", "Other attendees"),
        pgettext_lazy("study", "How many people took part who are not members of the association."),
        max_value=kit_attendees.MAX_OTHERS)
    minutes = forms.CharField(label=pgettext_lazy("study", "Minutes"), required=False,
                              widget=forms.Textarea(attrs={"rows": 5}))
    library_items = forms.ModelMultipleChoiceField(
        label=_("Materials from the library"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tap the materials of the library that were studied; upload other files "
                    "on the session's page."),
        error_messages={"invalid_choice": _("Choose materials of the association's library."),
                        "invalid_pk_value": _("Choose materials of the association's library.")})
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, org: Any, **kwargs: Any) -> None:
        from guildhall.study.queries import library

        super().__init__(*args, **kwargs)
        self.fields["library_items"].queryset = library(
            org, keep=self.initial.get("library_items") or ())
        self.fields["library_items"].label_from_instance = (
            lambda m: "{}（{}）".format(
                m.title, gettext("From above: %(name)s") % {"name": m.organization.name})
            if m.from_above else m.title)
        kit_attendees.fill_choices(self, org)
        self.fields["plan_topic"].queryset = PlanTopic.objects.filter(organization=org).order_by(
            "-year", "month", "pk")
        self.fields["plan_topic"].label_from_instance = lambda t: f"{t.year}-{t.month:02d} {t.topic}"

    @classmethod
    def initial_for(cls, session: StudySession) -> dict[str, Any]:
        return {
            **{f: getattr(session, f) for f in ("topic", "form", "venue", "online_platform",
                                                 "leader", "other_attendees", "hours", "minutes")},
            "held_at": timezone.localtime(session.held_at),
            "plan_topic": session.plan_topic_id,
            "attendees": kit_attendees.initial(session),
            "library_items": list(session.library_items.values_list("pk", flat=True)),
            "revision": session.revision,
        }

    def model_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("revision", None)
        data["attendees"] = list(data["attendees"])
        data["library_items"] = list(data.get("library_items") or [])
        data.pop("reason", None)
        return data


class CorrectionForm(SessionForm):
    """The session as confirmed, to correct, with the reason of the correction."""

    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea(
        attrs={"rows": 2}), help_text=_("The corrected session goes back to the principal for "
                                        "confirmation and counts in the figures once confirmed."))


class AdoptionForm(forms.Form):
    """The decision on a step of the adoption: a comment (required to return it)."""

    comment = forms.CharField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Required when you return the version for revision."))
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)


ADOPTION_STEP_CHOICES = [("", "—")] + [(r, Role(r).label) for r in ADOPTION_STEP_ROLES]


class CodeRulesForm(forms.Form):
    """The steps before the principal's adoption (none by default)."""

    step_1 = forms.ChoiceField(label=_("Step 1"), choices=ADOPTION_STEP_CHOICES, required=False)
    step_2 = forms.ChoiceField(label=_("Step 2"), choices=ADOPTION_STEP_CHOICES, required=False)
    step_3 = forms.ChoiceField(label=_("Step 3"), choices=ADOPTION_STEP_CHOICES, required=False)

    @classmethod
    def initial_for(cls, org: Any) -> dict[str, Any]:
        roles = CodeRules.roles_for(org)[:-1]
        return {f"step_{n}": role for n, role in enumerate(roles, start=1)}

    def steps_before(self) -> list[str]:
        return [self.cleaned_data[f"step_{n}"] for n in range(1, MAX_STEPS_BEFORE + 1)
                if self.cleaned_data.get(f"step_{n}")]


class CodeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CodeKind.choices)
    effective_date = forms.DateField(label=_("Effective date"), widget=DateInput())
    body = RichTextField(label=_("Text"))


class VersionForm(forms.Form):
    effective_date = forms.DateField(label=_("Effective date"), widget=DateInput())
    body = RichTextField(label=_("Text"))

    @classmethod
    def initial_for(cls, version: CodeVersion) -> dict[str, Any]:
        return {"effective_date": version.effective_date, "body": version.body}


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("Minutes, materials or photos."))


class TopicForm(forms.Form):
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, choices=())
    topic = forms.CharField(label=_("Topic"), max_length=200)
    form = forms.ChoiceField(label=_("Form"), choices=Form.choices)
    materials = forms.CharField(label=_("Materials"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.TypedChoiceField(label=_("Responsible member"), coerce=int, choices=(),
                                         required=False, empty_value=None)

    def __init__(self, *args: Any, org: Any, **kwargs: Any) -> None:
        from django.utils.translation import gettext

        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(m, gettext("Month %(m)d") % {"m": m}) for m in range(1, 13)]
        self.fields["responsible"].choices = [("", "---------")] + [
            (u.pk, u.display_name) for u in kit_attendees.members_of(org)]


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    tags = forms.CharField(label=_("Tags"), max_length=300, required=False,
                           help_text=_("Separate tags with commas."))
    link = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https",
                          help_text=_("A web page or a video; or attach a file below."))
    file = forms.FileField(label=_("File"), required=False)


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=())
    date = forms.DateField(label=_("Date"), widget=DateInput())
    venue = forms.CharField(label=_("Place"), max_length=200, required=False)
    organizers = forms.CharField(label=_("Organizers"), max_length=300, required=False)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, max_value=1_000_000,
                                      initial=0, help_text=_("How many took part."))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    filing = forms.TypedChoiceField(label=_("Event filing"), coerce=int, required=False,
                                    empty_value=None, choices=(),
                                    help_text=_("A public event: its approved filing, whose rules apply."))

    def __init__(self, *args: Any, org: Any, **kwargs: Any) -> None:
        from guildhall.kit import links
        from guildhall.study.models import ActivityKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ActivityKind.choices
        try:
            filings = links.choices(org, "events.filing")
        except DomainError:  # the filing module is not installed
            filings = []
        self.fields["filing"].choices = [("", "---------"), *filings]
