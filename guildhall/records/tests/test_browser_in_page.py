"""Browser story: the record actions of a page happen in place (htmx), without a reload,
and the same forms still work as plain POST → redirect (see the view tests)."""

import pytest

from guildhall.events.tests.factories import make_filing
from guildhall.orgs.demo import seed_cast
from guildhall.publications.models import Status
from guildhall.publications.tests.factories import make_publication
from guildhall.testing.browser import act, phone_browser, screenshot, sign_in


def _mark(page):
    page.evaluate("() => { window.__stillHere = 'yes'; }")


def _still_here(page) -> bool:
    return page.evaluate("() => window.__stillHere") == "yes"


@pytest.mark.browser
def test_a_finding_is_acknowledged_and_a_file_removed_without_reloading_the_page(
        live_server, transactional_db):
    from django.contrib.auth.hashers import make_password

    cast = seed_cast(make_password("guildhall-demo"))
    soft = cast.orgs["soft"]
    publication = make_publication(cast, soft, Status.IN_REVIEW, finding=True)
    filing = make_filing(cast, soft, "with_attachment")
    with phone_browser() as page:
        sign_in(page, live_server.url, "soft-reviewer")
        page.goto(f"{live_server.url}/o/{soft.pk}/publications/{publication.pk}/")
        _mark(page)
        page.fill(".ack-form input[name=reason]", "对外公开的联系电话。")
        act(page, ".ack-form button")
        assert _still_here(page), "the page was reloaded"
        assert "对外公开的联系电话" in page.inner_text("#findings")
        assert "已确认" in page.inner_text("main")  # the success message, in place
        screenshot(page, "records-1-acknowledged-in-place")

        page.click("#logout")
        page.wait_for_load_state()
        sign_in(page, live_server.url, "soft-editor")
        page.goto(f"{live_server.url}/o/{soft.pk}/events/{filing.pk}/")
        assert page.query_selector("#attachments li a")
        _mark(page)
        act(page, "#attachments form.inline button")
        assert _still_here(page), "the page was reloaded"
        assert "暂无材料" in page.inner_text("#materials")
        screenshot(page, "records-2-removed-in-place")
