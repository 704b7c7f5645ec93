"""The sanitizer every rich text passes on the server: what it keeps, what it drops, images."""

from __future__ import annotations

import base64
import io
import unittest
from pathlib import Path

from PIL import Image

from guildhall.lib import richtext

CLIPBOARD = Path(__file__).resolve().parents[2] / "publications" / "tests" / "clipboard"


def data_url(image: Image.Image, fmt: str, **save: object) -> str:
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return f"data:image/{fmt.lower()};base64,{base64.b64encode(out.getvalue()).decode()}"


class SanitizeTest(unittest.TestCase):
    def test_it_keeps_the_formatting_of_the_editor(self):
        html = ('<h2>标题</h2><h3>小标题</h3><p>正文<strong>加粗</strong><em>斜体</em><u>下划线</u></p>'
                '<ul><li>一<ul><li>一之一</li></ul></li></ul><ol><li>甲</li></ol>'
                '<blockquote>引用</blockquote><p><a href="https://example.cn/a">链接</a></p>')
        cleaned = richtext.sanitize(html)
        for kept in ("<h2>标题</h2>", "<h3>小标题</h3>", "<strong>加粗</strong>", "<em>斜体</em>",
                     "<u>下划线</u>", "<ul><li>一<ul><li>一之一</li></ul></li></ul>",
                     "<ol><li>甲</li></ol>", "<blockquote>引用</blockquote>",
                     '<a href="https://example.cn/a" rel="noopener noreferrer">链接</a>'):
            self.assertIn(kept, cleaned)

    def test_it_removes_scripts_handlers_styles_and_dangerous_addresses(self):
        cleaned = richtext.sanitize(
            '<p class="MsoNormal" style="color:red" onclick="x()">段落<script>alert(1)</script></p>'
            '<a href="javascript:alert(1)">甲</a><a href="data:text/html,<script>1</script>">乙</a>'
            '<img src="x" onerror="alert(1)"><iframe src="https://evil.example"></iframe>'
            '<style>p{color:red}</style><svg><script>1</script></svg>')
        for gone in ("script", "onclick", "style", "class", "javascript", "data:", "onerror",
                     "iframe", "<img", "<svg", "alert"):
            self.assertNotIn(gone, cleaned)
        self.assertIn("<p>段落</p>", cleaned)

    def test_headings_stay_below_the_page_title(self):
        self.assertEqual(richtext.sanitize("<h1>一</h1><h5>二</h5><H6>三</H6>"),
                         "<h2>一</h2><h4>二</h4><h4>三</h4>")

    def test_plain_text_keeps_its_paragraphs(self):
        self.assertEqual(richtext.sanitize("第一段\r\n\r\n第二段 <很好>"),
                         "<p>第一段</p><p>第二段 &lt;很好&gt;</p>")

    def test_word_html_sent_as_it_is_loses_its_office_cruft(self):
        # The API may receive Word's clipboard unchanged (the browser cleans it first).
        cleaned = richtext.sanitize((CLIPBOARD / "word.html").read_text(encoding="utf-8"))
        for gone in ("mso", "<o:p", "xml", "file:", "WordDocument", "@font-face", "<style",
                     "Wingdings", "<img", "<v:"):
            self.assertNotIn(gone, cleaned)
        self.assertIn("<h2>一、活动背景</h2>", cleaned)
        self.assertIn("<b>十一月十五日</b>", cleaned)

    def test_it_is_idempotent(self):
        html = (CLIPBOARD / "wps.html").read_text(encoding="utf-8")
        once = richtext.sanitize(html)
        self.assertEqual(richtext.sanitize(once), once)


class EmptyTest(unittest.TestCase):
    def test_an_editors_empty_paragraphs_are_empty(self):
        for empty in ("", "   ", "<p><br></p>", "<p></p><p> &nbsp; </p>", "<h2><br></h2>",
                      "<ul><li><br></li></ul>", '<img src="file:///c:/a.png">'):
            self.assertTrue(richtext.is_empty(richtext.sanitize(empty)), empty)

    def test_a_word_or_an_image_is_not_empty(self):
        self.assertFalse(richtext.is_empty(richtext.sanitize("<p>字</p>")))
        image = data_url(Image.new("RGB", (4, 4), "blue"), "PNG")
        self.assertFalse(richtext.is_empty(richtext.sanitize(f'<p><img src="{image}"></p>')))


class ImageTest(unittest.TestCase):
    def src(self, html: str) -> str:
        return html.split('src="', 1)[1].split('"', 1)[0]

    def decoded(self, src: str) -> Image.Image:
        return Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))

    def test_a_small_clean_image_is_kept_byte_for_byte(self):
        image = data_url(Image.new("RGB", (20, 10), "red"), "PNG")
        self.assertEqual(self.src(richtext.sanitize(f'<img src="{image}" alt="图">')), image)

    def test_an_image_without_a_description_is_marked_as_decoration(self):
        image = data_url(Image.new("RGB", (20, 10), "red"), "PNG")
        self.assertIn('<img alt="" src=', richtext.sanitize(f'<p><img src="{image}"></p>'))
        self.assertIn('alt="图"', richtext.sanitize(f'<p><img src="{image}" alt="图"></p>'))

    def test_a_photo_loses_its_metadata_and_is_made_smaller(self):
        exif = Image.Exif()
        exif[0x010F] = "Camera maker"
        exif[0x9286] = "拍摄于会议室"  # a user comment, as a phone writes its place
        photo = data_url(Image.new("RGB", (4000, 3000), "green"), "JPEG", exif=exif)
        src = self.src(richtext.sanitize(f"<p><img src='{photo}'></p>"))
        self.assertTrue(src.startswith("data:image/jpeg;base64,"))
        image = self.decoded(src)
        self.assertEqual(max(image.size), richtext.IMAGE_MAX_SIDE)
        self.assertNotIn("exif", image.info)
        # Sanitized again (an edit), it stays the same: no loss at every save.
        again = richtext.sanitize(f'<img src="{src}">')
        self.assertEqual(self.src(again), src)

    def test_what_is_not_a_checkable_image_is_dropped(self):
        fake_png = "data:image/png;base64," + base64.b64encode(b"<script>alert(1)</script>").decode()
        svg = "data:image/svg+xml;base64," + base64.b64encode(b"<svg onload='x'/>").decode()
        bmp = data_url(Image.new("RGB", (4, 4)), "BMP").replace("image/bmp", "image/png")
        for src in (fake_png, svg, bmp, "https://example.cn/a.png", "file:///C:/clip_image001.png",
                    "data:image/png;base64,!!!"):
            self.assertNotIn("<img", richtext.sanitize(f'<p>字<img src="{src}"></p>'), src[:40])

    def test_a_gif_becomes_a_still_image(self):
        gif = data_url(Image.new("P", (8, 8)), "GIF")
        src = self.src(richtext.sanitize(f'<img src="{gif}">'))
        self.assertEqual(self.decoded(src).format, "PNG")


class MarkTest(unittest.TestCase):
    HTML = "<p>第一段  有 <strong>身份证</strong>号码 110101199003071234 在此。</p><p>第二 &amp; 段 13800138000</p>"

    def at(self, text: str, length: int) -> tuple[int, int]:
        start = richtext.plain_text(self.HTML).index(text)
        return start, start + length

    def test_a_span_of_the_plain_text_is_marked_in_the_html(self):
        start, end = self.at("13800138000", 11)
        marked = richtext.mark(self.HTML, [richtext.Span(start, end, "finding", "found-2")])
        self.assertIn('段 <mark id="found-2" class="finding">13800138000</mark></p>', marked)
        self.assertIn("第二 &amp; 段", marked)

    def test_a_span_across_a_tag_is_cut_there_and_its_replacement_shown_once(self):
        start, end = self.at("身份证号", 4)
        marked = richtext.mark(self.HTML, [richtext.Span(start, end, "x", "a", "***")])
        self.assertIn('<strong><mark id="a" class="x">***</mark></strong>码', marked)

    def test_overlapping_spans_keep_the_first(self):
        start, end = self.at("110101199003071234", 18)
        marked = richtext.mark(self.HTML, [richtext.Span(start, end, "a"),
                                           richtext.Span(start + 2, end, "b")])
        self.assertEqual(marked.count("<mark"), 1)
        self.assertEqual(richtext.plain_text(marked), richtext.plain_text(self.HTML))
