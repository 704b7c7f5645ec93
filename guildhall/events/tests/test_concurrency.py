"""Simultaneous approvals on PostgreSQL (SQLite ignores row locks and serializes writers)."""

import tempfile
import threading

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase, override_settings

from guildhall.audit.models import AuditRecord
from guildhall.core.errors import DomainError
from guildhall.events import services
from guildhall.events.models import Filing, Status
from guildhall.events.tests.factories import make_filing
from guildhall.reviews.models import Decision
from guildhall.site.demo import seed


@pytest.mark.postgres
@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="guildhall-test-media-"))
class ConcurrentApprovalTest(TransactionTestCase):
    def test_twenty_simultaneous_approvals_give_one_decision_and_one_audit_record(self):
        if connection.vendor != "postgresql":
            self.skipTest("row locks are tested on PostgreSQL: run with DATABASE_URL=postgres://…")
        cast = seed()
        filing = make_filing(cast, cast.orgs["soft"], "submitted")
        approver_id = cast.user("sup-approver").pk
        barrier = threading.Barrier(20)
        outcomes: list[str] = []

        def approve() -> None:
            from django.contrib.auth import get_user_model

            try:
                actor = get_user_model().objects.get(pk=approver_id)
                target = Filing.objects.get(pk=filing.pk)
                barrier.wait()
                services.filing_approve(actor=actor, filing=target, revision=target.revision)
                outcomes.append("approved")
            except DomainError as exc:
                outcomes.append(f"refused {exc.status}")  # the state changed under them
            except Exception as exc:  # collected and asserted below
                outcomes.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=approve) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(outcomes.count("approved"), 1, outcomes)
        self.assertEqual(outcomes.count("refused 409"), 19, outcomes)
        self.assertEqual(Decision.objects.filter(subject_id=filing.pk, step=2).count(), 1)
        self.assertEqual(AuditRecord.objects.filter(action="events.filing.approve",
                                                    object_id=str(filing.pk)).count(), 1)
        self.assertEqual(Filing.objects.get(pk=filing.pk).status, Status.APPROVED)
