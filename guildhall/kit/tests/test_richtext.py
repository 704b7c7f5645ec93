"""The rich-text widget: what the browser sends with and without JavaScript, what it draws."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.utils import translation

from guildhall.core.errors import DomainError
from guildhall.kit.richtext import RichTextWidget, clean_rich_text

STORED = "<h2>须知</h2><p>请<strong>按时</strong>参加。</p><ul><li>带电脑</li></ul>"


class WidgetInputTest(SimpleTestCase):
    widget = RichTextWidget()

    def value(self, data: dict) -> str:
        return self.widget.value_from_datadict(data, {}, "body")

    def test_the_editor_sends_html_in_the_hidden_field(self):
        self.assertEqual(self.value({"body": STORED}), STORED)

    def test_without_javascript_unchanged_text_keeps_its_formatting(self):
        self.assertEqual(self.value({"body": STORED, "body__text": "须知\r\n请按时参加。\r\n带电脑"}),
                         STORED)

    def test_without_javascript_changed_text_is_taken_as_paragraphs(self):
        self.assertEqual(self.value({"body": STORED, "body__text": "须知\n请按时参加。\n带电脑\n新的一段"}),
                         "须知\n请按时参加。\n带电脑\n新的一段")


class WidgetDrawingTest(SimpleTestCase):
    def test_it_draws_sanitized_html_for_the_editor_and_plain_text_for_the_text_box(self):
        with translation.override("zh-hans"):
            html = RichTextWidget().render("body", STORED + "<script>alert(1)</script>",
                                           attrs={"id": "id_body"})
        hidden = html.split('type="hidden"', 1)[1].split(">", 1)[0]
        self.assertIn("&lt;h2&gt;须知&lt;/h2&gt;", hidden)
        self.assertNotIn("script", html)
        textarea = html.split("<textarea", 1)[1].split("</textarea>", 1)[0]
        self.assertIn('name="body__text"', textarea)
        self.assertIn("须知\n请按时参加。\n带电脑", textarea)
        self.assertNotIn("&lt;p&gt;", textarea)
        self.assertIn('aria-label="加粗"', html)
        self.assertNotIn("style=", html)


class CleanTest(SimpleTestCase):
    def test_an_empty_text_is_refused_on_its_field_in_the_users_language(self):
        for empty in ("", "<p><br></p>", "<p><br></p><p><br></p>", "<h2> </h2>"):
            with translation.override("zh-hans"), self.assertRaises(DomainError) as ctx:
                clean_rich_text(empty)
            self.assertEqual((ctx.exception.code, ctx.exception.field), ("body_required", "body"))
            self.assertIn("正文为空", str(ctx.exception))

    def test_a_text_is_sanitized(self):
        self.assertEqual(clean_rich_text('<p onclick="x">字</p>'), "<p>字</p>")
