"""Who took part in a meeting or a session: members of the association chosen by name (an
`attendees` many-to-many field of users) plus a count of others (`other_attendees`).

The pieces a module uses, each once: `members_of` (whom the attendees are chosen among),
`member_ids` (the service's check that every id is an active member's), `set_attendees`,
`snapshot` (the ids for a revision) and `by_name`; the form's fields (`choice_field`,
`others_field`, `fill_choices`, `initial`); the API's fields (`attendees_in`, `others_in`)
and `PersonOut` (a person by id and name). Labels are the module's own, so that each module
keeps its words.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from guildhall.core.errors import DomainError

NOT_MEMBER = _("Choose the attendees among the members of the association.")
#: The most other attendees the API takes.
MAX_OTHERS = 100_000


# ---- the model ------------------------------------------------------------------

def model_fields(label: Any, others_label: Any) -> tuple[models.ManyToManyField, models.PositiveIntegerField]:
    """The two fields, named by the module: `attendees, other_attendees = model_fields(...)`."""
    return (models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True,
                                   verbose_name=label),
            models.PositiveIntegerField(others_label, default=0))


# ---- services ---------------------------------------------------------------------

def members_of(org: Any):
    """The active members of the association, by name."""
    return get_user_model().objects.filter(
        memberships__organization=org, memberships__is_active=True, is_active=True,
    ).distinct().order_by("full_name", "username")


def member_ids(org: Any, ids: Iterable[Any], message: Any = NOT_MEMBER,
               field: str = "attendees") -> list[int]:
    """Return the ids (or users) as sorted integers, refusing any that is not an active
    member's with `message` on `field`."""
    try:
        wanted = {int(getattr(i, "pk", i)) for i in ids}
    except (TypeError, ValueError):
        raise DomainError(message, "not_member", status=422, field=field) from None
    found = set(members_of(org).filter(pk__in=[i for i in wanted if 0 < i < 2**63])
                .values_list("pk", flat=True))
    if wanted - found:
        raise DomainError(message, "not_member", status=422, field=field)
    return sorted(wanted)


def set_attendees(obj: Any, ids: list[int] | None) -> None:
    """Set the attendees checked by `member_ids`; None leaves them unchanged."""
    if ids is not None:
        obj.attendees.set(ids)


def snapshot(obj: Any) -> list[int]:
    """The attendees' ids, sorted, for a revision (none before the object is saved)."""
    return sorted(obj.attendees.values_list("pk", flat=True)) if obj.pk else []


def by_name(obj: Any):
    return obj.attendees.order_by("full_name", "username")


# ---- forms -----------------------------------------------------------------------

def choice_field(label: Any) -> forms.ModelMultipleChoiceField:
    """The boxes of the members who took part (`fill_choices` gives their names)."""
    return forms.ModelMultipleChoiceField(
        label=label, queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Tap each member who took part."),
        error_messages={"invalid_choice": NOT_MEMBER, "invalid_pk_value": NOT_MEMBER})


def others_field(label: Any, help_text: Any, max_value: int | None = None) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, initial=0, max_value=max_value,
                              help_text=help_text)


def fill_choices(form: forms.Form, org: Any, names: Iterable[str] = ("attendees",)) -> None:
    """Offer the association's members, by name, in the fields `names`."""
    members = members_of(org)
    for name in names:
        form.fields[name].queryset = members
        form.fields[name].label_from_instance = lambda u: u.display_name


def initial(obj: Any) -> list[int]:
    return list(obj.attendees.values_list("pk", flat=True))


# ---- the API ------------------------------------------------------------------------

def attendees_in() -> Any:
    """The attendees of a new record's body (a patch's are `None`, unchanged, by default)."""
    return Field([], description="Members of the association who took part.")


def others_in(default: int | None) -> Any:
    return Field(default, ge=0, le=MAX_OTHERS)


class PersonOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.display_name
