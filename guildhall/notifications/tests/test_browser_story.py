"""Browser story: soft-editor marks a notification read in the inbox without leaving the page."""

import pytest

from guildhall.notifications.models import Notification
from guildhall.notifications.services import Message, deliver
from guildhall.site.demo import seed
from guildhall.testing.browser import phone_browser, screenshot, sign_in


@pytest.mark.browser
def test_soft_editor_marks_a_notification_read_in_place(live_server, transactional_db):
    cast = seed()
    editor = cast.user("soft-editor")
    Notification.objects.filter(recipient=editor).update(read_at=None)
    note = deliver([editor], Message(kind="test", subject="会议室已改到三楼", body="周五例会地点调整。"))[0]
    unread = Notification.objects.filter(recipient=editor, read_at__isnull=True).count()
    with phone_browser() as page:
        sign_in(page, live_server.url, "soft-editor")
        page.goto(f"{live_server.url}/inbox/")
        assert page.inner_text("#inbox-link .badge") == str(unread)
        row = f"#notification-{note.pk}"
        assert "新" in page.inner_text(f"{row} header")
        page.evaluate("window.stillTheSamePage = true")
        page.click(f"{row} button:has-text('标为已读')")
        page.wait_for_selector(f"{row} button", state="detached")
        assert page.evaluate("window.stillTheSamePage === true"), "the page was reloaded"
        assert "新" not in page.inner_text(f"{row} header")
        assert "会议室已改到三楼" in page.inner_text(row)
        expected = str(unread - 1) if unread > 1 else None
        badge = page.query_selector("#inbox-link .badge")
        assert (badge.inner_text() if badge else None) == expected
        screenshot(page, "notifications-1-read-in-place")
    note.refresh_from_db()
    assert note.read_at is not None
