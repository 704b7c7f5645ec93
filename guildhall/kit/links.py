"""References between modules, which never import each other.

A module that owns records others may point at registers a `LinkKind` in its
`AppConfig.ready()`: which of an organization's records may be linked (an approved filing,
a published article, a held meeting) and how to name one. A module that points at them
(a plan item's evidence) asks this registry for the choices and finds the chosen record
among the organization's own — a record of another organization is refused with the same
message as one that does not exist, so nothing leaks. The links themselves are
`records.Link` rows.

A module that takes work from others (the annual plan takes a meeting's conclusions and an
incident's lessons as plan items) fills a `Slot` that the others call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from guildhall.core.errors import DomainError
from guildhall.records.services import add_link, links_of


@dataclass(frozen=True)
class LinkKind:
    key: str                                   # "events.filing"
    label: Any                                 # a lazy translated name: "活动报备"
    linkable: Callable[[Any], QuerySet]        # organization -> its records that may be linked
    name: Callable[[Any], str] = str           # record -> how a person sees it
    # record -> [(translated label, text)] worth showing beside the link (a filing's
    # contingency plan on an incident's page)
    details: Callable[[Any], list[tuple[Any, str]]] = lambda obj: []


_kinds: dict[str, LinkKind] = {}


def register(kind: LinkKind) -> LinkKind:
    _kinds[kind.key] = kind
    return kind


def kinds() -> list[LinkKind]:
    return list(_kinds.values())


def kind(key: str) -> LinkKind:
    try:
        return _kinds[key]
    except KeyError:
        raise DomainError(_("Choose what kind of record to link."), "link_kind_unknown",
                          status=422, field="kind") from None


def choices(organization: Any, key: str, limit: int = 200) -> list[tuple[int, str]]:
    """The organization's own records of this kind that may be linked, newest first."""
    found = kind(key).linkable(organization).order_by("-pk")[:limit]
    return [(obj.pk, kind(key).name(obj)) for obj in found]


def find_in(queryset: QuerySet, pk: Any, *, field: str = "target") -> Any:
    """The record `pk` among `queryset` (an organization's own records), or a refusal that
    says the same whether it does not exist, is another organization's, or may not be
    chosen."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = 0
    obj = queryset.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if obj is None:
        raise DomainError(_("Choose one of your association's own records."),
                          "not_own_record", status=422, field=field)
    return obj


def find(organization: Any, key: str, pk: Any) -> Any:
    """The organization's own record `pk` of this kind that may be linked (see `find_in`)."""
    return find_in(kind(key).linkable(organization), pk)


def link(subject: Any, key: str, pk: Any, *, actor: Any, role: str = "evidence", note: str = ""):
    return add_link(subject, find(subject.organization, key, pk), kind=key, role=role,
                    actor=actor, note=note)


def described(subject: Any, role: str | None = None) -> list[dict[str, Any]]:
    """The subject's links as a page or the API shows them: the kind's name, the record's
    name and its page, never a bare id."""
    out = []
    for item in links_of(subject, role):
        target = item.target
        if target is None:
            continue
        registered = _kinds.get(item.kind)
        out.append({"id": item.pk, "role": item.role, "kind": item.kind,
                    # A kind nobody registered is named by its model, never by its key.
                    "kind_label": str(registered.label) if registered
                    else str(target._meta.verbose_name),
                    "name": registered.name(target) if registered else str(target),
                    "url": target.get_absolute_url() if hasattr(target, "get_absolute_url") else "",
                    "details": registered.details(target) if registered else [],
                    "note": item.note, "at": item.created_at})
    return out


class Slot:
    """One function a module provides (in `ready()`) for the others to call, e.g. the
    annual plan's "make this a plan item". Calling an empty slot is refused (the module
    that fills it is not installed)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.function: Callable[..., Any] | None = None

    def provide(self, function: Callable[..., Any]) -> Callable[..., Any]:
        self.function = function
        return function

    @property
    def available(self) -> bool:
        return self.function is not None

    def __call__(self, **kwargs: Any) -> Any:
        if self.function is None:
            raise DomainError(_("This step is not available on this site."), "not_available",
                              status=409)
        return self.function(**kwargs)


# make_plan_item(*, actor, organization, title, description="", owner=None, due_date=None,
#                source=None, source_kind="") -> the new plan item (it links back to `source`
#                with the role "origin"). Filled by the annual plan module.
make_plan_item = Slot("make_plan_item")

# pause_channel(*, actor, organization, channel_id, reason) -> the paused channel, recorded on
# the channel's timeline. Filled by the publications module.
pause_channel = Slot("pause_channel")

# channels(organization) -> [(id, name)] of the organization's channels that may be paused.
channels = Slot("channels")
