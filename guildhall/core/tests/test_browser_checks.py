"""Browser check of the checks themselves: every story's page fails on a serious
accessibility violation (axe-core) and on a violation of the Content-Security-Policy."""

import pytest

from guildhall.testing.browser import phone_browser


@pytest.mark.browser
def test_a_serious_accessibility_violation_fails_the_story(live_server, transactional_db):
    with phone_browser() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        assert page.checks.checked_paths == ["/accounts/login/"]
        # A button with no text: axe calls it critical ("button-name").
        page.evaluate("""() => { document.querySelector('main').append(document.createElement('button'));
                                  window.__axeChecked = false; }""")
        with pytest.raises(AssertionError, match="button-name"):
            page.checks.check()


@pytest.mark.browser
def test_a_policy_violation_fails_the_story(live_server, transactional_db):
    with phone_browser() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.evaluate("() => document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
        page.wait_for_timeout(200)
        with pytest.raises(AssertionError, match="Content-Security-Policy"):
            page.reload()
        page.checks.csp.clear()
