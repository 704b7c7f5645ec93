"""Simultaneous acknowledgements and closings on PostgreSQL (SQLite serializes writers)."""

import threading

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase

from guildhall.audit.models import AuditRecord
from guildhall.core.errors import DomainError
from guildhall.incidents import services
from guildhall.incidents.models import Incident, Report, Status
from guildhall.incidents.tests.factories import make_incident, register
from guildhall.site.demo import seed


def race(n, work):
    barrier = threading.Barrier(n)
    outcomes: list[str] = []

    def run() -> None:
        try:
            barrier.wait()
            work()
            outcomes.append("done")
        except DomainError as exc:
            outcomes.append(f"refused {exc.status}")
        except Exception as exc:  # collected and asserted by the caller
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.postgres
class ConcurrentIncidentTest(TransactionTestCase):
    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest("row locks are tested on PostgreSQL: run with DATABASE_URL=postgres://…")
        self.cast = seed(modules=())

    def test_ten_simultaneous_acknowledgements_give_one(self):
        incident = register(self.cast, self.cast.orgs["soft"])
        report_id = incident.reports.get().pk
        approver = self.cast.user("sup-approver")

        outcomes = race(10, lambda: services.report_acknowledge(
            actor=approver, incident=Incident.objects.get(pk=incident.pk), report_id=report_id,
            instruction="批示"))
        self.assertEqual(outcomes.count("done"), 1, outcomes)
        self.assertEqual(outcomes.count("refused 409"), 9, outcomes)
        self.assertEqual(AuditRecord.objects.filter(action="incidents.incident.acknowledge").count(), 1)

    def test_ten_simultaneous_closings_give_one_closing_report(self):
        incident = make_incident(self.cast, self.cast.orgs["soft"], "stable")
        principal = self.cast.user("soft-principal")

        outcomes = race(10, lambda: services.incident_close(
            actor=principal, incident=Incident.objects.get(pk=incident.pk), cause="c",
            actions="a", results="r", lessons="l"))
        self.assertEqual(outcomes.count("done"), 1, outcomes)
        self.assertEqual(outcomes.count("refused 409"), 9, outcomes)
        self.assertEqual(Report.objects.filter(kind="closing").count(), 1)
        self.assertEqual(Incident.objects.get(pk=incident.pk).status, Status.CLOSED)
