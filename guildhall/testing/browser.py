"""Headless Chromium for the browser stories (Debian's /usr/bin/chromium via Playwright)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
                 "--lang=zh-CN"]
PHONE = {"width": 375, "height": 812}
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@contextmanager
def phone_browser() -> Iterator[Any]:
    """Yield a Playwright page sized like a phone, in Simplified Chinese."""
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        # On Linux, Chromium takes its own interface language (the file picker's "选择文件")
        # from LANGUAGE, not from --lang; its translations are Debian's chromium-l10n. LANG
        # stays a UTF-8 locale every system has, so files with Chinese names still upload.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env={
            **os.environ, "LANG": "C.UTF-8", "LANGUAGE": "zh_CN:zh"})
        context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True,
                                      has_touch=True, device_scale_factor=2)
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def screenshot(page: Any, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Any, base_url: str, username: str, password: str = "guildhall-demo") -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def act(page: Any, selector: str) -> None:
    """Click the button of an in-page action and wait until its answer is on the page: the
    swap of an htmx action (no page load), or the new page of an ordinary form."""
    page.evaluate("""() => { window.__guildhallSwapped = false;
        document.body.addEventListener('htmx:afterSettle',
            () => { window.__guildhallSwapped = true; }, {once: true}); }""")
    page.click(selector)
    page.wait_for_function("() => window.__guildhallSwapped !== false")
    page.wait_for_load_state()


def fill_rich_text(page: Any, field_id: str, text: str) -> None:
    """Replace the text of the rich-text editor of field `field_id` (kit.richtext) by
    typing it: one paragraph a line, as a writer would."""
    editor = page.locator(f"#{field_id} .ql-editor")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    for n, line in enumerate(text.split("\n")):
        if n:
            page.keyboard.press("Enter")
        page.keyboard.insert_text(line)
