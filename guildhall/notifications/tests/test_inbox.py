"""The inbox: marking a notification read, as a plain form and in place with htmx."""

from guildhall.notifications import services
from guildhall.notifications.services import Message
from guildhall.testing import GuildhallTestCase


class MarkReadTest(GuildhallTestCase):
    """Marking a notification read works as a plain form and, with htmx, in place."""

    def setUp(self):
        self.editor = self.login("soft-editor")
        self.note, self.other = services.deliver([self.editor, self.editor],
                                                 Message(kind="test", subject="请查收"))

    def test_the_inbox_button_posts_with_htmx_and_keeps_a_real_form_action(self):
        page = self.client.get("/inbox/").content.decode()
        url = f"/inbox/{self.note.pk}/read"
        self.assertIn(f'<form method="post" action="{url}" hx-post="{url}" hx-target="closest article"'
                      ' hx-swap="outerHTML">', page)

    def test_without_javascript_it_marks_read_and_redirects_to_the_inbox(self):
        response = self.client.post(f"/inbox/{self.note.pk}/read")
        self.assertRedirects(response, "/inbox/")
        self.note.refresh_from_db()
        self.assertIsNotNone(self.note.read_at)
        self.assertContains(self.client.get("/inbox/"), '<span class="badge">1</span>', html=False)

    def test_with_htmx_it_answers_the_read_row_and_the_new_unread_count(self):
        response = self.client.post(f"/inbox/{self.note.pk}/read", headers={"HX-Request": "true"})
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "notifications/_notification.html")
        html = response.content.decode()
        self.assertNotIn("<html", html)
        row = html[html.index(f'<article id="notification-{self.note.pk}">'):html.index("</article>")]
        self.assertIn("请查收", row)
        self.assertNotIn("badge", row)
        self.assertNotIn("<form", row)
        self.assertIn('id="inbox-link" hx-swap-oob="true"', html)
        self.assertIn('<span class="badge">1</span>', html)
        self.note.refresh_from_db()
        self.assertIsNotNone(self.note.read_at)

    def test_reading_again_keeps_the_first_reading_time(self):
        self.client.post(f"/inbox/{self.note.pk}/read", headers={"HX-Request": "true"})
        self.note.refresh_from_db()
        first = self.note.read_at
        self.client.post(f"/inbox/{self.note.pk}/read", headers={"HX-Request": "true"})
        self.note.refresh_from_db()
        self.assertEqual(self.note.read_at, first)

    def test_someone_elses_notification_is_404_with_htmx_too(self):
        note = services.deliver([self.user("logi-editor")], Message(kind="t", subject="x"))[0]
        response = self.client.post(f"/inbox/{note.pk}/read", headers={"HX-Request": "true"})
        self.assertEqual(response.status_code, 404)
        note.refresh_from_db()
        self.assertIsNone(note.read_at)

    def test_it_refuses_get(self):
        self.assertEqual(self.client.get(f"/inbox/{self.note.pk}/read").status_code, 405)
