"""Browser story (专题研究): soft-editor records a special meeting from a phone, ticking the
members who attended, writes its conclusions, records it as held, turns a conclusion into a
task of the annual plan and exports the minutes; sup-admin sees the count against the
minimum. Screenshots: var/screenshots/meetings-*.png.

The annual plan's "make a plan item" is the tests' stand-in unless a plan module fills it."""

import datetime as dt
import io
import os
import tempfile

import docx
import pytest
from django.test import override_settings
from django.utils import timezone

from guildhall.kit import links
from guildhall.meetings.models import Meeting, Status
from guildhall.meetings.tests.factories import plan_slot
from guildhall.site.demo import seed
from guildhall.testing.browser import phone_browser, screenshot, sign_in


@pytest.mark.browser
@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="guildhall-test-media-"))
def test_a_meeting_is_recorded_its_conclusion_becomes_a_task_and_the_minutes_are_exported(
        live_server, transactional_db):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM runs beside Playwright's loop
    cast = seed(modules=())
    soft, sup = cast.orgs["soft"], cast.orgs["sup"]
    url = live_server.url
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    due = timezone.localdate() + dt.timedelta(days=30)
    slot = plan_slot() if not links.make_plan_item.available else plan_slot(links.make_plan_item.function)
    with slot, phone_browser() as page:
        sign_in(page, url, "soft-editor")
        page.goto(f"{url}/o/{soft.pk}/meetings/")
        assert "已召开 0 次，至少 2 次" in page.content()
        page.click("#new-meeting")
        page.fill("#id_title", "意识形态工作专题研究会")
        page.fill("#id_held_at", f"{yesterday:%Y-%m-%d}T14:30")
        page.fill("#id_venue", "协会三楼会议室")
        page.select_option("#id_chair", label="王建国")
        page.get_by_label("王建国", exact=True).last.check()
        page.get_by_label("刘洋", exact=True).last.check()
        page.fill("#id_other_attendees", "2")
        page.fill("#id_agenda", "传达学习上级文件精神\n研究本年度工作要点")
        page.fill("#id_conclusions", "对协会网站和公众号开展一次内容自查")
        screenshot(page, "meetings-1-form")
        page.click("#save-meeting")
        page.wait_for_load_state()
        meeting = Meeting.objects.get(title="意识形态工作专题研究会")
        assert sorted(meeting.attendees.values_list("username", flat=True)) == ["soft-principal", "soft-staff"]
        page.click("#record-meeting")
        page.wait_for_load_state()
        assert Meeting.objects.get(pk=meeting.pk).status == Status.HELD
        attendees = page.inner_text("#attendee-names")
        assert "王建国" in attendees and "刘洋" in attendees and "另有 2 人" in attendees

        # The conclusion becomes a task of the annual plan in one step.
        page.click("#follow-up-0 summary")
        page.select_option("#id_c0-owner", label="张晓燕")
        page.fill("#id_c0-due_date", f"{due:%Y-%m-%d}")
        screenshot(page, "meetings-2-follow-up")
        page.click("#make-task-0")
        page.wait_for_load_state()
        assert "该结论已转为年度工作要点中的任务" in page.content()
        assert "对协会网站和公众号开展一次内容自查" in page.inner_text("#follow-ups")
        page.locator("#timeline").scroll_into_view_if_needed()
        screenshot(page, "meetings-3-held")

        # The minutes as a Word document.
        with page.expect_download() as download:
            page.click("#export-minutes")
        with open(download.value.path(), "rb") as minutes:
            text = "\n".join(p.text for p in docx.Document(io.BytesIO(minutes.read())).paragraphs)
        assert "专题研究会议纪要" in text and "对协会网站和公众号开展一次内容自查" in text
        assert "王建国" in text and "刘洋" in text

        page.goto(f"{url}/o/{soft.pk}/meetings/")
        assert "已召开 1 次，至少 2 次" in page.content()
        screenshot(page, "meetings-4-list")

        # The supervising body sees the count of every association below it.
        page.click("#logout")
        page.wait_for_load_state()
        sign_in(page, url, "sup-admin")
        page.goto(f"{url}/o/{sup.pk}/meetings/overview/")
        overview = page.inner_text("#overview")
        assert soft.name in overview and "已召开 1 次，至少 2 次" in overview
        assert cast.orgs["chem"].name not in page.content()
        screenshot(page, "meetings-5-overview")
        page.goto(f"{url}/o/{sup.pk}/meetings/rules/")
        page.fill("#id_minimum_per_year", "3")
        screenshot(page, "meetings-6-rules")
        page.click("#save-rules")
        page.wait_for_load_state()
        page.goto(f"{url}/o/{sup.pk}/meetings/overview/")
        assert "已召开 1 次，至少 3 次" in page.inner_text("#overview")
