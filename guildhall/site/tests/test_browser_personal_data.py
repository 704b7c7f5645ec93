"""Browser story (个人信息): the association's admin opens a member's page on a phone,
is told an active member cannot be erased, deactivates them, downloads what the
association holds about them and erases them after typing their name — in Chinese,
under the page's security policy."""

import io
import json
import zipfile

import pytest

from guildhall.site.demo import seed
from guildhall.testing.browser import phone_browser, screenshot, sign_in


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
def test_an_admin_exports_and_erases_a_person_who_left(live_server, transactional_db):
    from guildhall.audit.services import verify_chain

    cast = seed()
    person = cast.user("soft-staff")
    name = person.full_name
    with phone_browser() as page:
        sign_in(page, live_server.url, "soft-admin")
        page.goto(f"{live_server.url}/o/{cast.orgs['soft'].pk}/members/")
        page.click(f"#members a:text-is('{name}')")
        page.wait_for_load_state()
        assert page.inner_text("h1") == name
        assert "仍是活跃成员" in page.inner_text("#erase-refusal")
        assert no_sideways_scroll(page)
        screenshot(page, "personal-data-1-active-member")

        page.click("text=← 成员")
        page.wait_for_load_state()
        item = page.locator("#members li", has_text=name)
        item.locator("button:text-is('停用')").click()
        page.wait_for_load_state()
        page.click(f"#members a:text-is('{name}')")
        page.wait_for_load_state()
        assert "已离开" in page.inner_text("#person-facts")
        with page.expect_download() as download:
            page.click("text=下载 .zip 文件")
        archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
        data = json.loads(archive.read("person.json").decode("utf-8"))
        assert data["账号"]["姓名"] == name
        assert data["记录"], "the export lists the records they have a part in"
        screenshot(page, "personal-data-2-left-export-and-erase")

        page.fill("input[name=confirm_name]", "张三")
        page.click("#erase-form button[type=submit]")
        page.wait_for_load_state()
        assert "请按页面所示准确输入此人的姓名" in page.inner_text("main")
        assert no_sideways_scroll(page)
        screenshot(page, "personal-data-3-wrong-name")

        page.fill("input[name=confirm_name]", name)
        page.click("#erase-form button[type=submit]")
        page.wait_for_load_state()
        main = page.inner_text("main")
        assert f"已离开的成员 #{person.pk}" in main
        assert name not in main
        assert no_sideways_scroll(page)
        screenshot(page, "personal-data-4-erased")
    assert verify_chain().ok
