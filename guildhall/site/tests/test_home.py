"""The organization home draws each section's items in Python (`views._items_html`): the
same markup the template wrote, escaped the same way."""

from __future__ import annotations

from django.template import Context, Template
from django.urls import reverse

from guildhall.core.home import HomeSection, home_section, remove_home_section
from guildhall.site.views import _items_html
from guildhall.testing import GuildhallTestCase

#: The template the items were drawn with before.
TEMPLATE = Template(
    '{% for item in items %}<li>{% if item.url %}<a href="{{ item.url }}">{{ item.label }}</a>'
    '{% else %}{{ item.label }}{% endif %}{% if item.note %} <span class="muted">{{ item.note }}'
    '</span>{% endif %}</li>{% endfor %}')


class ItemsTest(GuildhallTestCase):
    def test_the_items_are_drawn_as_the_template_drew_them(self):
        items = [{"label": "<b>会</b> & “引号”", "url": "/o/1/?a=1&b=2", "note": "已召开 1 次"},
                 {"label": "没有链接", "note": ""}, {"label": "无备注", "url": "/x/"},
                 {"label": "数字", "note": 17}, {"label": "空地址", "url": "", "note": "<i>"}]
        self.assertEqual(_items_html(items), TEMPLATE.render(Context({"items": items})))
        self.assertIn("&lt;b&gt;会&lt;/b&gt; &amp;", _items_html(items))

    def test_a_section_shows_its_items_on_the_page(self):
        def source(user, org):
            return HomeSection(title="测试栏目", items=[
                {"label": "<事项>", "url": "/o/1/", "note": "备注"}, {"label": "纯文字"}])

        home_section(source)
        try:
            self.login("soft-staff")
            page = self.client.get(reverse("site:org_home", args=[self.soft.pk]))
        finally:
            remove_home_section(source)
        self.assertContains(page, '<ul><li><a href="/o/1/">&lt;事项&gt;</a> <span class="muted">备注'
                                  '</span></li><li>纯文字</li></ul>', html=False)
