"""Province-scale incidents for the page benchmark (`guildhall seed_scale`)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from guildhall.incidents import figures
from guildhall.incidents.models import DEFAULT_MINUTES, Category, Incident, Report, Severity, Status
from guildhall.kit.scale import bulk_insert, numbered, people_of

PER_YEAR = 2
# Most incidents of past years are closed; a few stay open, some unreported.
STATES = [Status.CLOSED] * 8 + [Status.STABLE, Status.REPORTED, Status.OPEN]
LEVELS = [Severity.GENERAL] * 5 + [Severity.SIGNIFICANT] * 3 + [Severity.MAJOR, Severity.TBD]


def seed_scale(orgs: list[Any], *, years: int, rnd: random.Random, log: Any) -> None:
    editors = people_of(orgs, "editor")
    now = timezone.now()

    def rows():
        for org, n in numbered(orgs, years * PER_YEAR):
            found = now - dt.timedelta(minutes=rnd.randrange(30, 525_600 * years))
            severity, status = rnd.choice(LEVELS), rnd.choice(STATES)
            level = Severity.SIGNIFICANT if severity == Severity.TBD else severity
            due = found + dt.timedelta(minutes=DEFAULT_MINUTES["first"][level])
            after = rnd.choice([5, 20, 40, 90, 200, 2000])
            reported = None if status == Status.OPEN else found + dt.timedelta(minutes=after)
            incident = Incident(
                organization=org, title=f"{org.short_name}第{n + 1}起事件",
                category=rnd.choice(Category.values), severity=severity, discovered_at=found,
                status=status, clock_started_at=found, first_report_due=due,
                first_reported_at=reported, first_report_late=bool(reported and reported > due),
                minutes_to_first_report=after if reported else None,
                written_reported_at=reported,
                closed_at=found + dt.timedelta(days=3) if status == Status.CLOSED else None,
                created_by_id=editors[org.code], created_at=found, updated_at=found)
            incident.set_board_order()  # what `save` does
            yield incident
    bulk_insert(Incident, rows())

    def reports():
        for incident in Incident.objects.filter(organization__in=orgs).exclude(
                first_reported_at=None).only("pk", "severity", "first_reported_at",
                                             "created_by_id").iterator():
            ack = rnd.choice([10, 25, 60, 300, None])
            at = incident.first_reported_at
            yield Report(
                incident_id=incident.pk, kind=Report.Kind.WRITTEN, severity=incident.severity,
                reported_at=at, created_at=at, made_by_id=incident.created_by_id, text="首报",
                ack_due=at + dt.timedelta(minutes=240),
                acknowledged_at=at + dt.timedelta(minutes=ack) if ack else None,
                minutes_to_ack=ack, ack_late=bool(ack and ack > 240))
    bulk_insert(Report, reports())
    figures.refresh_all()
    log(f"{Incident.objects.count()} incidents, {Report.objects.count()} incident reports")
