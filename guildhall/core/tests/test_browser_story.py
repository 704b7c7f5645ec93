"""Browser story: soft-admin signs in in Chinese, switches to English, invites a member."""

import pytest

from guildhall.orgs.models import Invitation
from guildhall.site.demo import seed
from guildhall.testing.browser import phone_browser, screenshot, sign_in


@pytest.mark.browser
def test_soft_admin_signs_in_switches_language_invites_and_signs_out(live_server, transactional_db):
    seed()
    with phone_browser() as page:
        sign_in(page, live_server.url, "soft-admin")
        assert "省软件行业协会（演示）" in page.inner_text("h1")
        assert "待办工作" in page.content()
        screenshot(page, "foundation-1-home-zh")

        page.click("#lang-switch")
        page.wait_for_load_state()
        assert "Open work" in page.content()
        screenshot(page, "foundation-2-home-en")

        page.click("text=Members")
        page.fill("#id_email", "new.colleague@example.cn")
        page.select_option("#id_role", "editor")
        page.click("#invite-form button[type=submit]")
        page.wait_for_load_state()
        assert "The invitation was sent to new.colleague@example.cn" in page.content()
        screenshot(page, "foundation-3-invited")

        page.click("#logout")
        page.wait_for_load_state()
        assert "/accounts/login/" in page.url
        screenshot(page, "foundation-4-signed-out")
    assert Invitation.objects.filter(email="new.colleague@example.cn", role="editor").exists()
