"""Browser story (活动报备): soft-editor files a seminar, soft-principal signs it off,
sup-approver returns it with a comment, the editor fixes it, it is approved, held and
summarized. Screenshots: var/screenshots/events-*.png."""

import datetime as dt
import os
import tempfile

import pytest
from django.test import override_settings
from django.utils import timezone

from guildhall.events.models import Filing, Status
from guildhall.site.demo import seed
from guildhall.testing.browser import act, phone_browser, screenshot, sign_in


def switch_user(page, base_url, username):
    page.click("#logout")
    page.wait_for_load_state()
    sign_in(page, base_url, username)


def open_filing(page, base_url, filing):
    page.goto(f"{base_url}/o/{filing.organization_id}/events/{filing.pk}/")


@pytest.mark.browser
@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="guildhall-test-media-"))
def test_a_seminar_is_filed_returned_fixed_approved_held_and_summarized(live_server, transactional_db):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM runs beside Playwright's loop
    cast = seed()
    soft = cast.orgs["soft"]
    url = live_server.url
    day = timezone.localdate() + dt.timedelta(days=30)
    with phone_browser() as page:
        # The editor files a seminar from a phone.
        sign_in(page, url, "soft-editor")
        page.goto(f"{url}/o/{soft.pk}/events/")
        page.click("#new-filing")
        page.fill("#id_title", "软件供应链安全研讨会")
        page.select_option("#id_type", "seminar")
        page.fill("#id_starts_at", f"{day:%Y-%m-%d}T14:00")
        page.fill("#id_ends_at", f"{day:%Y-%m-%d}T17:00")
        page.fill("#id_venue", "南京软件园会议中心")
        page.fill("#id_expected_attendance", "120")
        page.fill("#id_speakers", "刘工 | 南京大学 | 开源组件风险")
        page.fill("#id_description", "交流软件供应链安全实践。")
        page.select_option("#id_onsite_person", label="张晓燕")
        page.fill("#id_onsite_phone", "025-83001234")
        screenshot(page, "events-1-form")
        page.click("#save-filing")
        page.wait_for_load_state()
        filing = Filing.objects.get(title="软件供应链安全研讨会")
        page.click("#submit-filing")
        page.wait_for_load_state()
        assert Filing.objects.get(pk=filing.pk).status == Status.SIGNOFF
        screenshot(page, "events-2-submitted")

        # The principal signs it off; it goes up to the supervising body.
        switch_user(page, url, "soft-principal")
        open_filing(page, url, filing)
        act(page, "#sign-off")
        assert Filing.objects.get(pk=filing.pk).status == Status.SUBMITTED

        # The approver finds it in the queue and returns it with a comment.
        switch_user(page, url, "sup-approver")
        page.goto(f"{url}/o/{cast.orgs['sup'].pk}/events/queue/")
        assert "软件供应链安全研讨会" in page.content()
        screenshot(page, "events-3-queue")
        page.click("text=软件供应链安全研讨会")
        page.fill("#id_comment", "请补充讲者的职务，并说明会场容量。")
        act(page, "#return")
        assert Filing.objects.get(pk=filing.pk).status == Status.RETURNED
        screenshot(page, "events-4-returned")

        # The editor reads the comment and fixes the filing.
        switch_user(page, url, "soft-editor")
        open_filing(page, url, filing)
        assert "请补充讲者的职务" in page.content()
        page.click("#edit-filing")
        page.fill("#id_speakers", "刘工 | 南京大学（教授） | 开源组件风险")
        page.fill("#id_description", "交流软件供应链安全实践。会场可容纳 150 人。")
        page.click("#save-filing")
        page.wait_for_load_state()
        page.click("#submit-filing")
        page.wait_for_load_state()
        switch_user(page, url, "soft-principal")
        open_filing(page, url, filing)
        act(page, "#sign-off")

        # The approver approves the new revision.
        switch_user(page, url, "sup-approver")
        open_filing(page, url, filing)
        page.fill("#id_comment", "同意举办。")
        act(page, "#approve")
        filing.refresh_from_db()
        assert filing.status == Status.APPROVED and filing.approved_revision == filing.revision
        screenshot(page, "events-5-approved")

        # The event is held (moved into the past: time passes).
        start = timezone.now() - dt.timedelta(days=1, hours=3)
        Filing.objects.filter(pk=filing.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=3))

        switch_user(page, url, "soft-editor")
        open_filing(page, url, filing)
        page.click("#write-summary")
        page.fill("#id_what_happened", "研讨会按计划举行，6 位专家发言，讨论热烈。")
        page.fill("#id_attendance", "112")
        page.fill("#id_issues", "无")
        page.click("#submit-summary")
        page.wait_for_load_state()
        assert Filing.objects.get(pk=filing.pk).status == Status.SUMMARIZED

        switch_user(page, url, "sup-approver")
        open_filing(page, url, filing)
        page.click("#acknowledge-summary")
        page.wait_for_load_state()
        assert Filing.objects.get(pk=filing.pk).status == Status.CLOSED
        page.locator("#timeline").scroll_into_view_if_needed()
        screenshot(page, "events-6-timeline")
        page.goto(f"{url}/o/{soft.pk}/events/{filing.pk}/diff?a=1&b={filing.revision}")
        assert "南京大学（教授）" in page.content()
        screenshot(page, "events-7-diff")
