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
