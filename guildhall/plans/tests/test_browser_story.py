"""Browser story (年度工作要点): sup-admin issues the year's key tasks; soft-principal adopts
them with owners and dates, signs the responsibility list and submits the plan;
sup-approver acknowledges it; soft-editor reports progress with an approved filing as
evidence and marks the item done; a special meeting's conclusion becomes a plan item;
sup-approver returns another item for rectification and
grades the plan. On a 375 px phone, in Chinese. Screenshots: var/screenshots/plans-*.png."""

import datetime as dt
import os
import tempfile

import pytest
from django.test import override_settings
from django.utils import timezone

from guildhall.events.models import APPROVED_STATES, Filing
from guildhall.meetings.tests.factories import make_meeting
from guildhall.plans import services
from guildhall.plans.models import ItemStatus, ListStatus, Plan, PlanStatus
from guildhall.site.demo import seed
from guildhall.testing.browser import act, phone_browser, screenshot, sign_in


def switch_user(page, base_url, username):
    page.click("#logout")
    page.wait_for_load_state()
    sign_in(page, base_url, username)


def no_wider_than_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.browser
@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="guildhall-test-media-"))
def test_key_tasks_are_issued_adopted_carried_out_returned_and_graded(live_server, transactional_db):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM runs beside Playwright's loop
    cast = seed(modules=("events",))
    sup, soft = cast.orgs["sup"], cast.orgs["soft"]
    today = timezone.localdate()
    year = today.year
    services.rules_save(actor=cast.user("sup-admin"), supervisor=sup, data={
        "window_opens": today - dt.timedelta(days=1), "window_closes": today + dt.timedelta(days=20)})
    filing = Filing.objects.filter(organization=soft, status__in=APPROVED_STATES).first()
    url = live_server.url
    with phone_browser() as page:
        # The supervisor's admin issues two key tasks to every association below.
        sign_in(page, url, "sup-admin")
        page.goto(f"{url}/o/{sup.pk}/plan-templates/")
        page.fill("#id_title", f"{year} 年度意识形态工作要点")
        page.click("#create-template")
        page.wait_for_load_state()
        for title, duty in (("严格执行活动报备审批制度", "events"), ("加强公众号内容三审管理", "channels")):
            page.fill("#id_title", title)
            page.select_option("#id_duty", duty)
            page.click("#add-task")
            page.wait_for_load_state()
        page.click("#issue-template")
        page.wait_for_load_state()
        assert "重点任务已下发" in page.content()
        no_wider_than_the_phone(page)
        screenshot(page, "plans-1-issued")

        # The principal adopts them, giving each an owner and a date.
        switch_user(page, url, "soft-principal")
        page.goto(f"{url}/o/{soft.pk}/plan/")
        selects = page.locator("#adopt-form select")
        for n in range(selects.count()):
            selects.nth(n).select_option(label="张晓燕")
        dates = page.locator("#adopt-form input[type=date]")
        for n in range(dates.count()):
            dates.nth(n).fill(f"{year}-12-28")
        screenshot(page, "plans-2-adopt")
        page.click("#adopt-plan")
        page.wait_for_load_state()
        assert "您已认领重点任务" in page.content()

        # … signs the responsibility list …
        page.goto(f"{url}/o/{soft.pk}/responsibility/")
        page.click("#edit-list")
        page.select_option("#id_principal", label="王建国")
        page.select_option("#id_duty_events", label="张晓燕")
        page.select_option("#id_duty_channels", label="刘洋")
        page.click("#save-list")
        page.wait_for_load_state()
        page.click("#sign-list")
        page.wait_for_load_state()
        assert services.responsibility_list(soft, year).status == ListStatus.SIGNED
        no_wider_than_the_phone(page)
        screenshot(page, "plans-3-list-signed")

        # … and submits the plan.
        page.goto(f"{url}/o/{soft.pk}/plan/{year}/")
        page.click("#submit-plan")
        page.wait_for_load_state()
        plan = Plan.objects.get(organization=soft, year=year)
        assert plan.status == PlanStatus.SUBMITTED

        # The supervisor's approver acknowledges it.
        switch_user(page, url, "sup-approver")
        page.goto(f"{url}/o/{soft.pk}/plan/{year}/")
        page.fill("#decision_comment", "同意，请抓好落实。")
        act(page, "#acknowledge-plan")
        assert Plan.objects.get(pk=plan.pk).status == PlanStatus.ACKNOWLEDGED

        # The editor reports progress with the approved filing as evidence and marks it done.
        switch_user(page, url, "soft-editor")
        events_item, channels_item = plan.items.order_by("pk")[:2]
        page.goto(f"{url}/o/{soft.pk}/plan-items/{events_item.pk}/")
        page.fill("#id_text", "年度论坛已按规定报备并获批准。")
        page.fill("#id_progress", "100")
        page.select_option("#id_evidence", label=filing.title)
        act(page, "#send-report")
        assert filing.title in page.locator("#evidence-links").inner_text()
        act(page, "#claim-done")
        assert "已完成" in page.locator("#item-status").inner_text()
        no_wider_than_the_phone(page)
        screenshot(page, "plans-4-evidence")
        # The other item is done with a file.
        page.goto(f"{url}/o/{soft.pk}/plan-items/{channels_item.pk}/")
        ledger = os.path.join(tempfile.mkdtemp(), "三审台账.txt")
        with open(ledger, "wb") as f:
            f.write("三审台账".encode())
        page.set_input_files("#attach-form input[type=file]", ledger)
        act(page, "#attach-form button")
        act(page, "#claim-done")

        # A special meeting's conclusion becomes an item of the plan in one step.
        meeting = make_meeting(cast, soft, "held", conclusions=["年底前开展一次意识形态工作自查"])
        page.goto(f"{url}/o/{soft.pk}/meetings/{meeting.pk}/")
        page.click("#follow-up-0 summary")
        page.select_option("#id_c0-owner", label="张晓燕")
        page.fill("#id_c0-due_date", f"{year}-12-30")
        page.click("#make-task-0")
        page.wait_for_load_state()
        followed = plan.items.get(title="年底前开展一次意识形态工作自查")
        page.goto(f"{url}/o/{soft.pk}/plan-items/{followed.pk}/")
        assert meeting.title in page.locator("main").inner_text()  # 来源: the meeting
        assert Plan.objects.get(pk=plan.pk).revision == 2  # a new revision of the plan
        screenshot(page, "plans-5-from-meeting")

        # The approver returns one item for rectification, scores the other, grades the plan.
        switch_user(page, url, "sup-approver")
        page.goto(f"{url}/o/{soft.pk}/plan-items/{channels_item.pk}/")
        page.click("#return-details summary")
        page.fill("#return_comment", "台账缺少第四季度终审记录，请补充。")
        page.fill("#return_due", f"{today + dt.timedelta(days=7):%Y-%m-%d}")
        act(page, "#return-item")
        assert channels_item.__class__.objects.get(pk=channels_item.pk).status == ItemStatus.RETURNED
        screenshot(page, "plans-6-returned")
        page.goto(f"{url}/o/{soft.pk}/plan-items/{events_item.pk}/")
        page.fill("#assess_score", "92")
        act(page, "#assess-item")
        page.goto(f"{url}/o/{soft.pk}/plan/{year}/")
        page.fill("#grade_score", "90")
        page.fill("#grade_comment", "工作扎实，整改项请按期完成。")
        act(page, "#grade-plan")
        plan = Plan.objects.get(pk=plan.pk)
        assert (plan.status, plan.grade) == (PlanStatus.ASSESSED, "优秀")
        assert "优秀" in page.locator("#plan-grade").inner_text()
        no_wider_than_the_phone(page)
        screenshot(page, "plans-7-graded")

        # The supervisor's overview names the association's list holders and the grade.
        page.goto(f"{url}/o/{sup.pk}/plans/overview/")
        text = page.locator("main").inner_text()
        assert "软件行业协会" in text and "优秀" in text
        no_wider_than_the_phone(page)
        screenshot(page, "plans-8-overview")
