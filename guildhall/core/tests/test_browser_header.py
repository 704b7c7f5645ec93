"""Browser check: on a phone the header is short, the menu one line that scrolls sideways,
and the API tokens link is shown only to the people who connect systems."""

import pytest

from guildhall.site.demo import seed
from guildhall.testing.browser import phone_browser, screenshot, sign_in

HEADER_HEIGHT = """() => document.querySelector('body > header.site').getBoundingClientRect().height"""
SIDEWAYS = """() => document.documentElement.scrollWidth - document.documentElement.clientWidth"""


@pytest.mark.browser
def test_the_phone_header_is_compact_and_shows_only_usable_links(live_server, transactional_db):
    seed()
    with phone_browser() as page:
        for username, tokens_link in (("sup-admin", True), ("soft-editor", False),
                                      ("soft-staff", False), ("soft-principal", True)):
            sign_in(page, live_server.url, username)
            screenshot(page, f"header-{username}")
            assert page.evaluate(HEADER_HEIGHT) <= 140, username  # was about 250 px
            assert page.evaluate(SIDEWAYS) == 0, username  # the page itself never scrolls sideways
            menu = page.locator("nav.menu ul")
            assert menu.evaluate("e => e.scrollWidth > e.clientWidth"), username  # one line
            assert (page.locator("nav.menu >> text=API 令牌").count() == 1) is tokens_link, username
            assert page.locator("nav.menu a[aria-current=page]").inner_text() == "首页"
            screenshot(page, f"header-{username}")
            last = menu.locator("li").last
            last.scroll_into_view_if_needed()
            assert last.is_visible()
            last.locator("a").click()
            page.wait_for_load_state()
            assert "/accounts/password" in page.url
            page.go_back()
            page.wait_for_load_state()
            second = menu.locator("li").nth(1).locator("a")
            label = second.inner_text()
            second.click()
            page.wait_for_load_state()
            current = page.locator("nav.menu a[aria-current=page]")
            assert current.count() == 1 and current.inner_text() == label, username
            page.click("#logout")
            page.wait_for_load_state()


@pytest.mark.browser
def test_the_browser_draws_its_own_controls_in_chinese(tmp_path):
    """The file picker's own text comes from Chromium's translations (chromium-l10n)."""
    import subprocess

    with phone_browser() as page:
        page.set_content('<meta charset="utf-8"><input type="file">')
        image = tmp_path / "file-input.png"
        page.locator("input").screenshot(path=str(image))
    text = subprocess.run(["tesseract", str(image), "-", "-l", "chi_sim"], capture_output=True,
                          text=True, timeout=60).stdout.replace(" ", "")
    assert "选择文件" in text or "未选择" in text, text
