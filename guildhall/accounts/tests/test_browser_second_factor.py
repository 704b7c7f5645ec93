"""Browser story (两步验证): the association's admin signs in on a phone, sets up the
authenticator app from the QR code, keeps the recovery codes, and next time signs in
with one of them — in Chinese, under the page's security policy."""

import time
from base64 import b32decode

import pytest
from django.test import override_settings
from django_otp.oath import TOTP

from guildhall.site.demo import seed
from guildhall.testing.browser import phone_browser, screenshot, sign_in


def code_from(manual_key: str, ahead: int = 0) -> str:
    """What the phone's app shows for the key typed by hand."""
    totp = TOTP(b32decode(manual_key.replace(" ", "")))
    totp.time = time.time() + ahead
    return f"{totp.token():06d}"


@pytest.mark.browser
@override_settings(SECOND_FACTOR="roles")
def test_an_admin_sets_up_the_second_factor_and_signs_in_with_a_recovery_code(
        live_server, transactional_db):
    from guildhall.audit.models import AuditRecord

    seed()
    with phone_browser() as page:
        sign_in(page, live_server.url, "soft-admin")
        assert "/accounts/second-factor/" in page.url
        assert "设置两步验证" in page.inner_text("main")
        assert page.evaluate("() => document.getElementById('qr').naturalWidth") > 100
        screenshot(page, "second-factor-1-set-up")

        manual_key = page.inner_text("#manual-key")
        page.fill("input[name=code]", "123")
        page.click("#second-factor button[type=submit]")
        page.wait_for_load_state()
        assert "验证码不正确" in page.inner_text("main")
        page.fill("input[name=code]", code_from(manual_key))
        page.click("#second-factor button[type=submit]")
        page.wait_for_selector("#recovery-codes")
        codes = page.eval_on_selector_all("#recovery-codes code", "els => els.map(e => e.textContent)")
        assert len(codes) == 10
        screenshot(page, "second-factor-2-recovery-codes")
        page.click("text=我已保存，继续")
        page.wait_for_load_state()
        assert "省软件行业协会（演示）" in page.inner_text("h1")

        page.click("#logout")
        page.wait_for_load_state()
        sign_in(page, live_server.url, "soft-admin")
        assert "请输入验证器应用当前显示的六位数字" in page.inner_text("main")
        screenshot(page, "second-factor-3-asked-at-sign-in")
        page.fill("input[name=code]", codes[0])
        page.click("#second-factor button[type=submit]")
        page.wait_for_load_state()
        assert "省软件行业协会（演示）" in page.inner_text("h1")

        page.goto(f"{live_server.url}/")
        page.click("text=成员")
        page.wait_for_load_state()
        assert "已启用两步验证" in page.inner_text("main")
        screenshot(page, "second-factor-4-members")
    assert AuditRecord.objects.filter(action="auth.second_factor",
                                      after__recovery_code=True).exists()
