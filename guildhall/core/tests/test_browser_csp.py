"""Browser check: with the Content-Security-Policy on, the demo's pages load in Chromium
without a single violation — htmx included, in-page actions included — for an
association's people and a supervisor's (security finding 8, issue 15). The watcher is the
shared one of every browser story (`guildhall.testing.browser.PageChecks`), which also runs
axe-core on each page the walk opens."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from guildhall.site.demo import seed
from guildhall.testing.browser import act, phone_browser, screenshot, sign_in

PER_PERSONA = 30


def walk(page, base_url: str, limit: int) -> list[str]:
    """Open the home page and then the pages its menus and lists link to, breadth first;
    return the paths opened."""
    seen: list[str] = []
    queue = ["/"]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.append(path)
        try:
            response = page.goto(base_url + path)
        except PlaywrightError as exc:  # a stored file: downloaded, not a page
            if "Download is starting" in str(exc):
                continue
            raise
        page.wait_for_load_state()
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/") or parts.path in seen:
                continue
            # Files, feeds and exports are not pages to look at.
            if any(s in parts.path for s in ("/download", "/files/", ".ics", "/export", "/template")):
                continue
            queue.append(parts.path)
    return seen


@pytest.mark.browser
def test_the_demo_pages_load_without_a_policy_violation(live_server, transactional_db):
    seed()
    opened: list[str] = []
    with phone_browser() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        # The watcher sees a violation when there is one.
        page.evaluate("() => document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
        page.wait_for_timeout(200)
        assert page.checks.csp, "a style attribute added to the page was not reported"
        page.checks.csp.clear()

        for username in ("soft-editor", "soft-admin", "sup-approver"):
            sign_in(page, live_server.url, username)
            opened += walk(page, live_server.url, PER_PERSONA)
            if username == "soft-admin":
                screenshot(page, "csp-1-last-page-soft-admin")
            page.goto(f"{live_server.url}/")
            page.click("#logout")
            page.wait_for_load_state()

        # A form posting to the site itself (form-action 'self'): the language switch.
        sign_in(page, live_server.url, "soft-editor")
        page.goto(f"{live_server.url}/")
        page.click("#lang-switch")
        page.wait_for_load_state()
        screenshot(page, "csp-2-home-in-english-after-the-switch")
    assert len(set(opened)) > 40, opened
    assert len(set(page.checks.checked_paths)) > 40, "axe-core did not check the pages walked"


@pytest.mark.browser
def test_an_in_page_action_runs_under_the_policy(live_server, transactional_db):
    from django.contrib.auth.hashers import make_password

    from guildhall.events.tests.factories import make_filing
    from guildhall.orgs.demo import seed_cast

    cast = seed_cast(make_password("guildhall-demo"))
    soft = cast.orgs["soft"]
    filing = make_filing(cast, soft, "with_attachment")
    with phone_browser() as page:
        sign_in(page, live_server.url, "soft-editor")
        page.goto(f"{live_server.url}/o/{soft.pk}/events/{filing.pk}/")
        page.evaluate("() => { window.__stillHere = 'yes'; }")
        act(page, "#attachments form.inline button")
        assert page.evaluate("() => window.__stillHere") == "yes", "the page was reloaded"
        assert "暂无材料" in page.inner_text("#materials")
        # htmx added no style element of its own.
        assert page.evaluate("() => document.querySelectorAll('style').length") == 0
        screenshot(page, "csp-3-in-page-action")
