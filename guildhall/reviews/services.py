"""Decide review steps: one mechanism for event filings, publications and annual reports.

A module describes its review as an ordered list of `Step`s and hands `decide()` an item
that follows the `Reviewable` protocol. `refusal()` is the one place that says why
someone may not decide now: a stale revision, the item's author, someone without the
step's role, a second step by the same reviewer of the same revision in the same review
round (when asked), a missing comment. The buttons ask it (`may_decide()`); `decide()`
locks the item's row once, asks it on the locked row, then records the `Decision` and
one audit record, and returns what happens next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.audit.services import record
from guildhall.core.errors import DomainError
from guildhall.orgs.permissions import Access
from guildhall.reviews.models import Decision, Verdict

OWN = "own"  # a role in the item's own organization
SUPERVISOR = "supervisor"  # a role in the nearest supervising body above it

NEXT_STEP = "next_step"
APPROVED = "approved"
RETURNED = "returned"
REJECTED = "rejected"
#: What a decision's outcome is called (the audit trail names the outcome it recorded).
OUTCOMES = {NEXT_STEP: _("Passed on to the next step"), APPROVED: _("Approved"),
            RETURNED: _("Returned for revision"), REJECTED: _("Rejected")}

ALL_VERDICTS = frozenset(Verdict.values)


@dataclass(frozen=True)
class Step:
    """One review step: who may act at it and which verdicts it offers."""

    position: int
    name: Any
    level: str
    roles: frozenset[str]
    verdicts: frozenset[str] = field(default=ALL_VERDICTS)

    def may_act(self, access: Access, org: Any) -> bool:
        """Say whether the person holds this step's role for an item of `org`."""
        if self.level == OWN:
            role = access.role_in(org)
        else:
            role = access.supervisor_role_over(org)
        return role in self.roles


class Reviewable(Protocol):
    """What an item needs for `decide()`: its organization, revision and review round."""

    pk: Any
    organization: Any
    revision: int
    review_round: int
    review_subject_type: str

    def review_author_ids(self) -> set[int]: ...

    def is_under_review(self) -> bool: ...


@dataclass
class Result:
    subject: Any
    decision: Decision
    outcome: str
    next_step: Step | None


def decisions_for(subject: Reviewable, *, round: int | None = None):
    """Return the item's decisions (of one round when given), oldest first."""
    qs = Decision.objects.filter(subject_type=subject.review_subject_type, subject_id=subject.pk)
    if round is not None:
        qs = qs.filter(round=round)
    return qs.select_related("reviewer").order_by("decided_at", "pk")


def not_yet_decided(subject: Reviewable, people: list[Any], result: Result) -> list[Any]:
    """`people` without those who decided a step of the subject's current round (the
    decision just made included): nobody decides two steps of one round, so they are not
    asked for the next."""
    decided = set(decisions_for(subject, round=subject.review_round)
                  .values_list("reviewer_id", flat=True)) | {result.decision.reviewer_id}
    return [person for person in people if person.pk not in decided]


def last_refusal(subject: Reviewable) -> Decision | None:
    """The latest return or rejection of the item, for the top of its page, where its
    author starts fixing it (None when its latest decision was not one)."""
    latest = Decision.objects.filter(subject_type=subject.review_subject_type,
                                     subject_id=subject.pk).select_related("reviewer") \
        .order_by("-decided_at", "-pk").first()
    return latest if latest is not None and latest.verdict != Verdict.APPROVE else None


def current_step(subject: Reviewable, steps: list[Step],
                 decisions: Iterable[Decision] | None = None) -> Step | None:
    """Return the first step of the current round that nobody has approved yet."""
    if decisions is None:
        decisions = decisions_for(subject, round=subject.review_round)
    approved = {d.step for d in decisions
                if d.round == subject.review_round and d.verdict == Verdict.APPROVE}
    for step in steps:
        if step.position not in approved:
            return step
    return None


def refusal(user: Any, subject: Reviewable, steps: list[Step], *, revision: int | None = None,
            verdict: str | None = None, comment: str | None = None,
            distinct_reviewers: bool = True, comment_always: bool = False) -> DomainError | None:
    """Return why `user` may not decide the item's current step now, or None if they may.

    The one place of every refusal: `may_decide()` asks it for the buttons, `decide()`
    asks it on the locked row. The revision, verdict and comment are checked only when
    given (the buttons do not know them yet).
    """
    return _refusal_at_step(user, subject, steps, revision=revision, verdict=verdict,
                            comment=comment, distinct_reviewers=distinct_reviewers,
                            comment_always=comment_always)[0]


def _refusal_at_step(user: Any, subject: Reviewable, steps: list[Step], *, revision: int | None,
                     verdict: str | None, comment: str | None, distinct_reviewers: bool,
                     comment_always: bool) -> tuple[DomainError | None, Step | None]:
    """Return the refusal (or None) and the current step it concerns."""
    if not subject.is_under_review():
        return DomainError(_("This item is not waiting for a review decision (it may have "
                             "just been decided by someone else). Reload the page."),
                           "not_under_review", status=409), None
    if revision is not None and revision != subject.revision:
        return DomainError(
            _("You reviewed revision %(yours)d, but the item is now at revision %(now)d. "
              "Reload it and review the current revision.") % {
                "yours": revision, "now": subject.revision},
            "stale_revision", status=409), None
    step = current_step(subject, steps)
    if step is None:
        return DomainError(_("Every review step has already been decided."),
                           "not_under_review", status=409), None
    if verdict is not None and verdict not in step.verdicts:
        return DomainError(_("This step does not offer that verdict."), "verdict_not_allowed"), step
    if user is None or not user.is_authenticated:
        return _not_reviewer(step), step
    if user.pk in subject.review_author_ids():
        return DomainError(_("You wrote this item, so you cannot review it."), "own_item",
                           status=403), step
    if not step.may_act(Access.for_user(user), subject.organization):
        return _not_reviewer(step), step
    if distinct_reviewers and _has_decided_revision(user, subject, subject.revision,
                                                    subject.review_round):
        return DomainError(_("You already decided another step of this revision; another "
                             "person must decide this one."), "already_reviewed", status=403), step
    if comment is not None and verdict is not None and not comment.strip() and (
            comment_always or verdict != Verdict.APPROVE):
        return DomainError(_("Write a comment explaining your decision."), "comment_required",
                           field="comment"), step
    return None, step


def _not_reviewer(step: Step) -> DomainError:
    return DomainError(_("Your role does not allow you to decide the step “%(step)s”.")
                       % {"step": step.name}, "not_reviewer", status=403)


def may_decide(user: Any, subject: Reviewable, steps: list[Step], *,
               distinct_reviewers: bool = True) -> bool:
    """Say whether `user` may decide the item's current step now (for rules and buttons)."""
    return refusal(user, subject, steps, distinct_reviewers=distinct_reviewers) is None


def _has_decided_revision(user: Any, subject: Reviewable, revision: int, round: int) -> bool:
    """Say whether `user` already decided a step of this revision in this review round.

    Only the current round counts: after a return (or a withdrawal) the item is
    resubmitted in a new round, possibly without edits (same revision), and every step is
    decided afresh, so the reviewers of the earlier round may act again.
    """
    return Decision.objects.filter(subject_type=subject.review_subject_type, subject_id=subject.pk,
                                   revision=revision, round=round, reviewer=user).exists()


def lock(subject: Any) -> Any:
    """Return a fresh copy of the item with its row locked until the transaction ends."""
    return type(subject).objects.select_for_update().select_related("organization").get(pk=subject.pk)


def decide(
    *,
    actor: Any,
    subject: Reviewable,
    revision: int,
    verdict: str,
    comment: str,
    steps: list[Step],
    distinct_reviewers: bool = True,
    comment_always: bool = False,
    on_outcome: Callable[[Any, Result], dict[str, Any]] | None = None,
    audit_prefix: str = "review",
    audit_action: str | None = None,
    locked: bool = False,
) -> Result:
    """Record `actor`'s verdict on the current step of `subject` and return the outcome.

    The item's row is locked here, unless the caller already locked it in the current
    transaction and says so with `locked=True` (then `subject` is that locked row).
    `on_outcome(locked_subject, result)` runs inside the same transaction before the audit
    record is written; it applies the outcome to the item (its status) and returns what
    to add to the audit record, so that one decision is exactly one audit record.
    """
    if locked and not transaction.get_connection().in_atomic_block:
        raise RuntimeError("decide(locked=True) needs the caller's transaction that holds the lock")
    comment = (comment or "").strip()
    with transaction.atomic():
        item = subject if locked else lock(subject)
        refused, step = _refusal_at_step(
            actor, item, steps, revision=revision, verdict=verdict, comment=comment,
            distinct_reviewers=distinct_reviewers, comment_always=comment_always)
        if refused:
            raise refused
        return _execute(actor=actor, item=item, step=step, verdict=verdict, comment=comment,
                        steps=steps, on_outcome=on_outcome,
                        audit_action=audit_action or f"{audit_prefix}.{verdict}")


def _execute(*, actor: Any, item: Reviewable, step: Step, verdict: str, comment: str,
             steps: list[Step], on_outcome: Callable[[Any, Result], dict[str, Any]] | None,
             audit_action: str) -> Result:
    """Record the decision `refusal()` allowed, apply its outcome and write the audit record."""
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                subject_type=item.review_subject_type, subject_id=item.pk,
                organization=item.organization, round=item.review_round, revision=item.revision,
                step=step.position, step_name=str(step.name)[:100], reviewer=actor,
                verdict=verdict, comment=comment, decided_at=timezone.now())
    except IntegrityError:
        # Only reachable without row locks (SQLite): the constraint still keeps it to one.
        raise DomainError(_("Someone else decided this step a moment ago. Reload the page."),
                          "not_under_review", status=409)
    if verdict == Verdict.RETURN:
        outcome, next_step = RETURNED, None
    elif verdict == Verdict.REJECT:
        outcome, next_step = REJECTED, None
    else:
        later = [s for s in steps if s.position > step.position]
        next_step = later[0] if later else None
        outcome = NEXT_STEP if next_step else APPROVED
    result = Result(subject=item, decision=decision, outcome=outcome, next_step=next_step)
    extra = on_outcome(item, result) if on_outcome else {}
    record(actor=actor, action=audit_action, organization=item.organization, obj=item, after={
        "decision": decision.pk, "step": step.position, "step_name": decision.step_name,
        "revision": item.revision, "round": item.review_round, "verdict": verdict,
        "comment": comment, "outcome": outcome, **extra})
    return result
