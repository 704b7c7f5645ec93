"""Browser story (重大事件报告) on a phone: soft-principal makes a quick report of an account
compromise, pausing the channel in the same action; sup-approver acknowledges it with an
instruction; two follow-ups; it is marked stable and closed with a closing report whose
lesson becomes a plan item. Screenshots: var/screenshots/incidents-*.png."""

import os
import re

import pytest

from guildhall.incidents.models import Incident, Report, Status
from guildhall.kit import links
from guildhall.publications.models import Channel, ChannelStatus
from guildhall.records.services import linked_subjects
from guildhall.site.demo import seed
from guildhall.testing.browser import phone_browser, screenshot, sign_in

# Latin words a Chinese page may show: none of ours. (Numbers and times are fine.)
ENGLISH = re.compile(r"\b[A-Za-z]{3,}\b")


def switch_user(page, base_url, username):
    page.click("#logout")
    page.wait_for_load_state()
    sign_in(page, base_url, username)


def shows_no_english(page):
    text = page.inner_text("main")
    assert not ENGLISH.findall(text), ENGLISH.findall(text)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.browser
def test_an_account_compromise_is_reported_acknowledged_followed_up_and_closed(
        live_server, transactional_db):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM runs beside Playwright's loop
    # The real annual plan takes the lesson (the plans module fills the slot).
    assert links.make_plan_item.available
    cast = seed()
    soft, sup = cast.orgs["soft"], cast.orgs["sup"]
    weibo = Channel.objects.get(organization=soft, name="省软件行业协会官方微博")
    url = live_server.url
    with phone_browser() as page:
        # The principal reports from a phone and pauses the Weibo account at once.
        sign_in(page, url, "soft-principal")
        page.goto(f"{url}/o/{soft.pk}/incidents/")
        page.click("#quick-report")
        page.fill("#id_title", "协会官方微博账号被盗用")
        page.select_option("#id_category", "account_compromise")
        page.select_option("#id_severity", "major")
        page.fill("#id_report", "官方微博于今晨发布了非本会内容，疑似密码泄露。")
        page.select_option("#id_channel", str(weibo.pk))
        page.check("#id_pause_channel")
        shows_no_english(page)
        screenshot(page, "incidents-1-quick-report")
        page.click("#send-report")
        page.wait_for_load_state()
        incident = Incident.objects.get(title="协会官方微博账号被盗用")
        assert incident.status == Status.REPORTED
        weibo.refresh_from_db()
        assert weibo.status == ChannelStatus.PAUSED
        assert "阵地已暂停" in page.content() and "还剩" in page.content()
        shows_no_english(page)
        screenshot(page, "incidents-2-reported")

        # The approver finds it on the board and acknowledges it with an instruction.
        switch_user(page, url, "sup-approver")
        page.goto(f"{url}/o/{sup.pk}/incidents/board/")
        assert "协会官方微博账号被盗用" in page.inner_text("#incidents")
        shows_no_english(page)
        screenshot(page, "incidents-3-board")
        page.click("text=协会官方微博账号被盗用")
        page.fill("textarea[name=instruction]", "立即修改密码，发布澄清声明，每两小时续报。")
        page.click(".ack-button")
        page.wait_for_load_state()
        assert Report.objects.get(incident=incident).instruction.startswith("立即修改密码")
        shows_no_english(page)
        screenshot(page, "incidents-4-acknowledged")

        # The association sees the instruction and sends two follow-ups.
        switch_user(page, url, "soft-principal")
        page.goto(f"{url}{incident.get_absolute_url()}")
        assert "立即修改密码" in page.content()
        for text in ("已修改密码并开启登录保护，正在联系平台删除非本会内容。",
                     "平台已删除相关内容，澄清声明已经三审后发布。"):
            page.click("#follow-up")
            page.fill("#id_text", text)
            page.click("#send-follow-up")
            page.wait_for_load_state()
        assert incident.reports.filter(kind=Report.Kind.FOLLOW_UP).count() == 2

        # Stable, then closed with a closing report whose lesson becomes a plan item.
        page.click("#stable summary")
        page.fill("#id_note", "账号已恢复，未再发现异常。")
        page.click("#mark-stable")
        page.wait_for_load_state()
        assert Incident.objects.get(pk=incident.pk).status == Status.STABLE
        page.click("#close")
        page.click("#send-closing")  # empty: refused with a clear message
        page.wait_for_load_state()
        assert "事件须报送终报后才能结案" in page.content()
        shows_no_english(page)
        screenshot(page, "incidents-5-closing-refused")
        page.fill("#id_cause", "管理员使用弱密码，且未开启登录保护。")
        page.fill("#id_actions", "修改密码、开启登录保护、联系平台删除内容、发布澄清声明。")
        page.fill("#id_results", "账号已恢复，非本会内容已删除。")
        page.fill("#id_lessons", "官方账号须使用强密码并开启登录保护，密码专人保管。")
        page.fill("#id_plan_items", "建立官方账号密码管理和登录保护制度")
        page.click("#send-closing")
        page.wait_for_load_state()
        assert Incident.objects.get(pk=incident.pk).status == Status.CLOSED
        made = [link.subject for link in linked_subjects(incident, role="origin")]
        assert [m.title for m in made] == ["建立官方账号密码管理和登录保护制度"]
        assert "已转为工作要点" in page.content()
        page.goto(f"{url}{made[0].get_absolute_url()}")
        assert incident.title in page.inner_text("main")  # 来源: the incident
        screenshot(page, "incidents-6b-plan-item")
        page.goto(f"{url}/o/{soft.pk}/incidents/{incident.pk}/")
        shows_no_english(page)
        screenshot(page, "incidents-6-closed")
        page.goto(f"{url}/o/{soft.pk}/incidents/")
        shows_no_english(page)
        screenshot(page, "incidents-7-register")

        # The supervising body sees it among the closed ones, with its figures.
        switch_user(page, url, "sup-approver")
        page.goto(f"{url}/o/{sup.pk}/incidents/board/?state=closed")
        assert "协会官方微博账号被盗用" in page.inner_text("#incidents")
        shows_no_english(page)
        screenshot(page, "incidents-12-board-closed")


@pytest.mark.browser
def test_an_unreported_incident_shows_how_late_it_is_and_a_call_is_recorded(
        live_server, transactional_db):
    """logi-editor registers a major incident found 40 minutes ago without reporting it: the
    clock says how late it is; the phone call made earlier is recorded and counts as the
    first report; the written report is then due. sup-admin looks at the deadline rules."""
    import datetime as dt

    from django.utils import timezone

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    cast = seed(modules=("publications", "events"))
    logi, sup = cast.orgs["logi"], cast.orgs["sup"]
    url = live_server.url
    found = timezone.localtime(timezone.now() - dt.timedelta(minutes=40))
    called = found + dt.timedelta(minutes=25)
    with phone_browser() as page:
        sign_in(page, url, "logi-editor")
        page.goto(f"{url}/o/{logi.pk}/incidents/new")
        page.fill("#id_title", "仓储园区道路塌陷")
        page.select_option("#id_category", "safety")
        page.select_option("#id_severity", "major")
        page.fill("#id_discovered_at", f"{found:%Y-%m-%dT%H:%M}")
        page.fill("#id_location", "物流园区东门")
        page.fill("#id_known", "园区东门道路塌陷，一辆货车受损，无人受伤。")
        page.fill("#id_people_affected", "1")
        page.uncheck("#id_send")
        shows_no_english(page)
        screenshot(page, "incidents-8-full-register")
        page.click("#register")
        page.wait_for_load_state()
        incident = Incident.objects.get(title="仓储园区道路塌陷")
        assert incident.status == Status.OPEN
        assert "已超时" in page.inner_text("#clocks")
        shows_no_english(page)
        screenshot(page, "incidents-9-late-clock")
        page.click("#record-phone")
        page.fill("#id_reported_at", f"{called:%Y-%m-%dT%H:%M}")
        page.fill("#id_told", "主管单位值班员")
        page.fill("#id_caller", "张晓燕")
        page.fill("#id_text", "电话报告了塌陷情况。")
        page.click("#record-phone")
        page.wait_for_load_state()
        incident.refresh_from_db()
        assert incident.status == Status.REPORTED and not incident.first_report_late
        assert "书面报告" in page.inner_text("#clocks")
        shows_no_english(page)
        screenshot(page, "incidents-10-phone-recorded")

        switch_user(page, url, "sup-admin")
        page.goto(f"{url}/o/{sup.pk}/incidents/rules/")
        shows_no_english(page)
        screenshot(page, "incidents-11-rules")
