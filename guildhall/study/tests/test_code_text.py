"""A code's text is the rich text of publications: sanitized on the server, an empty text
refused, shown formatted, compared as paragraphs; old plain-text versions were migrated."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.urls import reverse

from guildhall.core.errors import DomainError
from guildhall.study import services
from guildhall.study.models import Code, CodeVersion
from guildhall.study.tests.factories import make_code, version_of
from guildhall.testing import GuildhallTestCase


class CodeTextTest(GuildhallTestCase):
    def test_the_text_is_stored_sanitized_and_shown_formatted(self):
        code = services.code_create(actor=self.user("soft-admin"), org=self.soft, data={
            "title": "职业道德准则", "kind": "ethics", "effective_date": dt.date(2026, 1, 1),
            "body": '<h2 style="color:red">总则</h2><p onclick="x">第一条 <b>诚信</b>。'
                    "<script>alert(1)</script></p>"})
        version = version_of(code)
        self.assertEqual(version.body, "<h2>总则</h2><p>第一条 <b>诚信</b>。</p>")
        self.login("soft-staff")
        page = self.client.get(version.get_absolute_url()).content.decode()
        self.assertIn('<article id="code-body" class="pub-body"><h2>总则</h2>', page)

    def test_an_empty_text_is_refused_by_the_service_and_on_the_page(self):
        with self.assertRaises(DomainError) as ctx:
            services.code_create(actor=self.user("soft-admin"), org=self.soft, data={
                "title": "空规约", "kind": "ethics", "effective_date": dt.date(2026, 1, 1),
                "body": "<p><br></p>"})
        self.assertEqual(ctx.exception.code, "body_required")
        self.assertFalse(Code.objects.filter(title="空规约").exists())
        code = make_code(self.cast, self.soft, "published")
        self.login("soft-admin")
        response = self.client.post(reverse("study:version_new", args=[self.soft.pk, code.pk]),
                                    {"effective_date": "2026-06-01", "body": "<p><br></p>"})
        self.assertContains(response, "请填写规约正文：正文为空，不能保存。", status_code=400)
        self.assertContains(response, 'value="2026-06-01"', status_code=400)
        self.assertEqual(code.versions.count(), 1)
        draft = services.version_new(actor=self.user("soft-admin"), code=code, data={
            "body": "<p>第二版</p>", "effective_date": dt.date(2026, 6, 1)})
        with self.assertRaises(DomainError):
            services.version_update(actor=self.user("soft-admin"), version=draft,
                                    data={"body": "<p> </p>"})
        self.assertEqual(CodeVersion.objects.get(pk=draft.pk).body, "<p>第二版</p>")

    def test_the_edit_page_and_the_comparison_show_text_not_html(self):
        code = make_code(self.cast, self.soft, "published")
        services.version_new(actor=self.user("soft-admin"), code=code, data={
            "body": "<p>第一条 遵守法律。</p><p>第二条 <strong>公平</strong>竞争。</p>",
            "effective_date": dt.date(2026, 6, 1)})
        self.login("soft-admin")
        page = self.client.get(reverse("study:code_diff", args=[self.soft.pk, code.pk])).content.decode()
        self.assertIn('<li class="equal">第一条 遵守法律。</li>', page)
        self.assertIn('<li class="insert"><ins>第二条 公平竞争。</ins></li>', page)
        self.assertIn("<td>生效日期</td>", page)
        self.assertNotIn("&lt;p&gt;", page)
        draft = code.versions.get(number=2)
        page = self.client.get(reverse("study:version_edit", args=[self.soft.pk, draft.pk])).content.decode()
        textarea = page.split('name="body__text"', 1)[1].split("</textarea>", 1)[0]
        self.assertIn("第一条 遵守法律。\n第二条 公平竞争。", textarea)
        self.assertIn('name="body" value="&lt;p&gt;第一条', page)


class PlainTextMigrationTest(TransactionTestCase):
    """`study/0002_code_text_html`: plain-text versions become the paragraphs they were
    shown as, and so do the code revisions the comparison reads."""

    BEFORE = [("study", "0001_initial"), ("records", "0002_link")]
    AFTER = [("study", "0002_code_text_html")]

    def _migrate(self, targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    def tearDown(self):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    def test_plain_text_versions_become_paragraphs(self):
        old = self._migrate(self.BEFORE)
        Org = old.get_model("orgs", "Organization")
        User = old.get_model("accounts", "User")
        sup = Org.objects.create(kind="supervisor", code="ms", name="迁移主管",
                                 credit_code="11320000MB1234567", path="/")
        org = Org.objects.create(kind="association", code="m", name="迁移协会", parent=sup,
                                 credit_code="51320000MJ5432101", path="/")
        user = User.objects.create(username="m-admin", email="m@example.cn", full_name="张三")
        code = old.get_model("study", "Code").objects.create(
            organization=org, title="自律规约", kind="self_discipline", created_by=user)
        Version = old.get_model("study", "CodeVersion")
        plain = Version.objects.create(
            code=code, organization=org, number=1, created_by=user,
            effective_date=dt.date(2026, 1, 1),
            body="第一条 遵守法律 <法规>。\n第一条之二 同上。\n\n第二条 公平竞争。")
        html = Version.objects.create(
            code=code, organization=org, number=2, created_by=user,
            effective_date=dt.date(2026, 6, 1), body="<p>已是 <b>HTML</b></p>")
        ContentType = old.get_model("contenttypes", "ContentType")
        code_type, _ = ContentType.objects.get_or_create(app_label="study", model="code")
        revision = old.get_model("records", "Revision").objects.create(
            subject_type=code_type, subject_id=code.pk, organization=org, number=1,
            snapshot={"body": plain.body, "effective_date": "2026-01-01"}, created_by=user)

        new = self._migrate(self.AFTER)
        Version = new.get_model("study", "CodeVersion")
        self.assertEqual(Version.objects.get(pk=plain.pk).body,
                         "<p>第一条 遵守法律 &lt;法规&gt;。<br>第一条之二 同上。</p><p>第二条 公平竞争。</p>")
        self.assertEqual(Version.objects.get(pk=html.pk).body, "<p>已是 <b>HTML</b></p>")
        snapshot = new.get_model("records", "Revision").objects.get(pk=revision.pk).snapshot
        self.assertEqual(snapshot["body"], Version.objects.get(pk=plain.pk).body)
        self.assertEqual(snapshot["effective_date"], "2026-01-01")
