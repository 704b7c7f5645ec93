"""The publication editor on the server: an empty text is refused (page and API) with what
was typed kept, and an edit shows the formatted text in the editor, never raw HTML."""

from __future__ import annotations

import html

from django.urls import reverse

from guildhall.publications.models import Publication
from guildhall.publications.tests.test_services import PublicationCase

FORMATTED = "<h2>须知</h2><p>请<strong>按时</strong>参加。</p><ul><li>带电脑</li></ul>"


class EmptyBodyTest(PublicationCase):
    def post_new(self, body: str, **extra):
        self.login("soft-editor")
        return self.client.post(reverse("publications:publication_new", args=[self.soft.pk]), {
            "title": "只有标题", "channels": [self.channel.pk], "planned_at": "2030-01-02T10:00",
            "body": body, **extra})

    def test_an_empty_body_is_refused_beside_the_editor_and_the_rest_is_kept(self):
        for body in ("", "<p><br></p>", "<p><br></p><p><br></p>", "<p>&nbsp;</p>"):
            response = self.post_new(body, needs_supervisor="on")
            self.assertEqual(response.status_code, 400, body)
            page = response.content.decode()
            self.assertIn("请填写文章正文：正文为空，不能保存。", page)
            self.assertIn('value="只有标题"', page)
            self.assertRegex(page, rf'name="channels" value="{self.channel.pk}"[^>]* checked')
            self.assertRegex(page, r'name="needs_supervisor"[^>]* checked')
        self.assertFalse(Publication.objects.filter(title="只有标题").exists())

    def test_an_empty_body_is_refused_without_javascript_too(self):
        response = self.post_new("", body__text="  \r\n ")
        self.assertContains(response, "正文为空", status_code=400)

    def test_an_edit_that_empties_the_body_makes_no_revision(self):
        p = self.write()
        self.login("soft-editor")
        response = self.client.post(reverse("publications:publication_edit",
                                            args=[self.soft.pk, p.pk]), {
            "title": p.title, "channels": [self.channel.pk], "planned_at": "2030-01-02T10:00",
            "body": "<p><br></p>", "revision": p.revision})
        self.assertContains(response, "正文为空", status_code=400)
        self.assertEqual(Publication.objects.get(pk=p.pk).revision, 1)

    def test_the_api_refuses_an_empty_body(self):
        response = self.api_client("soft-editor").post("/api/v1/publications/", {
            "organization": self.soft.pk, "title": "甲", "channels": [self.channel.pk],
            "planned_at": "2030-01-02T10:00:00", "body": "<p><br></p>"},
            content_type="application/json")
        self.assertEqual((response.status_code, response.json()["code"]), (400, "body_required"))
        self.assertFalse(Publication.objects.filter(title="甲").exists())


class EditRoundTripTest(PublicationCase):
    def test_the_edit_page_gives_the_editor_the_html_and_the_text_box_plain_text(self):
        p = self.write(body=FORMATTED)
        self.login("soft-editor")
        page = self.client.get(reverse("publications:publication_edit",
                                       args=[self.soft.pk, p.pk])).content.decode()
        hidden = page.split('name="body" value="', 1)[1].split('"', 1)[0]
        self.assertEqual(html.unescape(hidden), FORMATTED)
        textarea = page.split('name="body__text"', 1)[1].split("</textarea>", 1)[0]
        self.assertIn("须知\n请按时参加。\n带电脑", textarea)
        self.assertNotIn("&lt;", textarea)
        self.assertIn("vendor/quill/quill", page)
        self.assertIn("guildhall/richtext", page)

    def test_saving_the_editors_html_back_unchanged_makes_no_revision(self):
        p = self.write(body=FORMATTED)
        self.login("soft-editor")
        url = reverse("publications:publication_edit", args=[self.soft.pk, p.pk])
        form = {"title": p.title, "channels": [self.channel.pk], "revision": 1,
                "planned_at": p.planned_at.astimezone().strftime("%Y-%m-%dT%H:%M")}
        Publication.objects.filter(pk=p.pk).update(planned_at=p.planned_at.replace(second=0, microsecond=0))
        self.assertEqual(self.client.post(url, {**form, "body": FORMATTED}).status_code, 302)
        self.assertEqual(Publication.objects.get(pk=p.pk).revision, 1)
        # Without JavaScript, the same text back keeps the formatting too.
        self.client.post(url, {**form, "body": FORMATTED, "body__text": "须知\n请按时参加。\n带电脑"})
        self.assertEqual(Publication.objects.get(pk=p.pk).revision, 1)
        # A change is a new revision whose body is sanitized HTML.
        self.client.post(url, {**form, "body": FORMATTED.replace("带电脑", "带电脑<script>x</script>")
                               + "<p>新段落</p>"})
        p.refresh_from_db()
        self.assertEqual(p.revision, 2)
        body = p.revisions.get(number=2).snapshot["body"]
        self.assertEqual(body, FORMATTED + "<p>新段落</p>")
        page = self.client.get(p.get_absolute_url()).content.decode()
        self.assertIn('<div class="pub-body" id="publication-body"><h2>须知</h2>', page)
        self.assertIn('id="phone-preview"', page)
