from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from guildhall.orgs.models import Organization, Role


class OrganizationForm(forms.ModelForm):
    admin_email = forms.EmailField(
        label=_("First admin's e-mail"),
        help_text=_("The person who will run the association's account: they are invited by "
                    "e-mail to join as its admin, and then invite the others."))

    class Meta:
        model = Organization
        fields = ["code", "name", "short_name", "credit_code", "region", "contact_name",
                  "contact_phone", "contact_email"]


class OrganizationDetailsForm(forms.ModelForm):
    """An organization's details as its admins change them (its short code stays)."""

    class Meta:
        model = Organization
        fields = ["name", "short_name", "credit_code", "region", "contact_name",
                  "contact_phone", "contact_email"]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, org: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = org.role_choices
        # Most invitations are for staff; a higher role is a deliberate choice.
        self.fields["role"].initial = Role.STAFF if Role.STAFF in dict(org.role_choices) \
            else Role.VIEWER


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, org: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = org.role_choices


class AcceptInvitationForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Name"), max_length=100)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
