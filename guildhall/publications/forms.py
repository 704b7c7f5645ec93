"""Forms parse the input; the models and services validate it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.core.forms import datetime_field
from guildhall.kit.richtext import RichTextField, RichTextWidget
from guildhall.orgs.models import Role
from guildhall.publications.models import (
    MAX_STEPS,
    STEP_ROLES,
    Channel,
    ChannelStatus,
    ChannelType,
    Publication,
)

STEP_CHOICES = [("", "—")] + [(r.value, r.label) for r in STEP_ROLES]


class ChannelForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=ChannelType.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    account = forms.CharField(label=_("Account ID or address"), max_length=200, required=False)
    icp_number = forms.CharField(label=_("ICP filing number"), max_length=40, required=False,
                                 help_text=_("For websites, e.g. 苏ICP备12345678号-1."))
    operator = forms.CharField(label=_("Operator"), max_length=100, required=False)
    responsible_person = forms.ModelChoiceField(label=_("Responsible person"),
                                                queryset=get_user_model().objects.none(),
                                                required=False)
    step_1 = forms.ChoiceField(label=_("Step 1"), choices=STEP_CHOICES, required=False)
    step_2 = forms.ChoiceField(label=_("Step 2"), choices=STEP_CHOICES, required=False)
    step_3 = forms.ChoiceField(label=_("Step 3"), choices=STEP_CHOICES, required=False)
    step_4 = forms.ChoiceField(label=_("Step 4"), choices=STEP_CHOICES, required=False)
    closed = forms.BooleanField(label=_("Closed (no longer used)"), required=False)

    def __init__(self, *args: Any, org: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_person"].queryset = get_user_model().objects.filter(
            memberships__organization=org, memberships__is_active=True).order_by("username")
        self.fields["responsible_person"].label_from_instance = lambda u: u.display_name

    @classmethod
    def initial_for(cls, channel: Channel | None) -> dict[str, Any]:
        if channel is None:
            return {"step_1": Role.REVIEWER, "step_2": Role.REVIEWER, "step_3": Role.PRINCIPAL}
        data = {f: getattr(channel, f) for f in ("type", "name", "account", "icp_number",
                                                 "operator")}
        data["responsible_person"] = channel.responsible_person_id
        for n, role in enumerate(channel.review_roles or [], start=1):
            data[f"step_{n}"] = role
        data["closed"] = channel.status == ChannelStatus.CLOSED
        return data

    def model_data(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in ("type", "name", "account", "icp_number",
                                                  "operator", "responsible_person")}
        data["review_roles"] = [self.cleaned_data[f"step_{n}"] for n in range(1, MAX_STEPS + 1)
                                if self.cleaned_data.get(f"step_{n}")]
        return data


class PublicationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    channels = forms.ModelMultipleChoiceField(
        label=_("Channels"), queryset=Channel.objects.none(), widget=forms.CheckboxSelectMultiple)
    planned_at = datetime_field(_("Planned publication time"))
    body = RichTextField(label=_("Body"), widget=RichTextWidget(preview_title="id_title"))
    needs_supervisor = forms.BooleanField(
        label=_("Must be cleared with the superior body"), required=False,
        help_text=_("Major events and important policies: the supervising body decides a final "
                    "step."))
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, org: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = Channel.objects.filter(organization=org).exclude(
            status=ChannelStatus.CLOSED).order_by("name", "pk")
        self.fields["channels"].label_from_instance = lambda c: (
            f"{c.name} · {c.get_type_display()}" + (f" ({c.get_status_display()})"
                                                     if c.is_paused else ""))

    @classmethod
    def initial_for(cls, publication: Publication | None, body: str = "") -> dict[str, Any]:
        if publication is None:
            return {"planned_at": timezone.localtime().replace(second=0, microsecond=0)}
        return {"title": publication.title, "planned_at": timezone.localtime(publication.planned_at),
                "body": body, "needs_supervisor": publication.needs_supervisor,
                "channels": list(publication.channels.values_list("pk", flat=True)),
                "revision": publication.revision}

    def model_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("title", "planned_at", "body",
                                                  "needs_supervisor", "channels")}


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False,
                              help_text=_("Every step leaves a written comment."))
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}),
                             required=False)


class PublishedForm(forms.Form):
    channel = forms.ModelChoiceField(label=_("Channel"), queryset=Channel.objects.none())
    url = forms.CharField(label=_("Address (URL)"), max_length=500,
                          widget=forms.URLInput(attrs={"placeholder": "https://"}))
    published_at = datetime_field(_("Published at"))

    def __init__(self, *args: Any, publication: Publication, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = publication.channels.exclude(
            placements__publication=publication).order_by("pk")
        self.fields["channel"].label_from_instance = lambda c: c.name
        if not self.is_bound:
            self.initial.setdefault("published_at",
                                    timezone.localtime().replace(second=0, microsecond=0))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File or image"))


class SettingsForm(forms.Form):
    terms = forms.CharField(
        label=_("Confidential terms"), required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One per line: names only your association treats as confidential, such as "
                    "unreleased project names. The checker flags them in every submitted "
                    "publication."))
    review_days = forms.IntegerField(label=_("Review deadline (working days per step)"),
                                     min_value=1, max_value=30)

    def term_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["terms"].splitlines() if line.strip()]
