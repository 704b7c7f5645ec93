"""Forms of the plan pages. They only parse; the services and models decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from guildhall.kit import links, widgets
from guildhall.orgs.models import Organization, Role
from guildhall.plans.models import Duty, EvidenceKind, ItemStatus, PlanRules
from guildhall.plans.services import EVIDENCE_LINK_KINDS

DATE = forms.DateInput(attrs={"type": "date"})


def member_choices(org: Any, roles: set[str] | None = None):
    people = get_user_model().objects.filter(memberships__organization=org,
                                             memberships__is_active=True, is_active=True)
    if roles:
        people = people.filter(memberships__role__in=roles)
    return people.distinct().order_by("full_name", "username")


class MemberField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


class PageForm(forms.Form):
    """A form that shares its page with others: its ids start with `id_prefix`, so that two
    forms' "comment" fields stay two labels and two boxes."""

    id_prefix = "id"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}))
    duty = forms.ChoiceField(label=_("Guideline duty"), choices=Duty.choices)
    owner = MemberField(label=_("Owner"), queryset=get_user_model().objects.none(), required=False)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    evidence_kind = forms.ChoiceField(label=_("Proved by"), choices=EvidenceKind.choices)
    evidence_required = forms.CharField(label=_("Evidence required"), max_length=300,
                                        required=False)
    reason = forms.CharField(label=_("Why it changes"), required=False,
                             help_text=_("Needed once the plan was submitted: the change makes a "
                                         "new revision of the plan."))
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, org: Any, needs_reason: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = member_choices(org)
        if not needs_reason:
            del self.fields["reason"]


class AdoptRowForm(forms.Form):
    """One key task's owner and due date, on the adoption page."""

    owner = MemberField(label=_("Owner"), queryset=get_user_model().objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=DATE)

    def __init__(self, *args: Any, org: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = member_choices(org)


def evidence_choices(org: Any) -> list[tuple[Any, Any]]:
    """The association's own records that may be linked, grouped by kind:
    ("events.filing:12", title)."""
    groups: list[tuple[Any, Any]] = [("", _("— none —"))]
    for kind in links.kinds():
        if kind.key in EVIDENCE_LINK_KINDS:
            options = [(f"{kind.key}:{pk}", name) for pk, name in links.choices(org, kind.key)]
            if options:
                groups.append((str(kind.label), options))
    return groups


def split_evidence(value: str) -> tuple[str, str]:
    kind, _sep, pk = (value or "").rpartition(":")
    return kind, pk


class ReportForm(forms.Form):
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100,
                                  required=False)
    evidence = forms.CharField(label=_("Link a record as evidence"), required=False,
                               widget=forms.Select)

    def __init__(self, *args: Any, org: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].widget.choices = evidence_choices(org)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"))


class NoteForm(PageForm):
    id_prefix = "claim"

    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ReasonForm(PageForm):
    id_prefix = "drop"

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AssessForm(PageForm):
    id_prefix = "assess"

    score = forms.IntegerField(label=_("Score (0–100)"), min_value=0, max_value=100)
    comment = forms.CharField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(PageForm):
    id_prefix = "return"

    comment = forms.CharField(label=_("What must be rectified"),
                              widget=forms.Textarea(attrs={"rows": 2}))
    due = forms.DateField(label=_("Rectify by"), widget=DATE)


class GradeForm(PageForm):
    id_prefix = "grade"

    score = forms.DecimalField(label=_("Score of the plan (0–100)"), min_value=0, max_value=100,
                               decimal_places=1)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(PageForm):
    id_prefix = "decision"

    comment = forms.CharField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    revision = forms.IntegerField(widget=forms.HiddenInput)


class ResponsibilityForm(forms.Form):
    """The first responsible person and one responsible person per duty."""

    principal = MemberField(label=_("First responsible person"),
                            queryset=get_user_model().objects.none())
    reason = forms.CharField(label=_("Why the signed list changes"), required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, org: Any, signed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["principal"].queryset = member_choices(org, {Role.PRINCIPAL})
        people = member_choices(org)
        for value, label in Duty.choices:
            self.fields[f"duty_{value}"] = MemberField(label=label, queryset=people, required=False)
        if not signed:
            del self.fields["reason"]

    def holders(self) -> list[tuple[str, Any, str]]:
        return [(value, self.cleaned_data[f"duty_{value}"], "") for value in Duty.values
                if self.cleaned_data.get(f"duty_{value}")]


class TemplateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    note = forms.CharField(label=_("Note to the associations"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class TemplateItemForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    duty = forms.ChoiceField(label=_("Guideline duty"), choices=Duty.choices)
    evidence_kind = forms.ChoiceField(label=_("Proved by"), choices=EvidenceKind.choices)
    evidence_required = forms.CharField(label=_("Evidence required"), max_length=300,
                                        required=False)


class IssueForm(forms.Form):
    recipients = forms.ModelMultipleChoiceField(
        label=_("Issue to"), queryset=Organization.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to issue to every association below."))

    def __init__(self, *args: Any, org: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = org.descendants().filter(
            kind=Organization.Kind.ASSOCIATION, is_active=True).order_by("name")


class RulesForm(forms.ModelForm):
    bands = forms.CharField(
        label=_("Grade scale"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One grade a line, its name and lowest score, e.g. “优秀 90”; the lowest "
                    "grade starts at 0."))

    class Meta:
        model = PlanRules
        fields = ["adoption_days", "window_opens", "window_closes"]
        widgets = {"window_opens": DATE, "window_closes": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["bands"] = "\n".join(f"{b['grade']} {b['min']}"
                                              for b in self.instance.grade_bands)

    def clean_bands(self) -> list[dict[str, Any]]:
        bands = []
        for line in self.cleaned_data["bands"].splitlines():
            if not line.strip():
                continue
            name, _sep, low = line.strip().rpartition(" ")
            try:
                bands.append({"grade": name.strip(), "min": float(low)})
            except ValueError:
                raise forms.ValidationError(_("Write each line as a grade and its lowest score."))
        return bands


class FilterForm(forms.Form):
    # Drop-downs drawn in Python (`kit.widgets`): with Django's templates, an include per
    # option, they were a quarter of the work plan's page.
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All")), *ItemStatus.choices, ("overdue", _("Overdue"))], widget=widgets.Select)
    duty = forms.ChoiceField(label=_("Guideline duty"), required=False,
                             choices=[("", _("All")), *Duty.choices], widget=widgets.Select)
    owner = MemberField(label=_("Owner"), required=False, queryset=get_user_model().objects.none(),
                        empty_label=_("All"), widget=widgets.Select)

    def __init__(self, *args: Any, org: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = member_choices(org)
