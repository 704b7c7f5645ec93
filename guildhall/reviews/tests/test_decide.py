"""The shared review mechanism, exercised through event filings (its first user)."""

import tempfile
from unittest import mock

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from guildhall.audit.models import AuditRecord
from guildhall.core.errors import DomainError
from guildhall.events import services
from guildhall.events.models import Filing, FilingRules, Status
from guildhall.events.tests.factories import make_filing
from guildhall.reviews import services as reviews
from guildhall.reviews.models import Decision, Verdict
from guildhall.testing import GuildhallTestCase


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="guildhall-test-media-"))
class DecideTest(GuildhallTestCase):
    def setUp(self):
        self.filing = make_filing(self.cast, self.soft, "submitted")

    def decide(self, username, verdict=Verdict.APPROVE, comment="", revision=None, **kw):
        return reviews.decide(actor=self.user(username), subject=self.filing,
                              revision=self.filing.revision if revision is None else revision,
                              verdict=verdict, comment=comment, steps=self.filing.review_steps(),
                              **kw)

    def assertRefused(self, code, status, **kw):
        with self.assertRaises(DomainError) as ctx:
            self.decide(**kw)
        self.assertEqual((ctx.exception.code, ctx.exception.status), (code, status))

    def test_it_records_one_decision_bound_to_the_revision_and_one_audit_record(self):
        before = AuditRecord.objects.count()
        result = self.decide("sup-approver", comment="同意")
        self.assertEqual(result.outcome, reviews.APPROVED)
        decision = result.decision
        self.assertEqual((decision.revision, decision.step, decision.verdict, decision.reviewer),
                         (self.filing.revision, 2, Verdict.APPROVE, self.user("sup-approver")))
        self.assertEqual(AuditRecord.objects.count(), before + 1)
        self.assertEqual(AuditRecord.objects.order_by("-seq").first().after["decision"], decision.pk)

    def test_it_refuses_a_stale_revision_with_409(self):
        self.assertRefused("stale_revision", 409, username="sup-approver",
                           revision=self.filing.revision - 1)

    def test_it_refuses_review_by_the_author(self):
        self.filing.created_by = self.user("sup-approver")  # as if they had written it
        self.filing.save(update_fields=["created_by"])
        self.assertRefused("own_item", 403, username="sup-approver")

    def test_it_refuses_someone_without_the_steps_role(self):
        self.assertRefused("not_reviewer", 403, username="sup-viewer")
        self.assertRefused("not_reviewer", 403, username="soft-principal")

    def test_it_requires_a_comment_to_return_or_reject(self):
        self.assertRefused("comment_required", 400, username="sup-approver", verdict=Verdict.RETURN)
        self.assertRefused("comment_required", 400, username="sup-approver", verdict=Verdict.REJECT)
        self.assertFalse(Decision.objects.filter(subject_id=self.filing.pk, step=2).exists())

    def test_it_can_require_a_comment_at_every_step(self):
        self.assertRefused("comment_required", 400, username="sup-approver", comment_always=True)

    def test_it_refuses_a_decided_item(self):
        self.decide("sup-approver")
        self.filing.refresh_from_db()
        self.assertRefused("not_under_review", 409, username="sup-approver")

    def test_nobody_decides_two_steps_of_the_same_revision(self):
        FilingRules.objects.update_or_create(supervisor=self.sup, defaults={"approval_steps": 2})
        filing = make_filing(self.cast, self.logi, "submitted")
        self.filing = filing
        result = self.decide("sup-approver")
        self.assertEqual(result.outcome, reviews.NEXT_STEP)
        self.assertEqual(result.next_step.position, 3)
        self.assertRefused("already_reviewed", 403, username="sup-approver")
        self.assertFalse(reviews.may_decide(self.user("sup-approver"), filing, filing.review_steps()))

    def test_the_current_step_follows_the_approvals_of_the_round(self):
        steps = self.filing.review_steps()
        self.assertEqual(reviews.current_step(self.filing, steps).position, 2)
        self.assertEqual([s.level for s in steps], [reviews.OWN, reviews.SUPERVISOR])

    def test_a_return_ends_the_round_and_the_filing_goes_back_to_the_editor(self):
        filing = services.filing_return(actor=self.user("sup-approver"), filing=self.filing,
                                        revision=self.filing.revision, comment="请补充")
        self.assertEqual(filing.status, Status.RETURNED)
        self.assertEqual(Filing.objects.get(pk=filing.pk).status, Status.RETURNED)

    def test_reviewers_of_an_earlier_round_may_decide_again_after_an_unchanged_resubmission(self):
        # Submitted (the principal signed step 1 of round 1), withdrawn, resubmitted without
        # edits: the same revision, a new round, so the principal's sign-off counts again.
        filing = services.filing_withdraw(actor=self.user("soft-editor"), filing=self.filing,
                                          reason="误操作")
        filing = services.filing_submit(actor=self.user("soft-editor"), filing=filing)
        self.assertEqual(filing.revision, self.filing.revision)
        self.assertGreater(filing.review_round, self.filing.review_round)
        principal = self.user("soft-principal")
        self.assertTrue(reviews.may_decide(principal, filing, filing.review_steps()))
        filing = services.filing_sign_off(actor=principal, filing=filing, revision=filing.revision)
        self.assertEqual(Decision.objects.filter(subject_id=filing.pk, round=filing.review_round,
                                                 reviewer=principal).count(), 1)

    def test_distinct_reviewers_still_holds_within_the_round_after_a_resubmission(self):
        FilingRules.objects.update_or_create(supervisor=self.sup, defaults={"approval_steps": 2})
        filing = make_filing(self.cast, self.logi, "submitted")
        filing = services.filing_withdraw(actor=self.user("logi-editor"), filing=filing,
                                          reason="误操作")
        filing = services.filing_submit(actor=self.user("logi-editor"), filing=filing)
        filing = services.filing_sign_off(actor=self.user("logi-principal"), filing=filing,
                                          revision=filing.revision)
        self.filing = filing
        self.decide("sup-approver")
        self.filing.refresh_from_db()
        self.assertRefused("already_reviewed", 403, username="sup-approver")


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="guildhall-test-media-"))
class RefusalTest(GuildhallTestCase):
    """The buttons (`may_decide`) and the action (`decide`) refuse through one `refusal()`."""

    def setUp(self):
        self.filing = make_filing(self.cast, self.soft, "submitted")
        self.steps = self.filing.review_steps()

    def refusal(self, username, **kw):
        refused = reviews.refusal(self.user(username), self.filing, self.steps, **kw)
        return refused and (refused.code, refused.status)

    def test_the_approver_may_decide_and_nobody_else(self):
        self.assertIsNone(reviews.refusal(self.user("sup-approver"), self.filing, self.steps))
        self.assertEqual(self.refusal("sup-viewer"), ("not_reviewer", 403))
        self.assertEqual(self.refusal("soft-editor"), ("own_item", 403))
        self.assertFalse(reviews.may_decide(None, self.filing, self.steps))

    def test_it_names_the_same_refusal_that_decide_raises(self):
        cases = [
            ("sup-approver", {"revision": self.filing.revision - 1}),
            ("sup-approver", {"verdict": Verdict.RETURN, "comment": " "}),
            ("sup-approver", {"comment": "", "comment_always": True}),
            ("soft-editor", {}),
            ("sup-viewer", {}),
        ]
        for username, kw in cases:
            with self.subTest(username=username, **kw):
                kw = {"revision": self.filing.revision, "verdict": Verdict.APPROVE,
                      "comment": "", **kw}
                refused = reviews.refusal(self.user(username), self.filing, self.steps, **kw)
                with self.assertRaises(DomainError) as ctx:
                    reviews.decide(actor=self.user(username), subject=self.filing,
                                   steps=self.steps, **kw)
                self.assertEqual((refused.code, refused.status, str(refused)),
                                 (ctx.exception.code, ctx.exception.status, str(ctx.exception)))

    def test_the_buttons_ignore_the_verdict_and_the_comment_not_yet_chosen(self):
        self.assertTrue(reviews.may_decide(self.user("sup-approver"), self.filing, self.steps))
        self.assertEqual(self.refusal("sup-approver", verdict=Verdict.REJECT, comment=""),
                         ("comment_required", 400))

    def test_a_decided_item_is_refused_to_the_buttons_too(self):
        services.filing_approve(actor=self.user("sup-approver"), filing=self.filing,
                                revision=self.filing.revision)
        self.filing.refresh_from_db()
        self.assertEqual(self.refusal("sup-approver"), ("not_under_review", 409))
        self.assertFalse(reviews.may_decide(self.user("sup-approver"), self.filing, self.steps))

    def test_decide_locks_the_row_once_and_not_again_for_a_caller_holding_the_lock(self):
        with mock.patch.object(reviews, "lock", wraps=reviews.lock) as lock:
            services.filing_approve(actor=self.user("sup-approver"), filing=self.filing,
                                    revision=self.filing.revision)
        lock.assert_not_called()  # the module locked the filing; decide() used that row
        filing = make_filing(self.cast, self.logi, "submitted")
        with mock.patch.object(reviews, "lock", wraps=reviews.lock) as lock:
            reviews.decide(actor=self.user("sup-approver"), subject=filing,
                           revision=filing.revision, verdict=Verdict.APPROVE, comment="",
                           steps=filing.review_steps())
        lock.assert_called_once()

    def test_a_decision_takes_one_row_lock_on_postgresql(self):
        if connection.vendor != "postgresql":
            self.skipTest("row locks are PostgreSQL's")
        with CaptureQueriesContext(connection) as queries:
            services.filing_approve(actor=self.user("sup-approver"), filing=self.filing,
                                    revision=self.filing.revision)
        locks = [q["sql"] for q in queries
                 if 'FROM "events_filing"' in q["sql"] and "FOR UPDATE" in q["sql"]]
        self.assertEqual(len(locks), 1, locks)

    def test_a_caller_claiming_the_lock_must_hold_a_transaction(self):
        with self.assertRaises(RuntimeError):
            with mock.patch.object(connection, "in_atomic_block", False):
                reviews.decide(actor=self.user("sup-approver"), subject=self.filing,
                               revision=self.filing.revision, verdict=Verdict.APPROVE,
                               comment="", steps=self.steps, locked=True)
