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


# axe-core (npm, a test tool: never served by the app) is injected as an init script, which
# the browser runs outside the page's Content-Security-Policy.
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_FAILS_ON = ("serious", "critical")
AXE_LOG = Path(settings.BASE_DIR) / "var" / "axe.jsonl"
# Every violation of the policy the page reports, with what the browser says on its console.
CSP_WATCH = """() => document.addEventListener('securitypolicyviolation', (e) =>
    window.__cspViolation(`${e.violatedDirective} ${e.blockedURI} on ${document.location.pathname}`))"""
# A swap by htmx changes the page: check it again at the next checkpoint.
AXE_RESET = """() => document.addEventListener('htmx:afterSettle', () => { window.__axeChecked = false; })"""
AXE_RUN = """async () => {
    if (window.__axeChecked || typeof axe === 'undefined' || !document.body) return null;
    window.__axeChecked = true;
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""


class PageChecks:
    """What every browser story checks on every page it opens: no violation of the
    Content-Security-Policy, and no serious or critical accessibility violation (axe-core).

    The CSP watcher reports as the browser does; axe runs at each checkpoint (after
    `goto`, `reload`, `go_back` and `wait_for_load_state`, which every click that loads a
    page is followed by), once per document and again after an htmx swap."""

    def __init__(self, page: Any, *, axe: bool = True) -> None:
        self.page = page
        self.csp: list[str] = []
        self.accessibility: list[dict[str, Any]] = []
        self.checked_paths: list[str] = []
        page.expose_function("__cspViolation", lambda text: self.csp.append(text))
        page.add_init_script(f"({CSP_WATCH})()")
        page.on("console", lambda msg: self.csp.append(msg.text)
                if msg.type == "error" and "Content Security Policy" in msg.text else None)
        if axe:
            page.add_init_script(path=str(AXE))
            page.add_init_script(f"({AXE_RESET})()")
            for name in ("goto", "reload", "go_back", "wait_for_load_state"):
                setattr(page, name, self._checkpoint(getattr(page, name)))

    def _checkpoint(self, step: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            result = step(*args, **kwargs)
            self.check()
            return result
        return run

    def check(self) -> None:
        """Run axe on the page as it stands now (unless it was checked since it last
        changed) and fail on a serious or critical violation; then fail on any CSP
        violation reported so far."""
        import json

        from playwright.sync_api import Error as PlaywrightError

        try:
            found = self.page.evaluate(AXE_RUN)
        except PlaywrightError as exc:  # the page went away meanwhile (a download, a redirect)
            if "navigat" not in str(exc) and "destroyed" not in str(exc) and "closed" not in str(exc):
                raise
            found = None
        if found is not None:
            path = self.page.evaluate("() => document.location.pathname")
            self.checked_paths.append(path)
            AXE_LOG.parent.mkdir(parents=True, exist_ok=True)
            with AXE_LOG.open("a", encoding="utf-8") as log:
                for violation in found:
                    log.write(json.dumps({"path": path, **violation}, ensure_ascii=False) + "\n")
            bad = [v for v in found if v["impact"] in AXE_FAILS_ON]
            self.accessibility += [{"path": path, **v} for v in found]
            lines = [f"{v['impact']} {v['id']}: {v['help']} — {', '.join(v['targets'])}" for v in bad]
            assert not bad, f"accessibility (axe-core) on {path}:\n" + "\n".join(lines)
        self.assert_no_csp_violation()

    def assert_no_csp_violation(self) -> None:
        assert not self.csp, "Content-Security-Policy violations:\n" + "\n".join(self.csp)


@contextmanager
def phone_browser(*, axe: bool = True) -> Iterator[Any]:
    """Yield a Playwright page sized like a phone, in Simplified Chinese, with the checks
    of `PageChecks` on (`page.checks`); they run once more when the story ends."""
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
            page = context.new_page()
            page.checks = PageChecks(page, axe=axe)
            yield page
            page.checks.check()
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
