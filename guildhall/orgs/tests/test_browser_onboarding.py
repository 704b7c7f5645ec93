"""Browser story: sup-admin adds an association on a phone and invites its first admin in
the same step; the list says who has no active admin yet."""

import pytest

from guildhall.orgs.demo import credit_code
from guildhall.orgs.models import Invitation
from guildhall.site.demo import seed
from guildhall.testing.browser import phone_browser, screenshot, sign_in

SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.browser
def test_a_new_association_comes_with_its_first_admin_invited(live_server, transactional_db):
    cast = seed(modules=())
    sup = cast.orgs["sup"]
    with phone_browser() as page:
        sign_in(page, live_server.url, "sup-admin")
        page.goto(f"{live_server.url}/o/{sup.pk}/associations/new")
        page.fill("#id_code", "food")
        page.fill("#id_name", "省食品行业协会")
        page.fill("#id_credit_code", credit_code("51320000MJ5432188"))
        page.fill("#id_region", "扬州市")
        page.fill("#id_admin_email", "li.admin@food.example.cn")
        screenshot(page, "onboarding-1-new-association")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        assert "已添加省食品行业协会，并已邀请其首位管理员（li.admin@food.example.cn）" in page.content()
        page.click("#without-admin a")
        page.wait_for_load_state()
        row = page.locator("tr", has_text="省食品行业协会")
        assert "已邀请，尚未加入" in row.inner_text()
        assert page.evaluate(SIDEWAYS) == 0
        screenshot(page, "onboarding-2-without-admin")
    assert Invitation.objects.get(email="li.admin@food.example.cn").role == "admin"


@pytest.mark.browser
def test_an_association_admin_corrects_its_details_on_a_phone(live_server, transactional_db):
    from guildhall.orgs.models import Organization

    cast = seed(modules=())
    soft = cast.orgs["soft"]
    with phone_browser() as page:
        sign_in(page, live_server.url, "soft-admin")
        page.goto(f"{live_server.url}/o/{soft.pk}/members/")
        page.click("#org-details-link")
        page.wait_for_load_state()
        page.fill("#id_contact_name", "周敏")
        page.fill("#id_contact_phone", "025-83456789")
        page.fill("#id_credit_code", soft.credit_code[:17] + ("1" if soft.credit_code[17] != "1" else "2"))
        page.click("#org-details-form button[type=submit]")
        page.wait_for_load_state()
        assert "校验码（第 18 位）" in page.content()
        assert page.input_value("#id_contact_name") == "周敏"  # nothing typed is lost
        assert page.evaluate(SIDEWAYS) == 0
        screenshot(page, "org-details-1-wrong-credit-code")
        page.fill("#id_credit_code", soft.credit_code)
        page.click("#org-details-form button[type=submit]")
        page.wait_for_load_state()
        assert "单位信息已保存" in page.content()
        screenshot(page, "org-details-2-saved")
    soft = Organization.objects.get(pk=soft.pk)
    assert (soft.contact_name, soft.contact_phone) == ("周敏", "025-83456789")
