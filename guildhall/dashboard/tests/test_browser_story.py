"""Browser story (监管看板): sup-viewer opens the dashboard on a phone and at a desktop width,
keeps the associations with overdue items, sorts by late first reports, opens an
association's detail page and exports the filtered list; the .xlsx holds exactly those rows
with the page's figures. sup2-viewer sees none of sup's associations.
Screenshots: var/screenshots/dashboard-*.png."""

import io
import os

import pytest
from openpyxl import load_workbook

from guildhall.dashboard.models import Row
from guildhall.site.demo import seed
from guildhall.testing.browser import phone_browser, screenshot, sign_in


def shown_rows(page) -> list[dict[str, str]]:
    return page.eval_on_selector_all("#dash-rows tbody tr[id^=row-]", """rows => rows.map(r => ({
        name: r.querySelector('th a').textContent.trim(),
        overdue: r.querySelector('td.dash-overdue').textContent.trim(),
        late: r.querySelector('td.dash-late_reports').textContent.trim(),
        pending: r.querySelector('td.dash-pending').textContent.trim()}))""")


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.browser
def test_sup_viewer_filters_sorts_drills_down_and_exports(live_server, transactional_db):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM runs beside Playwright's loop
    cast = seed()  # every module's demo, then the dashboard's rows (dashboard/demo.py)
    sup, sup2 = cast.orgs["sup"], cast.orgs["sup2"]
    below = {cast.orgs[c].name for c in ("soft", "logi", "tour")}
    url = live_server.url
    with phone_browser() as page:
        sign_in(page, url, "sup-viewer")
        page.click("text=监管看板")
        page.wait_for_load_state()
        assert {r["name"] for r in shown_rows(page)} == below
        assert cast.orgs["chem"].name not in page.content()
        page.wait_for_selector("#chart-completion svg")  # ECharts drew with the SVG renderer
        assert "工作要点完成率" in page.inner_text("#dash-charts-title ~ figure")
        fits(page, 375)
        screenshot(page, "dashboard-1-phone")

        # Only the associations with overdue items, the latest first reports first.
        page.get_by_label("有逾期事项").check()
        page.select_option("#dash-sort", "-late_reports")
        page.click("#dash-apply")
        page.wait_for_load_state()
        rows = shown_rows(page)
        expected = {r.organization.name for r in Row.objects.filter(
            overdue__gt=0, organization__path__startswith=sup.path).select_related("organization")}
        assert expected and {r["name"] for r in rows} == expected
        assert all(r["overdue"] not in ("0", "—") for r in rows)
        late = [int(r["late"]) for r in rows]
        assert late == sorted(late, reverse=True)
        fits(page, 375)
        screenshot(page, "dashboard-2-phone-overdue-by-late-reports")

        page.set_viewport_size({"width": 1280, "height": 900})
        page.reload()
        page.wait_for_selector("#chart-completion svg")
        assert {r["name"] for r in shown_rows(page)} == expected
        fits(page, 1280)
        screenshot(page, "dashboard-3-desktop-overdue-by-late-reports")

        # The export of the filtered list: exactly those rows, the same figures.
        with page.expect_download() as info:
            page.click("#dash-export")
        book = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
        header, *lines = list(book.active.iter_rows(values_only=True))
        assert [line[0] for line in lines] == [r["name"] for r in rows]
        overdue, late_at = header.index("逾期事项"), header.index("本年度首报迟报")
        for line, row in zip(lines, rows, strict=True):
            assert str(line[overdue]) == row["overdue"]
            assert str(line[late_at]) == row["late"]

        # Drill down: the association's detail page.
        first = rows[0]["name"]
        page.click(f"#dash-rows >> text={first}")
        page.wait_for_load_state()
        assert first in page.inner_text("h1")
        assert "成员（按角色）" in page.content()
        assert page.locator("#dash-open-queue").count() == 0  # a viewer reads only
        page.set_viewport_size({"width": 375, "height": 812})
        page.reload()
        fits(page, 375)
        screenshot(page, "dashboard-4-phone-association-detail")

        # A chart's category lists the associations behind it.
        page.go_back()
        page.goto(f"{url}/o/{sup.pk}/dashboard/")
        page.click("#chart-completion-title ~ table a >> nth=0")
        page.wait_for_load_state()
        assert "仅显示所选图表分类中的协会商会" in page.content()

        # sup2-viewer sees none of sup's associations.
        page.context.clear_cookies()
        sign_in(page, url, "sup2-viewer")
        page.goto(f"{url}/o/{sup2.pk}/dashboard/")
        assert {r["name"] for r in shown_rows(page)} == {cast.orgs["chem"].name}
        assert not any(name in page.content() for name in below)
        screenshot(page, "dashboard-5-sup2-viewer")
        response = page.goto(f"{url}/o/{sup.pk}/dashboard/")
        assert response.status == 404
        assert not any(name in page.content() for name in below)
