"""Browser story (issue 9), on a phone in Chinese: the approver searches the queue and
decides several filings at once (one had been decided meanwhile: its refusal is shown on
its own); the editor sees the earliest start allowed as soon as she picks a type, and
finds a publication by a word of its body. Screenshots: var/screenshots/search-*.png."""

import datetime as dt
import os
import tempfile

import pytest
from django.test import override_settings
from django.utils import timezone

from guildhall.events import services
from guildhall.events.models import Filing, Status
from guildhall.events.tests.factories import make_filing
from guildhall.publications import services as publications
from guildhall.publications.tests.factories import make_channel
from guildhall.site.demo import seed
from guildhall.testing.browser import act, phone_browser, screenshot, sign_in


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.browser
@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="guildhall-test-media-"))
def test_search_several_decisions_and_the_lead_time_hint(live_server, transactional_db):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM runs beside Playwright's loop
    cast = seed()
    soft, logi, sup = cast.orgs["soft"], cast.orgs["logi"], cast.orgs["sup"]
    first = make_filing(cast, soft, "submitted", title="软件供应链安全研讨会")
    second = make_filing(cast, logi, "submitted", title="物流行业研讨会")
    third = make_filing(cast, soft, "submitted", title="开源社区讲座")
    channel = make_channel(cast, soft)
    publications.publication_create(actor=cast.user("soft-editor"), org=soft, data={
        "title": "年度会员大会召开", "body": "<p>会议选举产生新一届理事会。</p>",
        "channels": [channel], "planned_at": timezone.now() + dt.timedelta(days=3)})
    url = live_server.url
    with phone_browser() as page:
        sign_in(page, url, "sup-approver")
        page.goto(f"{url}/o/{sup.pk}/events/queue/")
        page.fill("input[name=q]", "研讨会")
        page.click(".filters button[type=submit]")
        page.wait_for_load_state()
        content = page.content()
        assert "软件供应链安全研讨会" in content and "物流行业研讨会" in content
        assert "开源社区讲座" not in content
        assert page.locator("#search-count").inner_text() == "共 2 条结果"
        no_sideways_scroll(page)
        screenshot(page, "search-1-queue-search")

        page.goto(f"{url}/o/{sup.pk}/events/queue/")
        for filing in (first, second, third):
            page.check(f"#pick-{filing.pk}")
        # Meanwhile the third is decided from its own page (by the same approver elsewhere).
        services.filing_approve(actor=cast.user("sup-approver"), filing=third,
                                revision=third.revision, comment="同意。")
        page.fill("#bulk-comment", "材料齐全，同意举办。")
        act(page, "#bulk-approve")
        assert Filing.objects.get(pk=first.pk).status == Status.APPROVED
        assert Filing.objects.get(pk=second.pk).status == Status.APPROVED
        content = page.content()
        assert "已批准 2 项报备" in content
        assert "未办理：开源社区讲座" in content
        no_sideways_scroll(page)
        screenshot(page, "search-2-several-decided")

        page.click("#logout")
        page.wait_for_load_state()
        sign_in(page, url, "soft-editor")
        page.goto(f"{url}/o/{soft.pk}/events/new")
        hint = page.locator("#lead-earliest")
        before = hint.inner_text()
        page.select_option("#id_type", "foreign_exchange")
        after = hint.inner_text()
        assert after != before and "10" in after
        soon = timezone.localdate() + dt.timedelta(days=3)
        assert page.locator("#lead-too-early").is_hidden()
        page.fill("#id_starts_at", f"{soon:%Y-%m-%d}T09:00")
        page.dispatch_event("#id_starts_at", "change")
        assert page.locator("#lead-too-early").is_visible()
        no_sideways_scroll(page)
        page.locator("#lead-hint").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot(page, "search-3-lead-hint")).replace(
            "search-3-lead-hint", "search-3-lead-hint-viewport"))

        page.goto(f"{url}/o/{soft.pk}/publications/?q=理事会")
        assert "年度会员大会召开" in page.content()
        no_sideways_scroll(page)
        screenshot(page, "search-4-publications")
