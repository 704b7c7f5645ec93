"""Browser story: the association's administrator reads the audit trail on a phone, in
Chinese: names instead of codes, filters by a chosen action, opens a raw record, exports."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from guildhall.site.demo import seed
from guildhall.testing.browser import phone_browser, screenshot, sign_in


@pytest.mark.browser
def test_the_admin_reads_filters_opens_and_exports_the_trail_on_a_phone(
        live_server, transactional_db):
    cast = seed()
    soft = cast.orgs["soft"]
    with phone_browser() as page:
        sign_in(page, live_server.url, "soft-admin")
        page.goto(f"{live_server.url}/o/{soft.pk}/audit/")
        trail = page.locator("#audit-trail")
        text = trail.inner_text()
        first = trail.locator(".audit-action").first.inner_text()
        assert first and all("\u4e00" <= ch <= "\u9fff" for ch in first), first
        for code in ("publications.", "events.filing", "study.", "member.", "{'", "orgs."):
            assert code not in text, code
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        # People by name, the user name on hover (the newest record may be the supervising
        # body's: sup-approver acknowledged soft's annual report in the demo).
        person = trail.locator(".audit-person").first
        username = person.get_attribute("title").removeprefix("用户名: ")
        assert username.startswith(("soft-", "sup-")), username
        assert not person.inner_text().startswith(username)
        screenshot(page, "audit-1-trail")

        # A chosen action from the list, not typed codes.
        page.click(".audit-filters summary")
        page.select_option("#audit-action", label="暂停宣传阵地")
        page.click("#audit-filter button[type=submit]")
        page.wait_for_load_state()
        actions = page.locator("#audit-trail .audit-action").all_inner_texts()
        assert actions and set(actions) == {"暂停宣传阵地"}
        entry = page.locator("#audit-trail .audit-entry").first
        assert entry.locator(".audit-who a").count() == 1  # the channel, linked by its name
        assert "状态" in entry.locator(".audit-changes").inner_text()
        assert "已暂停" in entry.locator(".audit-changes").inner_text()

        # The raw record, one click away.
        entry.locator(".audit-raw summary").click()
        raw = entry.locator(".audit-raw pre").inner_text()
        assert '"action": "publications.channel.pause"' in raw and '"hash"' in raw
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        screenshot(page, "audit-2-filtered-raw")

        # The filtered trail as a workbook.
        with page.expect_download() as download:
            page.click("#audit-export")
        book = load_workbook(BytesIO(open(download.value.path(), "rb").read()))
        rows = list(book.active.iter_rows(values_only=True))
        assert len(rows) == 1 + len(actions)
        assert {r[4] for r in rows[1:]} == {"暂停宣传阵地"}
