"""The decision form every reviewed record shows to whoever decides it (a filing's sign-off
and approval, a publication's review, a plan's or report's acknowledgement, a code's
adoption, the queue's bulk decision): its buttons drawn from the actions the workflow allows,
and the page drawn by one include, `includes/decision.html` (its buttons alone:
`includes/verdicts.html`)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Verdict:
    """One button of a decision form. It posts either to its own `url` (as `formaction`) or
    to the form's URL with `name=value`. `style` is the button's class ("secondary",
    "secondary outline")."""

    action: str
    label: Any
    id: str
    url: str = ""
    name: str = ""
    value: str = ""
    style: str = ""


@dataclass(frozen=True)
class Decision:
    """A decision form: a heading (`title` and a muted `note`, e.g. the revision; without a
    title the caller draws its own heading), the form posted to `url`, its buttons and a
    hint under them. `in_page` swaps the answer into the page (htmx) instead of loading it."""

    url: str
    form: Any
    verdicts: list[Verdict]
    title: Any = ""
    note: Any = ""
    form_id: str = "decision-form"
    article_id: str = "decision"
    hint: Any = ""
    in_page: bool = True
    hidden: dict[str, Any] = field(default_factory=dict)


def allowed(actions: Collection[str], verdicts: Iterable[Verdict]) -> list[Verdict]:
    """Return the verdicts whose action is among the `actions` the workflow allows."""
    return [v for v in verdicts if v.action in actions]


def decision(actions: Collection[str], verdicts: Iterable[Verdict], **form: Any) -> Decision | None:
    """Return the decision form with the buttons `actions` allows, or None when it allows
    none of them (the page then shows no form)."""
    shown = allowed(actions, verdicts)
    return Decision(verdicts=shown, **form) if shown else None


def acknowledgement(actions: Collection[str], thing: str, *, url: str, return_url: str,
                    **form: Any) -> Decision | None:
    """Return the supervising body's form that acknowledges a record or returns it for
    revision (a plan, an annual report); `thing` names the buttons' ids."""
    return decision(actions, [
        Verdict("acknowledge", _("Acknowledge"), f"acknowledge-{thing}"),
        Verdict("return", _("Return for revision"), f"return-{thing}", url=return_url,
                style="secondary"),
    ], url=url, **form)
