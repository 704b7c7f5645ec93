"""One shape for a module's state machine, on its model.

A model that mixes in `Workflow` declares
- `TRANSITIONS = {action: (states it may start from, state it leads to or None)}`
  (None when the outcome decides, as for a review),
- `ACTIONS`: the actions its page offers, in button order (rule names are
  `<rules_prefix>.<action>`, checked by `orgs.permissions`),
- `DECISIONS`: actions whose refusals the service names itself (review decisions: own
  item, not this step's reviewer, stale revision), so `authorize` checks only the state.
The buttons (`available_actions`) and the enforcement (`authorize`) use the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from guildhall.core.errors import DomainError
from guildhall.orgs.permissions import Access, actions_for, require, rule


class Workflow:
    TRANSITIONS: ClassVar[dict[str, tuple[Collection[str], str | None]]] = {}
    ACTIONS: ClassVar[list[str]] = []
    DECISIONS: ClassVar[frozenset[str]] = frozenset()
    rules_prefix: ClassVar[str] = ""

    status: str

    def allows(self, action: str) -> bool:
        sources, _target = self.TRANSITIONS[action]
        return self.status in sources

    def guard(self, action: str) -> None:
        """Raise a DomainError (409) unless the state allows `action` now."""
        if not self.allows(action):
            raise DomainError(
                _("A %(thing)s that is “%(status)s” cannot be changed this way.") % {
                    "thing": self._meta.verbose_name, "status": self.get_status_display()},
                "wrong_state", status=409)

    def available_actions(self, user: Any) -> set[str]:
        """Return the actions `user` may take on this object now (for buttons)."""
        prefix = f"{self.rules_prefix}."
        return {a.removeprefix(prefix)
                for a in actions_for(user, self, [prefix + a for a in self.ACTIONS])}


def authorize(user: Any, action: str, obj: Workflow) -> None:
    """Refuse an action the state does not allow (409), then one the role does not (403,
    audited). Review decisions are left to the review mechanism, which names the reason."""
    if action in obj.TRANSITIONS:
        obj.guard(action)
    if action not in obj.DECISIONS:
        require(user, f"{obj.rules_prefix}.{action}", obj)


def state_rules(prefix: str, who: Callable[[Access, Any], bool], *actions: str) -> None:
    """Register the rule `<prefix>.<action>` of each action that is `who`'s whenever the
    object's state allows it (`Workflow.allows`)."""
    for action in actions:
        rule(f"{prefix}.{action}")(
            lambda access, obj, action=action: who(access, obj) and obj.allows(action))


class AcknowledgedBySupervisor:
    """A subject that goes to the supervising body's approvers, who acknowledge it or return
    it, in one step of the review mechanism (a work plan, an annual report). `UNDER_REVIEW`
    is the state it waits in."""

    UNDER_REVIEW: ClassVar[str] = ""

    status: str

    def review_steps(self) -> list[Any]:
        from guildhall.orgs.models import Role
        from guildhall.reviews.models import Verdict
        from guildhall.reviews.services import SUPERVISOR, Step

        return [Step(1, _("Acknowledgement by the supervising body"), SUPERVISOR,
                     frozenset({Role.APPROVER}), frozenset({Verdict.APPROVE, Verdict.RETURN}))]

    def review_author_ids(self) -> set[int]:
        return set()

    def is_under_review(self) -> bool:
        return self.status == self.UNDER_REVIEW


def decide(*, actor: Any, subject: AcknowledgedBySupervisor, action: str, verdict: str,
           comment: str, revision: int, audit_action: str,
           on_outcome: Callable[[Any, Any], dict[str, Any]]) -> Any:
    """Record the supervising body's decision on an `AcknowledgedBySupervisor` subject and
    return the subject: its row locked, a state that does not allow `action` refused (409),
    then the review mechanism's refusals and record; `on_outcome(item, result)` applies
    the acknowledgement or the return inside the same transaction."""
    from django.db import transaction

    from guildhall.reviews import services as reviews

    with transaction.atomic():
        locked = reviews.lock(subject)
        locked.guard(action)
        return reviews.decide(actor=actor, subject=locked, revision=revision, verdict=verdict,
                              comment=comment, steps=locked.review_steps(),
                              on_outcome=on_outcome, audit_action=audit_action,
                              locked=True).subject
