"""Browser story (学习教育、自律规约): soft-editor records a study session from a phone,
tapping the members who attended, a reader of the library shared by the supervising body
and writing the minutes; soft-principal confirms it and the year's figures count it.
soft-admin adds a reviewer's step before the principal's adoption, drafts a new version of
a code and submits it; soft-reviewer returns it with a reason, shown at the top of the
version; soft-admin submits it again, soft-reviewer approves, soft-principal adopts it,
soft-admin publishes it; soft-staff reads and acknowledges it and the acknowledgement rate
changes. Screenshots: var/screenshots/study-*.png."""

import datetime as dt
import os
import tempfile

import pytest
from django.test import override_settings
from django.utils import timezone

from guildhall.site.demo import seed
from guildhall.study import queries
from guildhall.study.models import Code, CodeVersion, SessionStatus, StudySession, VersionStatus
from guildhall.testing.browser import phone_browser, screenshot, sign_in


def sign_out_and_in(page, url, username):
    page.context.clear_cookies()
    sign_in(page, url, username)


@pytest.mark.browser
@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="guildhall-test-media-"))
def test_a_session_is_recorded_and_confirmed_and_a_new_code_version_is_acknowledged(
        live_server, transactional_db):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM runs beside Playwright's loop
    cast = seed(modules=("study",))
    soft = cast.orgs["soft"]
    url = live_server.url
    year = timezone.localdate().year
    before = queries.figures(soft, year)
    earlier = timezone.localtime() - dt.timedelta(hours=3)
    with phone_browser() as page:
        # soft-editor records the session, tapping the attendees.
        sign_in(page, url, "soft-editor")
        page.goto(f"{url}/o/{soft.pk}/study/")
        assert f"{before.sessions}" == page.inner_text("#fig-sessions")
        page.click("#new-session")
        page.fill("#id_topic", "学习贯彻行业自律公约")
        page.select_option("#id_form", label="研讨交流")
        page.fill("#id_held_at", f"{earlier:%Y-%m-%dT%H:%M}")
        page.fill("#id_hours", "1.5")
        page.fill("#id_venue", "协会三楼会议室")
        page.fill("#id_leader", "张秘书长")
        for name in ("王建国", "李敏", "刘洋"):
            page.get_by_label(name, exact=True).check()
        # A reader from the library, shared by the supervising body.
        page.get_by_label("社会组织意识形态工作学习读本", exact=False).check()
        page.fill("#id_other_attendees", "2")
        page.fill("#id_minutes", "传达行业自律公约修订内容。\n\n与会人员逐条讨论并交流体会。")
        screenshot(page, "study-1-record-session")
        page.click("#save-session")
        page.wait_for_load_state()
        session = StudySession.objects.get(topic="学习贯彻行业自律公约")
        assert sorted(session.attendees.values_list("username", flat=True)) == [
            "soft-admin", "soft-principal", "soft-staff"]
        assert "王建国" in page.inner_text("#attendee-names")
        assert [m.title for m in session.library_items.all()] == ["社会组织意识形态工作学习读本"]
        assert "来自上级" in page.inner_text("#library-items")
        page.locator("#library-items").scroll_into_view_if_needed()
        screenshot(page, "study-1b-session-with-library-item")
        assert page.locator("#confirm-session").count() == 0  # the editor does not confirm

        # soft-principal confirms it; the year's figures count it.
        sign_out_and_in(page, url, "soft-principal")
        page.goto(f"{url}{session.get_absolute_url()}")
        page.click("#confirm-session")
        page.wait_for_load_state()
        assert StudySession.objects.get(pk=session.pk).status == SessionStatus.CONFIRMED
        assert "学习活动已确认" in page.content()
        screenshot(page, "study-2-confirmed")
        page.goto(f"{url}/o/{soft.pk}/study/")
        after = queries.figures(soft, year)
        assert after.sessions == before.sessions + 1
        assert page.inner_text("#fig-sessions") == str(after.sessions)
        assert page.inner_text("#fig-hours") == str(after.hours)
        assert page.inner_text("#fig-participation") == after.participation_percent
        screenshot(page, "study-3-figures")

        # soft-editor corrects the confirmed session with a reason: it leaves the figures
        # until soft-principal confirms it again.
        sign_out_and_in(page, url, "soft-editor")
        page.goto(f"{url}{session.get_absolute_url()}")
        page.click("#correct-session")
        page.fill("#id_other_attendees", "3")
        page.fill("#id_reason", "漏记一位列席的会员单位代表。")
        page.click("#save-session")
        page.wait_for_load_state()
        assert StudySession.objects.get(pk=session.pk).status == SessionStatus.DRAFT
        assert "漏记一位列席" in page.inner_text("#correction")
        assert queries.figures(soft, year).sessions == before.sessions
        screenshot(page, "study-3b-corrected")
        sign_out_and_in(page, url, "soft-principal")
        page.goto(f"{url}{session.get_absolute_url()}")
        assert "漏记一位列席" in page.inner_text("#correction")
        page.click("#confirm-session")
        page.wait_for_load_state()
        assert page.locator("#correction").count() == 0
        assert queries.figures(soft, year).sessions == after.sessions

        # soft-admin adds a reviewer's step before the principal's adoption, then drafts a
        # new version of the ethics code and submits it.
        code = Code.objects.get(organization=soft, title="工作人员职业道德准则")
        sign_out_and_in(page, url, "soft-admin")
        page.goto(f"{url}/o/{soft.pk}/codes/")
        assert "主要负责人审定" in page.inner_text("#adoption-steps")
        page.click("#set-steps")
        page.select_option("#id_step_1", label="审核人")
        screenshot(page, "study-4b-adoption-steps")
        page.click("#save-steps")
        page.wait_for_load_state()
        assert page.inner_text("#adoption-steps").index("审核人审核") < page.inner_text(
            "#adoption-steps").index("主要负责人审定")
        page.goto(f"{url}{code.get_absolute_url()}")
        page.click("#new-version")
        # The editor shows the text of the version before, formatted, never as HTML.
        assert "<p>" not in page.inner_text("#id_body .ql-editor")
        assert "三、保守秘密" in page.inner_text("#id_body .ql-editor")
        page.click("#id_body .ql-editor")
        page.keyboard.press("Control+End")
        page.keyboard.press("Enter")
        page.keyboard.insert_text("四、热情服务会员，及时回应会员诉求。")
        screenshot(page, "study-4a-code-editor")
        page.click("#save-version")
        page.wait_for_load_state()
        version = CodeVersion.objects.get(code=code, number=3)
        page.click("#submit-version")
        page.wait_for_load_state()
        assert CodeVersion.objects.get(pk=version.pk).status == VersionStatus.IN_REVIEW

        # soft-reviewer returns it with a reason; soft-admin sees it at the top and resubmits.
        sign_out_and_in(page, url, "soft-reviewer")
        page.goto(f"{url}{version.get_absolute_url()}")
        assert page.locator("#adopt-version").inner_text() == "同意"
        page.fill("#id_comment", "第四条请写明回应时限。")
        page.click("#return-version")
        page.wait_for_load_state()
        assert CodeVersion.objects.get(pk=version.pk).status == VersionStatus.DRAFT
        sign_out_and_in(page, url, "soft-admin")
        page.goto(f"{url}{version.get_absolute_url()}")
        assert "第四条请写明回应时限" in page.inner_text("#refusal")
        screenshot(page, "study-4c-returned")
        page.click("#submit-version")
        page.wait_for_load_state()

        # soft-reviewer approves the first step; soft-principal adopts it; soft-admin publishes.
        sign_out_and_in(page, url, "soft-reviewer")
        page.goto(f"{url}{version.get_absolute_url()}")
        page.click("#adopt-version")
        page.wait_for_load_state()
        sign_out_and_in(page, url, "soft-principal")
        page.goto(f"{url}{version.get_absolute_url()}")
        assert page.locator("#adopt-version").inner_text() == "审定通过此版本"
        screenshot(page, "study-4d-adoption-step")
        page.click("#adopt-version")
        page.wait_for_load_state()
        assert CodeVersion.objects.get(pk=version.pk).status == VersionStatus.ADOPTED
        sign_out_and_in(page, url, "soft-admin")
        page.goto(f"{url}{version.get_absolute_url()}")
        page.click("#publish-version")
        page.wait_for_load_state()
        assert CodeVersion.objects.get(pk=version.pk).status == VersionStatus.PUBLISHED
        assert "知悉率 0.0%" in page.inner_text("#ack-rate")
        assert "刘洋" in page.inner_text("#not-acknowledged")
        screenshot(page, "study-4-published")
        page.goto(f"{url}{code.get_absolute_url()}")
        page.click("#compare")
        page.wait_for_load_state()
        assert "热情服务会员" in page.inner_text("#text-diff li.insert")
        assert "三、保守秘密" in page.inner_text("#text-diff li.equal:nth-child(3)")
        screenshot(page, "study-5-diff")

        # soft-staff reads and acknowledges it; the rate changes.
        sign_out_and_in(page, url, "soft-staff")
        page.goto(f"{url}/o/{soft.pk}/codes/")
        assert "知悉率 0.0%" in page.inner_text("#codes")
        page.get_by_role("link", name="阅读并确认知悉").first.click()
        page.wait_for_load_state()
        assert page.locator("#not-acknowledged").count() == 0  # names are for the principal and admin
        screenshot(page, "study-6-read")
        page.click("#acknowledge")
        page.wait_for_load_state()
        assert "您已于" in page.inner_text("#my-ack")
        assert "知悉率 20.0%" in page.inner_text("#ack-rate")
        screenshot(page, "study-7-acknowledged")
        page.goto(f"{url}/o/{soft.pk}/codes/")
        assert "知悉率 20.0%" in page.inner_text("#codes")

        # The library: soft's own materials and those its supervising body shared.
        page.goto(f"{url}/o/{soft.pk}/library/")
        assert page.locator("#materials li").count() == 4
        assert page.inner_text("#materials").count("来自上级") == 2
        page.fill("input[name=q]", "条例")
        page.click("#library-search button")
        page.wait_for_load_state()
        assert page.locator("#materials li").count() == 1
        screenshot(page, "study-9-library")

        # The study plan of the year: topics by month, carried out or missed.
        sign_out_and_in(page, url, "soft-editor")
        page.goto(f"{url}/o/{soft.pk}/study/plan/")
        assert "已落实" in page.inner_text("#plan-topics")
        screenshot(page, "study-10-plan")

        # Education activities: the essay contest with its winners as a file.
        page.goto(f"{url}/o/{soft.pk}/study/activities/")
        page.get_by_role("link", name="“诚信经营 自律发展”主题征文比赛").click()
        page.wait_for_load_state()
        assert page.inner_text("#participants") == "36"
        assert "获奖作品名单.txt" in page.inner_text("#files")
        screenshot(page, "study-11-contest")

        # The supervisor sees the figures and the rates, not the names.
        sign_out_and_in(page, url, "sup-viewer")
        page.goto(f"{url}/o/{cast.orgs['sup'].pk}/study/overview/")
        text = page.inner_text("#overview")
        assert "软件行业协会" in text and "知悉率 20.0%" in text and "刘洋" not in text
        screenshot(page, "study-8-overview")
