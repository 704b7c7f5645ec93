"""The dashboard's pages: rows of the associations below only, filters, sort, the export, the
links to act, the figures refreshed after a write, absent modules, the annual-report hook."""

from __future__ import annotations

import io
import re
import sys
import types
import zipfile
from unittest import mock
from urllib.parse import urlencode

from django.http import QueryDict
from django.test import override_settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from guildhall.dashboard import queries, sources
from guildhall.dashboard.models import Row
from guildhall.dashboard.services import refresh, refresh_all
from guildhall.orgs.models import Organization
from guildhall.testing import ALL_DEMO, GuildhallTestCase


def row_ids(response) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="row-(\d+)"', response.content.decode())]


class DashboardPageTest(GuildhallTestCase):
    demo_modules = ALL_DEMO

    def setUp(self):
        refresh_all()

    def url(self, org=None, **query):
        return f"/o/{(org or self.sup).pk}/dashboard/"

    def test_it_lists_the_associations_below_and_no_others(self):
        self.login("sup-viewer")
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(set(row_ids(response)), {self.soft.pk, self.logi.pk, self.tour.pk})
        self.assertNotContains(response, self.chem.name)
        self.login("sup2-viewer")
        response = self.client.get(self.url(self.sup2))
        self.assertEqual(row_ids(response), [self.chem.pk])
        self.assertNotContains(response, self.soft.name)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_it_refuses_the_associations_and_the_wrong_method(self):
        self.login("soft-principal")
        self.assertEqual(self.client.get(self.url(self.soft)).status_code, 403)
        self.login("sup-viewer")
        self.assertEqual(self.client.post(self.url()).status_code, 405)

    def test_it_filters_by_threshold_and_sorts_by_any_column(self):
        self.login("sup-viewer")
        overdue = [r.organization_id for r in Row.objects.filter(overdue__gt=0)
                   if r.organization.path.startswith(self.sup.path)]
        self.assertTrue(overdue)
        self.assertEqual(sorted(row_ids(self.client.get(self.url(), {"only": "overdue"}))),
                         sorted(overdue))
        late_first = row_ids(self.client.get(self.url(), {"sort": "-late_reports"}))
        late = [Row.objects.get(pk=pk).late_reports for pk in late_first]
        self.assertEqual(late, sorted(late, reverse=True))
        for column in sources.columns():
            for sign in ("", "-"):
                response = self.client.get(self.url(), {"sort": sign + column.key})
                self.assertEqual(len(row_ids(response)), 3, column.key)

    def test_it_searches_by_name_and_credit_code(self):
        self.login("sup-viewer")
        self.assertEqual(row_ids(self.client.get(self.url(), {"q": self.soft.name[:4]})), [self.soft.pk])
        self.assertEqual(row_ids(self.client.get(self.url(), {"q": self.logi.credit_code.lower()})),
                         [self.logi.pk])

    def test_a_chart_bar_lists_the_associations_behind_it(self):
        self.login("sup-viewer")
        severities = {s for r in Row.objects.filter(organization__path__startswith=self.sup.path)
                      for s in r.charts.get("incidents", {})}
        self.assertTrue(severities)
        for severity in severities:
            behind = {r.organization_id for r in Row.objects.filter(
                organization__path__startswith=self.sup.path) if severity in r.charts.get("incidents", {})}
            response = self.client.get(self.url(), {"chart": f"incidents:{severity}"})
            self.assertEqual(set(row_ids(response)), behind)

    def test_the_page_carries_the_charts_data_and_no_inline_script(self):
        self.login("sup-viewer")
        body = self.client.get(self.url()).content.decode()
        self.assertIn('id="dashboard-charts" type="application/json"', body)
        self.assertIn("vendor/echarts/echarts.min.js", body)
        self.assertIn("guildhall/dashboard.js", body)
        self.assertIsNone(re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))[^>]*>", body))

    def test_viewers_read_and_approvers_get_the_links_to_act(self):
        self.login("sup-viewer")
        queue = 'id="dash-open-queue"'
        self.assertNotContains(self.client.get(self.url()), queue)
        self.assertNotContains(self.client.get(f"/o/{self.soft.pk}/dashboard/association/"), queue)
        self.login("sup-approver")
        self.assertContains(self.client.get(self.url()), queue)
        self.assertContains(self.client.get(f"/o/{self.soft.pk}/dashboard/association/"), queue)

    def test_the_detail_page_shows_members_by_role_and_the_admins_names(self):
        self.login("sup-viewer")
        response = self.client.get(f"/o/{self.soft.pk}/dashboard/association/")
        self.assertContains(response, self.user("soft-admin").display_name)
        self.assertNotContains(response, self.user("soft-editor").display_name)
        self.assertContains(response, f"/o/{self.soft.pk}/audit/")
        self.login("sup2-viewer")
        self.assertEqual(self.client.get(f"/o/{self.soft.pk}/dashboard/association/").status_code, 404)

    def test_the_export_holds_exactly_the_filtered_rows_with_the_page_figures(self):
        self.login("sup-viewer")
        response = self.client.get(f"/o/{self.sup.pk}/dashboard/export.xlsx", {"only": "overdue"})
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        header, *lines = list(sheet.iter_rows(values_only=True))
        expected = Row.objects.filter(overdue__gt=0, organization__path__startswith=self.sup.path)
        self.assertEqual({line[0] for line in lines}, {r.organization.name for r in expected})
        at = header.index("逾期事项")
        for line in lines:
            self.assertEqual(line[at], Row.objects.get(organization__name=line[0]).overdue)

    def test_the_export_gives_each_last_activity_its_local_day(self):
        import datetime as dt

        from django.utils import timezone

        # Times either side of midnight in Shanghai and in New York (in and out of summer time).
        times = [dt.datetime(2026, 3, 1, 15, 59, 59, 999999), dt.datetime(2026, 3, 1, 16),
                 dt.datetime(2026, 3, 8, 6, 59, 59), dt.datetime(2026, 3, 8, 7, 0, 0, 1),
                 dt.datetime(2026, 11, 1, 4, 30), dt.datetime(2026, 7, 1, 3, 59, 59)]
        rows = list(Row.objects.filter(organization__path__startswith=self.sup.path)
                    .order_by("pk")[:len(times)])
        for row, at in zip(rows, times, strict=False):
            Row.objects.filter(pk=row.pk).update(last_activity=at.replace(tzinfo=dt.UTC))
        self.login("sup-viewer")
        for zone in ("Asia/Shanghai", "America/New_York"):
            with self.settings(TIME_ZONE=zone):
                response = self.client.get(f"/o/{self.sup.pk}/dashboard/export.xlsx")
                header, *lines = load_workbook(io.BytesIO(b"".join(
                    response.streaming_content))).active.iter_rows(values_only=True)
                at = header.index("最近活动")
                days = {line[0]: line[at] for line in lines}
                for row in Row.objects.filter(pk__in=[r.pk for r in rows]).select_related(
                        "organization"):
                    self.assertEqual(days[row.organization.name], timezone.localtime(
                        row.last_activity, timezone.get_default_timezone()).date().isoformat(),
                        (zone, row.last_activity))

    def test_the_export_neutralizes_formulas(self):
        from guildhall.orgs.services import organization_update

        # Through the service, as every change of a name: audited, so the row (and its export
        # line) is refreshed once the change is committed.
        with self.captureOnCommitCallbacks(execute=True):
            organization_update(actor=self.user("sup-admin"), org=self.tour, data={
                "name": '=HYPERLINK("http://x","y")', "region": "@SUM(1)"})
        self.login("sup-viewer")
        response = self.client.get(f"/o/{self.sup.pk}/dashboard/export.xlsx")
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        values = [c for line in sheet.iter_rows(values_only=True) for c in line]
        self.assertIn("'=HYPERLINK(\"http://x\",\"y\")", values)
        self.assertIn("'@SUM(1)", values)
        self.assertNotIn('=HYPERLINK("http://x","y")', values)

    def sheet_xml(self, query=None) -> bytes:
        response = self.client.get(f"/o/{self.sup.pk}/dashboard/export.xlsx", query or {})
        with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as book:
            return book.read("xl/worksheets/sheet1.xml")

    def test_the_export_joins_the_lines_kept_with_the_rows_as_it_would_write_the_values(self):
        from django.utils import translation

        from guildhall.dashboard import export
        from guildhall.dashboard.cells import export_chunks, export_fields, export_header
        from guildhall.dashboard.models import ExportLine
        from guildhall.dashboard.sources import columns
        from guildhall.lib import xlsx

        rows = Row.objects.filter(organization__path__startswith=self.sup.path)
        self.assertEqual(ExportLine.objects.filter(row__in=rows).count(), rows.count() * 2)
        self.login("sup-viewer")
        for language in ("zh-hans", "en"):
            self.client.cookies["django_language"] = language
            for query in ({}, {"sort": "-last_activity"}, {"only": "overdue"}):
                kept = self.sheet_xml(query)
                # What the values of the same rows make when written cell by cell.
                with translation.override(language):
                    shown = columns()
                    filters = queries.Filters.parse(QueryDict(urlencode(query)))
                    ordered = queries.sorted_rows(queries.filtered(self.sup, filters), filters)
                    convert = export_chunks(shown, export.neutralized)
                    values = [line for chunk in export.driver_chunks(ordered, export_fields(shown))
                              for line in convert(chunk)]
                    header = [export.neutralized(h) for h in export_header(shown)]
                    data = b"".join(xlsx.stream(_("Associations"), header, values))
                with zipfile.ZipFile(io.BytesIO(data)) as book:
                    self.assertEqual(kept, book.read("xl/worksheets/sheet1.xml"), (language, query))
                self.assertEqual(kept.count(b"<row>"), len(values) + 1)
                # Without the lines (another version, or none), the rows are written the same.
                ExportLine.objects.filter(pk=ExportLine.objects.filter(
                    language=language).order_by("pk").values("pk")[:1]).update(version="old")
                self.assertEqual(self.sheet_xml(query), kept)
                ExportLine.objects.all().delete()
                self.assertEqual(self.sheet_xml(query), kept)
                refresh_all()

    def test_a_line_of_another_version_is_not_used_and_is_written_again(self):
        from guildhall.dashboard.models import ExportLine
        from guildhall.dashboard.services import refresh_stale

        line = ExportLine.objects.get(row__organization=self.soft, language="zh-hans")
        current = line.version
        ExportLine.objects.filter(pk=line.pk).update(head="<row>" + line.head[5:].replace(
            self.soft.name, "旧的名称"))
        self.login("sup-viewer")
        self.assertIn("旧的名称".encode(), self.sheet_xml())  # the line kept is what is read
        ExportLine.objects.filter(pk=line.pk).update(version="0" * 16)
        self.assertNotIn("旧的名称".encode(), self.sheet_xml())
        self.assertIn(self.soft.name.encode(), self.sheet_xml())
        refresh_stale(None)
        line.refresh_from_db()
        self.assertEqual((line.version, line.head.count(self.soft.name)), (current, 1))

    def test_a_new_name_is_in_the_next_export(self):
        from guildhall.orgs.services import organization_update

        with self.captureOnCommitCallbacks(execute=True):
            organization_update(actor=self.user("sup-admin"), org=self.soft,
                                data={"name": "新名称软件协会"})
        self.login("sup-viewer")
        self.assertIn("新名称软件协会".encode(), self.sheet_xml())

    def test_query_count_does_not_grow_with_the_associations(self):
        self.login("sup-viewer")
        self.client.get(self.url())
        with self.assertQueryCountAtMost(40) as few:
            self.client.get(self.url())
        for i in range(15):
            org = Organization.objects.create(kind="association", parent=self.sup, code=f"more{i}",
                                              name=f"新增协会{i}", credit_code=_credit(i))
            org.path = f"{self.sup.path}{org.pk}/"
            org.save()
        refresh_all()
        self.client.get(self.url())
        with self.assertQueryCountAtMost(40) as many:
            self.client.get(self.url())
        self.assertEqual(len(few.captured_queries), len(many.captured_queries))

    def test_the_association_home_shows_its_own_row(self):
        self.login("soft-admin")
        response = self.client.get(f"/o/{self.soft.pk}/")
        row = Row.objects.get(organization=self.soft)
        self.assertContains(response, "上级主管单位看到的数据")
        self.assertContains(response, f"工作要点完成率（%） <span class=\"muted\">{row.completion}</span>")
        self.login("soft-staff")
        self.assertNotContains(self.client.get(f"/o/{self.soft.pk}/"), "上级主管单位看到的数据")


def _credit(i: int) -> str:
    from guildhall.orgs.demo import credit_code

    return credit_code(f"5132{700000 + i:06d}MJ{i:05d}"[:17])


class RefreshOnWriteTest(GuildhallTestCase):
    demo_modules = ALL_DEMO

    def test_an_audited_write_refreshes_the_row_once_committed(self):
        from guildhall.publications.models import Channel
        from guildhall.publications.services import channel_pause

        refresh_all()
        before = Row.objects.get(organization=self.soft).channels_paused
        channel = Channel.objects.filter(organization=self.soft, status="active").first()
        with self.captureOnCommitCallbacks(execute=True):
            channel_pause(actor=self.user("soft-principal"), channel=channel, reason="账号异常")
        self.assertEqual(Row.objects.get(organization=self.soft).channels_paused, before + 1)

    def test_key_tasks_issued_by_the_supervisor_mark_the_rows_below_stale(self):
        from django.utils import timezone

        from guildhall.audit.services import record

        refresh_all()
        with self.captureOnCommitCallbacks(execute=True):
            record(actor=self.user("sup-admin"), action="plans.template.issue", organization=self.sup)
        stale = set(Row.objects.filter(stale_after__lte=timezone.now()).values_list(
            "organization_id", flat=True))
        self.assertEqual(stale, {self.soft.pk, self.logi.pk, self.tour.pk})

    def test_a_row_gone_stale_is_recomputed_when_read(self):
        refresh_all()
        Row.objects.filter(organization=self.soft).update(overdue=999, stale_after="2000-01-01T00:00Z")
        self.login("sup-viewer")
        self.client.get(f"/o/{self.sup.pk}/dashboard/")
        self.assertNotEqual(Row.objects.get(organization=self.soft).overdue, 999)


class AbsentModulesTest(GuildhallTestCase):
    demo_modules = ALL_DEMO

    def tearDown(self):
        sources.forget_installed()

    def test_a_module_not_installed_has_no_columns_and_no_figures(self):
        real = sources.apps.is_installed
        with mock.patch.object(sources.apps, "is_installed",
                               side_effect=lambda name: name != "guildhall.incidents" and real(name)):
            sources.forget_installed()
            refresh_all()
            self.login("sup-viewer")
            response = self.client.get(f"/o/{self.sup.pk}/dashboard/")
            self.assertNotContains(response, 'id="sort-incidents"')
            self.assertNotContains(response, 'id="sort-late_reports"')
            self.assertNotContains(response, 'id="chart-incidents"')
            self.assertContains(response, 'id="sort-overdue"')
            self.assertIsNone(Row.objects.get(organization=self.soft).incidents_open)
            self.assertNotIn("incidents", Row.objects.get(organization=self.soft).charts)

    def test_the_annual_report_hook_fills_its_column_once_the_module_is_there(self):
        real = sources.apps.is_installed
        with mock.patch.object(sources.apps, "is_installed",
                               side_effect=lambda name: name != "guildhall.reports" and real(name)):
            sources.forget_installed()
            refresh_all()
            self.assertNotContains(self._page(), 'id="sort-report"')
        fake = types.ModuleType("guildhall.reports.queries")
        fake.status_by_organization = lambda ids, year: {self.soft.pk: "submitted",
                                                         self.logi.pk: "draft"}
        with mock.patch.dict(sys.modules, {"guildhall.reports.queries": fake}), \
                mock.patch.object(sources.apps, "is_installed",
                                  side_effect=lambda name: name == "guildhall.reports" or real(name)):
            sources.forget_installed()
            refresh([self.soft.pk, self.logi.pk, self.tour.pk])
            self.assertEqual(Row.objects.get(organization=self.soft).report_status, "submitted")
            self.assertEqual(Row.objects.get(organization=self.tour).report_status, "none")
            self.assertContains(self._page(), 'id="sort-report"')
            self.assertContains(self._page(), 'id="chart-reports"')
            self.assertEqual(set(row_ids(self._page({"only": "no_report"}))), {self.logi.pk, self.tour.pk})

    def _page(self, query=None):
        self.login("sup-viewer")
        return self.client.get(f"/o/{self.sup.pk}/dashboard/", query or {})


@override_settings(LANGUAGE_CODE="en")
class ApiTest(GuildhallTestCase):
    demo_modules = ALL_DEMO

    def test_the_api_filters_and_sorts_like_the_page(self):
        refresh_all()
        api = self.api_client("sup-viewer")
        found = api.get(f"/api/v1/dashboard/{self.sup.pk}/rows", {"only": "overdue"}).json()["items"]
        self.assertEqual({r["organization"] for r in found},
                         {r.organization_id for r in Row.objects.filter(overdue__gt=0)
                          if r.organization.path.startswith(self.sup.path)})
        one = api.get(f"/api/v1/dashboard/association/{self.soft.pk}").json()
        self.assertEqual(one["overdue"], Row.objects.get(organization=self.soft).overdue)
        self.assertEqual(self.api_client("sup2-viewer").get(
            f"/api/v1/dashboard/association/{self.soft.pk}").status_code, 404)
