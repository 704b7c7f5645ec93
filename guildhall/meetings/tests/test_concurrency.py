"""Meetings of one association recorded at the same moment on PostgreSQL (SQLite serializes
writers): the stored count is the number held, not the last writer's own recount. (The
services' lock of the meeting also locks its association's row, and `counts.refresh` locks
the year's row before it counts: either keeps two recounts apart.)"""

import threading

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase
from django.utils import timezone

from guildhall.meetings import services
from guildhall.meetings.models import HeldCount, Meeting
from guildhall.meetings.tests.factories import make_meeting
from guildhall.site.demo import seed


@pytest.mark.postgres
class ConcurrentRecordTest(TransactionTestCase):
    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest("row locks are tested on PostgreSQL: run with DATABASE_URL=postgres://…")
        self.cast = seed(modules=())

    def test_eight_meetings_recorded_at_once_count_eight_more(self):
        soft = self.cast.orgs["soft"]
        editor = self.cast.user("soft-editor")
        make_meeting(self.cast, soft, state="held")  # the year's row exists: no insert waits
        drafts = [make_meeting(self.cast, soft).pk for _ in range(8)]
        barrier = threading.Barrier(len(drafts))
        errors: list[str] = []

        def record(pk: int) -> None:
            try:
                barrier.wait()
                services.meeting_record(actor=editor, meeting=Meeting.objects.get(pk=pk))
            except Exception as exc:  # collected and asserted below
                errors.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=record, args=(pk,)) for pk in drafts]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        year = timezone.localdate().year
        self.assertEqual(HeldCount.objects.get(organization=soft, year=year).held, 9)
