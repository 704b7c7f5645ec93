"""Browser story: on a phone, in Chinese, the author finds each checker finding marked in
the article's text; a reviewer sees the same marks with the values masked, and jumps from
the list of findings to the place in the text."""

import pytest

from guildhall.publications.models import Channel
from guildhall.site.demo import seed
from guildhall.testing.browser import fill_rich_text, phone_browser, screenshot, sign_in

ID_NUMBER = "320102199003071239"
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.browser
def test_findings_are_marked_in_the_text_and_the_list_jumps_to_them(live_server, transactional_db):
    cast = seed()
    soft = cast.orgs["soft"]
    wechat = Channel.objects.get(organization=soft, type="wechat_official")
    with phone_browser() as page:
        sign_in(page, live_server.url, "soft-editor")
        page.goto(f"{live_server.url}/o/{soft.pk}/publications/new")
        page.fill("#id_title", "协会召开数字化转型座谈会")
        page.check(f"input[name=channels][value='{wechat.pk}']")
        page.fill("#id_planned_at", "2030-01-02T10:00")
        fill_rich_text(page, "id_body", "协会近日召开数字化转型座谈会，二十余家会员单位参加。\n"
                       "会议指出，会员单位应当加强数据安全管理。\n"
                       f"会务联系人：王老师，手机 13912345678，身份证号 {ID_NUMBER}。")
        page.click("#save-publication")
        page.wait_for_load_state()
        page.click("#submit-publication")
        page.wait_for_load_state()
        marks = page.locator("#publication-body mark.finding")
        assert marks.count() == 2
        assert ID_NUMBER in marks.all_inner_texts()
        assert page.evaluate(SIDEWAYS) == 0
        screenshot(page, "findings-in-text-1-author")
        path = page.evaluate("() => document.location.pathname")
        page.click("#logout")
        page.wait_for_load_state()

        sign_in(page, live_server.url, "soft-reviewer")
        page.goto(f"{live_server.url}{path}")
        assert ID_NUMBER not in page.content()
        assert "3201**********1239" in page.locator("#publication-body mark.finding").all_inner_texts()
        screenshot(page, "findings-in-text-2-reviewer-list")
        jump = page.locator("#findings a.jump").last
        target = jump.get_attribute("href")
        jump.click()
        page.wait_for_function(f"() => document.location.hash === '{target}'")
        mark = page.locator(target)
        assert mark.is_visible()
        box = mark.bounding_box()
        assert 0 <= box["y"] < 812, box  # scrolled into view
        assert page.evaluate(SIDEWAYS) == 0
        page.screenshot(path=str(screenshot(page, "findings-in-text-3-jumped").with_name(
            "findings-in-text-3-jumped-viewport.png")))
