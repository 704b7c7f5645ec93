"""Browser story: a WeChat article goes through findings and 三审 on a phone, in Chinese."""

import pytest

from guildhall.publications.models import Channel, Publication
from guildhall.site.demo import seed
from guildhall.testing.browser import act, fill_rich_text, phone_browser, screenshot, sign_in

ID_NUMBER = "320102199003071239"


def _sign_out(page):
    page.click("#logout")
    page.wait_for_load_state()


def _review(page, live_server, username: str, pid: int, org_id: int, comment: str, shot: str):
    sign_in(page, live_server.url, username)
    page.goto(f"{live_server.url}/o/{org_id}/publications/waiting/")
    page.click(f"a[href='/o/{org_id}/publications/{pid}/']")
    page.fill("#id_comment", comment)
    act(page, "#review-pass")
    assert not page.query_selector("#action-error"), page.inner_text("#action-error")
    screenshot(page, shot)
    _sign_out(page)


@pytest.mark.browser
def test_soft_editor_article_with_findings_passes_three_reviews_and_is_published(
        live_server, transactional_db):
    cast = seed()
    soft = cast.orgs["soft"]
    wechat = Channel.objects.get(organization=soft, type="wechat_official")
    with phone_browser() as page:
        sign_in(page, live_server.url, "soft-editor")
        page.goto(f"{live_server.url}/o/{soft.pk}/publications/new")
        page.fill("#id_title", "协会开展数字化转型调研")
        page.check(f"input[name=channels][value='{wechat.pk}']")
        page.fill("#id_planned_at", "2030-01-02T10:00")
        fill_rich_text(page, "id_body", "协会近日开展数字化转型调研。\n"
                              f"调研联系人：王老师，手机 13912345678，身份证号 {ID_NUMBER}。")
        page.click("#save-publication")
        page.wait_for_load_state()
        page.click("#submit-publication")
        page.wait_for_load_state()
        findings = page.inner_text("#findings")
        assert "3201**********1239" in findings and ID_NUMBER not in findings
        assert "139" in findings
        screenshot(page, "publications-1-findings")

        # The editor removes the ID number: a new revision, submitted again.
        page.click("#edit-publication")
        fill_rich_text(page, "id_body", "协会近日开展数字化转型调研。\n调研联系人：王老师，手机 13912345678。")
        page.click("#save-publication")
        page.wait_for_load_state()
        page.click("#submit-publication")
        page.wait_for_load_state()
        assert "3201**********1239" not in page.inner_text("#findings ul.findings")
        screenshot(page, "publications-2-one-finding-left")
        _sign_out(page)

        pid = Publication.objects.get(title="协会开展数字化转型调研").pk
        sign_in(page, live_server.url, "soft-reviewer")
        page.goto(f"{live_server.url}/o/{soft.pk}/publications/{pid}/")
        page.fill(".ack-form input[name=reason]", "该号码为协会对外公开的调研联系电话。")
        act(page, ".ack-form button")
        assert "该号码为协会对外公开的调研联系电话" in page.inner_text("#findings")
        screenshot(page, "publications-3-acknowledged")
        _sign_out(page)

        _review(page, live_server, "soft-reviewer", pid, soft.pk, "初审通过，联系电话已确认可公开。",
                "publications-4-first-review")
        _review(page, live_server, "soft-reviewer2", pid, soft.pk, "复审通过。",
                "publications-5-second-review")
        _review(page, live_server, "soft-principal", pid, soft.pk, "同意签发。",
                "publications-6-final-review")
        assert Publication.objects.get(pk=pid).status == "approved"

        sign_in(page, live_server.url, "soft-editor")
        page.goto(f"{live_server.url}/o/{soft.pk}/publications/{pid}/")
        page.select_option("#id_channel", str(wechat.pk))
        page.fill("#id_url", "https://mp.weixin.qq.com/s/demo-digital")
        page.click("#record-published")
        page.wait_for_load_state()
        assert "https://mp.weixin.qq.com/s/demo-digital" in page.inner_text("#placements")
        screenshot(page, "publications-7-published")
    publication = Publication.objects.get(pk=pid)
    assert publication.status == "published"
    assert publication.revision == 2 and publication.approved_revision == 2
