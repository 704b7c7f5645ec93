"""Every figure on the dashboard equals the same figure recomputed from the records, here by
plain loops over the objects with the modules' own rules (`is_overdue`, ...), not through the
dashboard's queries: over the demo data and over a (small) province-scale data set."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from guildhall.audit.models import AuditRecord
from guildhall.dashboard.models import ExportLine, Row
from guildhall.dashboard.services import refresh_all
from guildhall.events.models import Filing
from guildhall.events.models import Status as FilingStatus
from guildhall.incidents.models import RANK, Incident
from guildhall.incidents.models import Status as IncidentStatus
from guildhall.orgs.models import Membership, Organization
from guildhall.plans.models import ItemStatus, Plan, PlanItem
from guildhall.publications.models import Channel, ChannelStatus, Publication
from guildhall.publications.models import Status as PubStatus
from guildhall.reviews.services import SUPERVISOR
from guildhall.study.models import (
    Acknowledgement,
    CodeVersion,
    PlanTopic,
    SessionStatus,
    StudySession,
    VersionStatus,
)
from guildhall.testing import ALL_DEMO, GuildhallTestCase


def recomputed(org: Organization, now: dt.datetime) -> dict[str, Any]:
    today = timezone.localdate(now)
    year = today.year
    items = [i for i in PlanItem.objects.filter(organization=org, plan__year=year)
             if i.status != ItemStatus.DROPPED]
    done = sum(1 for i in items if i.status == ItemStatus.DONE)
    plan = Plan.objects.filter(organization=org, year=year).first()
    last = Plan.objects.filter(organization=org, year=year - 1).first()
    filings = [f for f in Filing.objects.filter(organization=org) if f.status == FilingStatus.SUBMITTED]
    pubs = [p for p in Publication.objects.filter(organization=org)
            if p.status == PubStatus.IN_REVIEW and p.current_step_level == SUPERVISOR]
    incidents = list(Incident.objects.filter(organization=org))
    open_ = [i for i in incidents if i.status != IncidentStatus.CLOSED]
    late = [i for i in incidents if timezone.localtime(i.discovered_at).year == year and (
        i.first_report_late or (i.first_reported_at is None and i.first_report_due < now))]
    sessions = [s for s in StudySession.objects.filter(organization=org)
                if s.status == SessionStatus.CONFIRMED and timezone.localtime(s.held_at).year == year]
    members = {m.user_id for m in Membership.objects.filter(organization=org).select_related("user")
               if m.is_active and m.user.is_active}
    acked = total = 0
    for version in CodeVersion.objects.filter(organization=org, status=VersionStatus.PUBLISHED):
        acked += len({a.user_id for a in Acknowledgement.objects.filter(version=version)} & members)
        total += len(members)
    admins = [m for m in Membership.objects.filter(organization=org, role="admin").select_related("user")
              if m.is_active and m.user.is_active]
    activity = [r.created_at for r in AuditRecord.objects.filter(organization_id=org.pk)
                if not r.action.startswith(("auth.", "permission.", "test."))]
    return {
        "plan_items": len(items), "plan_done": done,
        "completion": round(done * 100 / len(items)) if items else None,
        "overdue": sum(1 for i in items if i.is_overdue(today)),
        "plan_status": plan.status if plan else "", "grade": last.grade if last else "",
        "filings_pending": len(filings), "publications_pending": len(pubs),
        "pending": len(filings) + len(pubs),
        "pending_overdue": sum(1 for f in filings if f.is_decision_overdue(today))
        + sum(1 for p in pubs if p.review_due and p.review_due < today),
        "channels_paused": sum(1 for c in Channel.objects.filter(organization=org)
                               if c.status == ChannelStatus.PAUSED),
        "incidents_open": len(open_),
        "top_rank": min((RANK[i.severity] for i in open_), default=None),
        "late_reports": len(late),
        "study_sessions": len(sessions), "study_hours": sum((s.hours for s in sessions), Decimal(0)),
        "study_planned": PlanTopic.objects.filter(organization=org, year=year).count(),
        "ack_rate": round(acked * 100 / total) if total else None,
        "has_admin": bool(admins), "last_activity": max(activity, default=None),
    }


class FiguresMatchRecordsMixin:
    def assert_rows_match_records(self, expected_rows: int) -> None:
        rows = list(Row.objects.select_related("organization"))
        self.assertEqual(len(rows), expected_rows)
        checked = set()
        for row in rows:
            expected = recomputed(row.organization, row.computed_at)
            got = {key: getattr(row, key) for key in expected}
            self.assertEqual(got, expected, row.organization.code)
            if row.top_rank is not None:
                self.assertEqual(RANK[row.top_severity], row.top_rank)
            checked |= {k for k, v in expected.items() if v not in (None, 0, "", False)}
        self.assert_export_lines_match_rows(rows)
        return checked

    def assert_export_lines_match_rows(self, rows: list[Row]) -> None:
        """Each row's export lines, in every language, are what its figures write now."""
        from django.conf import settings
        from django.utils.translation import override

        from guildhall.dashboard import export
        from guildhall.dashboard.cells import export_fields
        from guildhall.dashboard.sources import columns

        shown = columns()
        fields = ["pk", *export_fields(shown)]
        values = [v for chunk in export.driver_chunks(Row.objects.order_by("pk"), fields) for v in chunk]
        for language, _name in settings.LANGUAGES:
            with override(language):
                expected = dict(zip([v[0] for v in values], export.line_parts(shown)(
                    [v[1:] for v in values]), strict=True))
                version = export.version(shown)
            kept = {line.row_id: (line.head, line.tail) for line in ExportLine.objects.filter(
                language=language, version=version)}
            self.assertEqual(kept, expected, language)
            self.assertEqual(len(kept), len(rows))


class DemoFiguresTest(FiguresMatchRecordsMixin, GuildhallTestCase):
    demo_modules = ALL_DEMO

    def test_every_figure_of_the_demo_equals_the_records(self):
        refresh_all()
        checked = self.assert_rows_match_records(
            Organization.objects.filter(kind="association", is_active=True).count())
        # The demo exercises the figures: they are not all zero.
        for key in ("completion", "overdue", "pending", "incidents_open", "study_sessions",
                    "has_admin", "last_activity"):
            self.assertIn(key, checked)

    def test_the_page_and_the_api_show_the_stored_figures(self):
        refresh_all()
        api = self.api_client("sup-viewer")
        found = api.get(f"/api/v1/dashboard/{self.sup.pk}/rows", {"page_size": 100}).json()["items"]
        self.assertEqual({r["organization"] for r in found}, {self.soft.pk, self.logi.pk, self.tour.pk})
        for item in found:
            row = Row.objects.get(organization_id=item["organization"])
            expected = recomputed(row.organization, row.computed_at)
            for key in ("completion", "overdue", "pending", "incidents_open", "late_reports",
                        "study_sessions", "ack_rate", "channels_paused", "has_admin"):
                self.assertEqual(item[key], expected[key], key)


class ScaleFiguresTest(FiguresMatchRecordsMixin, GuildhallTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from guildhall.site.scale import seed_scale

        seed_scale(associations=24, years=2, supervisors=3, audit_per_org_year=3, log=lambda m: None)

    def test_every_figure_at_scale_equals_the_records(self):
        # seed_scale's last step (dashboard/scale.py) computed the rows.
        checked = self.assert_rows_match_records(
            Organization.objects.filter(kind="association", is_active=True).count())
        for key in ("completion", "overdue", "pending", "incidents_open", "late_reports",
                    "study_sessions", "ack_rate"):
            self.assertIn(key, checked)
