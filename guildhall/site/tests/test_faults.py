"""Faults on the production path (PostgreSQL): the app server killed with SIGKILL during
200 concurrent writes leaves no half-written record and an intact audit chain; the
database dropping every connection costs no restart of the app server."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone

from guildhall.accounts.services import token_create
from guildhall.audit.models import AuditRecord
from guildhall.audit.services import verify_chain
from guildhall.events.models import Filing
from guildhall.site.demo import seed
from guildhall.testing.servers import Servers

WRITES = 200


def _filing(org_id: int, n: int) -> dict:
    start = timezone.now() + dt.timedelta(days=60)
    return {"organization": org_id, "title": f"并发写入的活动 {n}", "type": "seminar",
            "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
            "venue": "协会会议室"}


@pytest.mark.postgres
class FaultsTest(TransactionTestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("the production path runs on PostgreSQL (CI runs the suite on both)")
        self.cast = seed(modules=())
        self.soft = self.cast.orgs["soft"]
        self.key = token_create(actor=self.cast.user("soft-editor"), name="faults")[1]
        self.servers = Servers(self.addCleanup, redis=False)

    def _post(self, url: str, n: int) -> int | None:
        try:
            return requests.post(url + "/api/v1/events/", json=_filing(self.soft.pk, n), timeout=60,
                                 headers={"Authorization": f"Bearer {self.key}"}).status_code
        except requests.RequestException:
            return None  # the server died under this request

    def test_sigkill_during_200_concurrent_writes_leaves_whole_records_and_the_chain(self):
        url, server = self.servers.serve(workers=2)
        with ThreadPoolExecutor(16) as pool:
            futures = [pool.submit(self._post, url, n) for n in range(WRITES)]
            deadline = time.monotonic() + 120
            while sum(f.done() for f in futures) < WRITES // 4 and time.monotonic() < deadline:
                time.sleep(0.005)
            os.killpg(server.pid, signal.SIGKILL)  # the master and its workers, mid-write
            statuses = [f.result() for f in futures]
        answered = statuses.count(201)
        self.assertGreater(answered, 0)
        self.assertIn(None, statuses)  # some writes really were cut off
        self.assertEqual(set(statuses) - {201, None}, set())

        filings = Filing.objects.filter(title__startswith="并发写入的活动")
        self.assertGreaterEqual(filings.count(), answered)  # every 201 is in the database
        self.assertLessEqual(filings.count(), WRITES)
        for filing in filings:  # and each is whole: its first revision and its audit record
            self.assertEqual(list(filing.revisions.values_list("number", flat=True)), [1])
            self.assertTrue(AuditRecord.objects.filter(
                action="events.filing.create", object_id=str(filing.pk)).exists())
        self.assertEqual(AuditRecord.objects.filter(action="events.filing.create").count(),
                         filings.count())  # no audit record of a write that was not kept
        chain = verify_chain()
        self.assertTrue(chain.ok, chain.problem)

        # A new server on the same data takes writes again.
        url, _server = self.servers.serve()
        self.assertEqual(self._post(url, WRITES + 1), 201)
        self.assertTrue(verify_chain().ok)

    def test_the_server_recovers_when_the_database_drops_every_connection(self):
        url, _server = self.servers.serve(workers=1)
        headers = {"Authorization": f"Bearer {self.key}"}
        self.assertEqual(requests.get(url + "/api/v1/events/", headers=headers,
                                      timeout=30).status_code, 200)
        with connection.cursor() as cursor:  # as a database restart does to the server's
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            self.assertGreater(cursor.rowcount, 0)
        # The persistent connection is dead; the health check replaces it, no restart.
        for _ in range(3):
            self.assertEqual(requests.get(url + "/api/v1/events/", headers=headers,
                                          timeout=30).status_code, 200)
        self.assertEqual(self._post(url, 1), 201)
