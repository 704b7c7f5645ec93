"""The audit trail page and its export, as the people it is for read them."""

from __future__ import annotations

import re
from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from guildhall.audit.models import AuditRecord
from guildhall.orgs import services as orgs
from guildhall.orgs.models import Membership
from guildhall.publications import services as publications
from guildhall.testing import GuildhallTestCase


def outside_raw(page: str) -> str:
    """The trail without the raw records (which rightly hold the codes)."""
    trail = page.split('<ol class="audit-trail" id="audit-trail">', 1)[1].split("</ol>", 1)[0]
    return re.sub(r'<details class="audit-raw">.*?</details>', "", trail, flags=re.S)


class TrailPageTest(GuildhallTestCase):
    def setUp(self):
        self.staff = Membership.objects.get(organization=self.soft, user__username="soft-staff")
        orgs.member_set_role(actor=self.user("soft-admin"), membership=self.staff, role="editor")
        self.channel = publications.channel_create(actor=self.user("soft-admin"), org=self.soft, data={
            "type": "wechat_official", "name": "协会公众号", "account": "gh_soft"})
        self.url = reverse("site:audit_log", args=[self.soft.pk])

    def test_it_shows_action_names_people_objects_and_changes_not_codes(self):
        admin = self.user("soft-admin")
        self.login("soft-admin")
        page = self.client.get(self.url).content.decode()
        readable = outside_raw(page)
        self.assertIn("修改成员角色", readable)
        self.assertIn("新增宣传阵地", readable)
        self.assertIn(f'title="用户名: soft-admin">{admin.display_name}</span>', readable)
        channel_link = f'<a href="{self.channel.get_absolute_url()}">协会公众号</a>'
        self.assertIn(channel_link, readable)
        # before → after as labelled fields, in words: the role by its name.
        self.assertRegex(readable, r"<dt>角色</dt><dd><del>成员</del> → <ins>编辑</ins></dd>")
        self.assertRegex(readable, r"<dt>名称</dt><dd><ins>协会公众号</ins></dd>")
        self.assertRegex(readable, r"<dt>审核步骤</dt><dd><ins>审核人、审核人、主要负责人</ins></dd>")
        self.assertIn(f'<a href="/o/{self.soft.pk}/members/">刘洋</a>', readable)
        for code in ("member.set_role", "publications.channel.create", "orgs.membership",
                     "wechat_official", "{'", "{&#x27;", "<table"):
            self.assertNotIn(code, readable)
        # The raw record, one click away.
        self.assertIn('<details class="audit-raw"><summary>原始记录</summary>', page)
        self.assertIn("&quot;action&quot;: &quot;member.set_role&quot;", page)

    def test_the_action_filter_is_a_list_of_names_and_filters_by_part_or_action(self):
        self.login("soft-admin")
        page = self.client.get(self.url).content.decode()
        self.assertIn('<select name="action" id="audit-action">', page)
        self.assertIn('<option value="member.set_role">修改成员角色</option>', page)
        self.assertIn('<option value="member.">全部：成员</option>', page)
        page = self.client.get(self.url, {"action": "member."}).content.decode()
        self.assertIn('<option value="member." selected>', page)
        only_members = outside_raw(page)
        self.assertIn("修改成员角色", only_members)
        self.assertNotIn("新增宣传阵地", only_members)
        by_person = outside_raw(self.client.get(self.url, {"person": "soft-editor"}).content.decode())
        self.assertIn("没有符合条件的记录", by_person)
        # Someone of the supervising body who acted on the association is in the list too.
        from guildhall.audit.services import record

        record(actor=self.user("sup-approver"), action="events.filing.approve",
               organization=self.soft, obj=None)
        page = self.client.get(self.url).content.decode()
        self.assertIn(f'<option value="sup-approver">{self.user("sup-approver").display_name}</option>', page)

    def test_a_page_costs_the_same_queries_with_many_more_records(self):
        self.login("soft-admin")

        def count() -> int:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(self.url).status_code, 200)
            return len(ctx.captured_queries)

        self.client.get(self.url)  # the first request after signing in also writes the session
        few = count()
        for n in range(30):
            publications.channel_create(actor=self.user("soft-admin"), org=self.soft, data={
                "type": "weibo", "name": f"微博 {n}", "account": f"weibo{n}"})
            orgs.member_set_role(actor=self.user("soft-admin"), membership=self.staff,
                                 role="staff" if n % 2 else "editor")
        self.assertEqual(count(), few)

    def test_the_export_holds_the_filtered_trail_with_formulas_made_harmless(self):
        editor = self.user("soft-editor")
        editor.full_name = '=HYPERLINK("http://evil.example","点我")'
        editor.save(update_fields=["full_name"])
        publications.channel_create(actor=editor, org=self.soft, data={
            "type": "weibo", "name": "@SUM(1+1)", "account": "x"})
        self.login("soft-admin")
        response = self.client.get(reverse("site:audit_export", args=[self.soft.pk]),
                                   {"action": "publications."})
        self.assertEqual(response["Content-Type"],
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.assertIn("attachment;", response["Content-Disposition"])
        sheet = load_workbook(BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][:5], ("编号", "时间", "人员", "用户名", "操作"))
        self.assertEqual(len(rows) - 1, AuditRecord.objects.filter(
            organization_id=self.soft.pk, action__startswith="publications.").count())
        self.assertTrue(all(r[5].startswith("publications.") for r in rows[1:]))
        mine = next(r for r in rows[1:] if r[3] == "soft-editor")
        self.assertEqual(mine[2], "'" + editor.full_name)
        self.assertEqual(mine[4], "新增宣传阵地")
        for cell in sheet.iter_rows():
            for c in cell:
                self.assertNotEqual(c.data_type, "f", c.value)

    def test_the_api_gives_the_action_its_name_too(self):
        response = self.api_client("soft-admin", language="zh-hans").get(
            "/api/v1/audit/", {"org": self.soft.pk})
        items = response.json()["items"]
        self.assertEqual({(i["action"], i["action_label"]) for i in items},
                         {("member.set_role", "修改成员角色"),
                          ("publications.channel.create", "新增宣传阵地")})

    def test_it_answers_only_get(self):
        self.login("soft-admin")
        self.assertEqual(self.client.post(reverse("site:audit_export", args=[self.soft.pk])).status_code, 405)


class DemoTrailTest(GuildhallTestCase):
    """Over the demo data of every module: each recorded field has a name in Chinese."""

    demo_modules = ("events", "publications", "plans", "meetings", "incidents", "study")

    def test_every_recorded_field_of_the_demo_has_a_chinese_name(self):
        from django.utils import translation

        from guildhall.orgs.models import Organization
        from guildhall.site.audit_views import readable

        unnamed = set()
        with translation.override("zh-hans"):
            for org in Organization.objects.all():
                records = AuditRecord.objects.filter(organization_id=org.pk)
                for row in readable(records, org):
                    self.assertNotEqual(row.action, row.record.action)
                    for change in row.changes:
                        if not re.search(r"[\u4e00-\u9fff]", change.label):
                            unnamed.add((row.record.object_type, change.label))
        self.assertGreater(AuditRecord.objects.count(), 100)
        self.assertEqual(unnamed, set())

    def test_no_recorded_value_of_the_demo_is_shown_as_a_code_and_no_field_twice(self):
        from django.utils import translation

        from guildhall.orgs.models import Organization
        from guildhall.site.audit_views import readable

        code = re.compile(r"[a-z]+(?:_[a-z]+)*|[A-Z]+(?:_[A-Z]+)+|[a-z]+\.[a-z]+")
        typed = {"账号或网址", "名称"}  # what people typed (an account, a file name)
        coded, twice = set(), set()
        with translation.override("zh-hans"):
            for org in Organization.objects.all():
                for row in readable(AuditRecord.objects.filter(organization_id=org.pk), org):
                    labels = [c.label for c in row.changes]
                    twice |= {(row.record.action, label) for label in labels
                              if labels.count(label) > 1}
                    coded |= {(row.record.action, c.label, value) for c in row.changes
                              for value in (c.before, c.after)
                              if c.label not in typed and code.fullmatch(value)}
        self.assertEqual(coded, set())
        self.assertEqual(twice, set())

    def test_a_review_decision_reads_in_words_without_its_ids(self):
        from django.utils import translation

        from guildhall.orgs.models import Organization
        from guildhall.site.audit_views import readable

        record = AuditRecord.objects.filter(action="events.filing.approve").first()
        after = record.after
        self.assertIn("decision", after)
        with translation.override("zh-hans"):
            [row] = readable([record], Organization.objects.get(pk=record.organization_id))
        shown = {c.label: c.after for c in row.changes}
        self.assertEqual(shown["意见"], "批准")
        self.assertEqual(shown["结果"], "已通过")
        self.assertEqual(shown["环节"], after["step_name"])
        self.assertNotIn("决定", shown)
        self.assertNotIn(str(after["decision"]), shown.values())


#: The trail's entries as the page's template drew them before `entries_html` wrote them.
_ENTRIES_TEMPLATE = """{% load i18n %}{% for row in rows %}
  <li class="audit-entry" id="audit-{{ row.record.org_seq }}">
    <p class="audit-head"><strong class="audit-action">{{ row.action }}</strong>
      <span class="muted">#{{ row.record.org_seq }} · <time datetime="{{ row.record.created_at|date:'c' }}">{{ row.record.created_at|date:"Y-m-d H:i:s" }}</time></span></p>
    <p class="audit-who">{% if row.username %}<span class="audit-person" title="{% translate 'User name' %}: {{ row.username }}">{{ row.person }}</span>{% else %}<span class="muted">{% translate "the system" %}</span>{% endif %}
      {% if row.object_label or row.object_title %} · {{ row.object_label }}{% if row.object_title %}{% if row.object_url %} <a href="{{ row.object_url }}">{{ row.object_title }}</a>{% else %} {{ row.object_title }}{% endif %}{% endif %}{% endif %}</p>
    {% if row.changes %}<dl class="audit-changes">{% for c in row.changes %}<dt>{{ c.label }}</dt><dd>{% if c.before %}<del>{{ c.before }}</del> → {% endif %}{% if c.after %}<ins>{{ c.after }}</ins>{% elif c.before %}<span class="muted">{% translate "removed" %}</span>{% endif %}</dd>{% endfor %}</dl>{% endif %}
    <details class="audit-raw"><summary>{% translate "Raw record" %}</summary><pre tabindex="0">{{ row.raw }}</pre></details>
  </li>
{% empty %}<li class="empty">{% translate "No records match." %}</li>{% endfor %}"""


class EntriesTest(GuildhallTestCase):
    def test_the_entries_written_in_python_are_what_the_template_drew(self):
        import datetime as dt

        from django.template import Context, Template
        from django.utils import translation

        from guildhall.site.audit_views import Change, Row, entries_html

        at = dt.datetime(2026, 3, 1, 23, 30, 5, 123456, tzinfo=dt.UTC)
        rows = [
            Row(record=AuditRecord(org_seq=7, created_at=at), action="改<名>", person="张 & 李",
                username="u\"1", object_label="渠道", object_title="号<1>", object_url="/a?b=1&c=2",
                changes=[Change("名称", "旧", "新"), Change("说明", "有", ""), Change("新项", "", "是")],
                raw='{"a": "<x>"}'),
            Row(record=AuditRecord(org_seq=8, created_at=at), action="系统", person="—", username="",
                object_label="", object_title="无链接", raw="{}"),
            Row(record=AuditRecord(org_seq=9, created_at=at), action="a", person="p", username="p",
                object_label="仅类型", raw=""),
        ]
        template = Template(_ENTRIES_TEMPLATE)
        for language in ("zh-hans", "en"):
            with translation.override(language):
                for shown in (rows, rows[1:2], []):
                    self.assertEqual(str(entries_html(shown)),
                                     template.render(Context({"rows": shown})), language)
