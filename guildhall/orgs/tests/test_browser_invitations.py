"""Browser story: soft-admin, on a phone, invites someone, sends the invitation again when
it was lost, then cancels one sent to a wrong address; its link then says so."""

import pytest

from guildhall.orgs.models import Invitation
from guildhall.site.demo import seed
from guildhall.testing.browser import phone_browser, screenshot, sign_in

SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.browser
def test_an_admin_resends_and_cancels_pending_invitations(live_server, transactional_db):
    cast = seed(modules=())
    soft = cast.orgs["soft"]
    with phone_browser() as page:
        sign_in(page, live_server.url, "soft-admin")
        page.goto(f"{live_server.url}/o/{soft.pk}/members/")
        for email in ("zhao.lei@example.cn", "zhao.lie@example.cn"):
            page.fill("#id_email", email)
            page.click("#invite-form button[type=submit]")
            page.wait_for_load_state()
        assert page.locator("#id_role").input_value() == "staff"
        pending = page.locator("#invitations li")
        assert pending.count() == 2
        assert page.evaluate(SIDEWAYS) == 0
        screenshot(page, "invitations-1-pending")

        page.locator("#invitations li", has_text="zhao.lei@").locator("button", has_text="重新发送").click()
        page.wait_for_load_state()
        assert "邀请已重新发送至 zhao.lei@example.cn" in page.inner_text(".messages")
        page.locator("#invitations li", has_text="zhao.lie@").locator("button", has_text="撤销邀请").click()
        page.wait_for_load_state()
        assert "其链接不再有效" in page.inner_text(".messages")
        assert page.locator("#invitations li").count() == 1
        screenshot(page, "invitations-2-one-cancelled")

        page.click("#logout")
        page.wait_for_load_state()
        token = Invitation.objects.get(email="zhao.lie@example.cn").token
        response = page.goto(f"{live_server.url}/invitations/{token}/")
        assert response.status == 410
        assert "邀请已撤销" in page.inner_text("h1")
        assert page.evaluate(SIDEWAYS) == 0
        screenshot(page, "invitations-3-cancelled-link")
