"""Browser story: an editor attaches a 30 MB file to a filing from a phone; the refusal
comes at once, in Chinese, in place of the page, with a way back (issue 15, finding 8)."""

import tempfile

import pytest
from django.test import override_settings

from guildhall.testing.browser import phone_browser, screenshot, sign_in


@pytest.mark.browser
@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="guildhall-test-media-"))
def test_a_file_over_the_limit_is_refused_in_chinese(live_server, transactional_db, tmp_path):
    from django.contrib.auth.hashers import make_password

    from guildhall.events.tests.factories import make_filing
    from guildhall.orgs.demo import seed_cast
    from guildhall.records.models import Attachment

    cast = seed_cast(make_password("guildhall-demo"))
    soft = cast.orgs["soft"]
    filing = make_filing(cast, soft, "draft")
    big = tmp_path / "会议资料汇编.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (30 * 1024 * 1024))
    with phone_browser() as page:
        sign_in(page, live_server.url, "soft-editor")
        filing_url = f"{live_server.url}/o/{soft.pk}/events/{filing.pk}/"
        page.goto(filing_url)
        page.set_input_files("#attach-form input[type=file]", str(big))
        page.click("#attach-form button")
        page.wait_for_selector("#too-large")
        text = page.inner_text("main")
        assert "文件过大" in text and "20 MB" in text
        screenshot(page, "upload-limit-1-refused")
        page.click("text=返回上一页面")
        page.wait_for_selector("#attach-form")
        assert page.url == filing_url
    assert not Attachment.objects.exists()
