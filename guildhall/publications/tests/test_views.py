"""The pages: happy paths, refusals, kept input, escaping, the pause banner, query counts."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guildhall.publications import services
from guildhall.publications.models import Channel, Publication, Status
from guildhall.publications.tests.test_services import PublicationCase
from guildhall.records.models import Revision
from guildhall.reviews.services import OWN


class PublicationPagesTest(PublicationCase):
    def url(self, name: str, p: Publication | None = None, **kw) -> str:
        args = [self.soft.pk] + ([p.pk] if p else []) + list(kw.values())
        return reverse(name, args=args)

    def test_the_editor_writes_and_submits_a_publication(self):
        self.login("soft-editor")
        response = self.client.post(self.url("publications:publication_new"), {
            "title": "协会新闻", "channels": [self.channel.pk], "planned_at": "2030-01-02T10:00",
            "body": "第一段\n第二段"})
        p = Publication.objects.get(title="协会新闻")
        self.assertRedirects(response, self.url("publications:publication_detail", p))
        page = self.client.get(self.url("publications:publication_detail", p)).content.decode()
        self.assertIn("<p>第一段</p><p>第二段</p>", page)
        response = self.client.post(self.url("publications:publication_submit", p))
        self.assertEqual(response.status_code, 302)
        p.refresh_from_db()
        self.assertEqual(p.status, Status.IN_REVIEW)

    def test_a_returned_publication_shows_the_reason_at_the_top(self):
        p = self.submit(self.write())
        self.review(p, "soft-reviewer", verdict="return", comment="第二段的数据请注明来源。")
        self.login("soft-editor")
        page = self.client.get(self.url("publications:publication_detail", p)).content.decode()
        top = page[:page.index("</hgroup>") + 600]
        self.assertIn('id="refusal"', top)
        self.assertIn("第二段的数据请注明来源。", top)

    def test_it_keeps_the_input_on_error(self):
        self.login("soft-editor")
        response = self.client.post(self.url("publications:publication_new"), {
            "title": "保留我的标题", "channels": [self.channel.pk], "planned_at": "",
            "body": "我写了很久的正文"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "保留我的标题", status_code=400)
        self.assertContains(response, "我写了很久的正文", status_code=400)
        self.assertFalse(Publication.objects.filter(title="保留我的标题").exists())

    def test_a_script_tag_is_escaped_in_the_title_and_removed_from_the_body(self):
        p = self.write(body="<p>正文<script>alert('x')</script></p>")
        Publication.objects.filter(pk=p.pk).update(title="<script>alert(1)</script>")
        self.login("soft-reviewer")
        page = self.client.get(self.url("publications:publication_detail", p)).content.decode()
        self.assertNotIn("<script>alert", page)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)

    def test_the_wrong_method_is_refused(self):
        p = self.write()
        self.login("soft-editor")
        self.assertEqual(self.client.get(self.url("publications:publication_submit", p)).status_code, 405)
        self.assertEqual(self.client.delete(self.url("publications:publication_detail", p)).status_code, 405)

    def test_an_outsider_gets_404_and_learns_nothing(self):
        p = self.write()
        for username in ("logi-principal", "sup2-approver", "chem-reviewer"):
            self.login(username)
            response = self.client.get(self.url("publications:publication_detail", p))
            self.assertEqual(response.status_code, 404, username)
            self.assertNotIn(p.title, response.content.decode())
            response = self.client.post(reverse("publications:channel_pause", args=[
                self.soft.pk, self.channel.pk]), {"reason": "x"})
            self.assertEqual(response.status_code, 404, username)
        self.channel.refresh_from_db()
        self.assertEqual(self.channel.status, "active")

    def test_a_read_only_role_gets_403(self):
        p = self.write()
        self.login("soft-staff")
        self.assertEqual(self.client.get(self.url("publications:publication_detail", p)).status_code, 200)
        self.assertEqual(self.client.get(self.url("publications:publication_edit", p)).status_code, 403)
        self.assertEqual(self.client.post(self.url("publications:publication_submit", p)).status_code, 403)
        self.login("sup-viewer")
        self.assertEqual(self.client.post(reverse("publications:channel_pause", args=[
            self.soft.pk, self.channel.pk]), {"reason": "x"}).status_code, 403)

    def test_the_author_reviewing_is_refused_on_the_page(self):
        p = self.submit(self.write())
        Publication.objects.filter(pk=p.pk).update(current_step_role="editor",
                                                   review_roles=["editor", "reviewer", "principal"])
        self.login("soft-editor")
        response = self.client.post(self.url("publications:publication_review", p), {
            "verdict": "pass", "comment": "我自己看过了", "revision": 1})
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "不能由您审核", status_code=403)

    def test_the_pause_banner_shows_on_the_channel_and_its_publications(self):
        p = self.write()
        services.channel_pause(actor=self.user("soft-principal"), channel=self.channel,
                               reason="账号异常，待核实")
        self.login("soft-editor")
        for url in (reverse("publications:channel_detail", args=[self.soft.pk, self.channel.pk]),
                    self.url("publications:publication_detail", p), self.url("publications:publication_edit", p),
                    self.url("publications:publication_diff", p), self.url("publications:publication_list")):
            self.assertContains(self.client.get(url), "账号异常，待核实")

    def test_the_principal_pauses_and_resumes_a_channel_from_its_page(self):
        self.login("soft-principal")
        url = reverse("publications:channel_pause", args=[self.soft.pk, self.channel.pk])
        self.assertRedirects(self.client.post(url, {"reason": "紧急情况"}),
                             reverse("publications:channel_detail", args=[self.soft.pk, self.channel.pk]))
        self.channel.refresh_from_db()
        self.assertEqual(self.channel.status, "paused")
        self.client.post(reverse("publications:channel_resume", args=[self.soft.pk, self.channel.pk]))
        self.channel.refresh_from_db()
        self.assertEqual(self.channel.status, "active")

    def test_a_refused_pause_keeps_the_form_open_with_the_reason_beside_it(self):
        self.login("soft-principal")
        url = reverse("publications:channel_pause", args=[self.soft.pk, self.channel.pk])
        response = self.client.post(url, {"reason": "  "})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "<details open>", status_code=400)
        self.assertContains(response, "请填写暂停阵地的理由", status_code=400)
        self.channel.refresh_from_db()
        self.assertEqual(self.channel.status, "active")

    def test_two_revisions_are_compared_side_by_side(self):
        p = self.write(body="第一段\n第二段")
        services.publication_revise(actor=self.user("soft-editor"), publication=p,
                                    data={"body": "第一段\n第二段<改>"})
        self.login("soft-reviewer")
        response = self.client.get(self.url("publications:publication_diff", p), {"a": 1, "b": 2})
        self.assertContains(response, "<del>第二段</del>")
        self.assertContains(response, "<ins>第二段&lt;改&gt;</ins>")

    def test_the_comparison_masks_found_values_for_everyone_but_the_author(self):
        p = self.write(body="联系人电话 13912345678")
        services.publication_revise(actor=self.user("soft-editor"), publication=p,
                                    data={"body": "联系人电话 13912345678，欢迎来电"})
        self.login("soft-reviewer")
        response = self.client.get(self.url("publications:publication_diff", p), {"a": 1, "b": 2})
        self.assertNotContains(response, "13912345678")
        self.assertContains(response, "欢迎来电")
        self.login("soft-editor")
        response = self.client.get(self.url("publications:publication_diff", p), {"a": 1, "b": 2})
        self.assertContains(response, "13912345678")

    def test_the_admin_keeps_the_confidential_terms(self):
        self.login("soft-admin")
        response = self.client.post(self.url("publications:publication_settings"),
                                    {"terms": "青鸟计划\n\n白鹭项目", "review_days": 3})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(services.org_terms(self.soft.pk), ["白鹭项目", "青鸟计划"])
        self.login("soft-principal")
        self.assertEqual(self.client.get(self.url("publications:publication_settings")).status_code, 403)


class QueryCountTest(PublicationCase):
    """The list and "waiting for me" stay at a constant number of queries."""

    def _bulk(self, n: int) -> None:
        now = timezone.now()
        author = self.user("soft-editor")
        channel = Channel.objects.create(organization=self.soft, type="weibo", name=f"批量-{n}",
                                         created_by=author, status="paused")
        rows = Publication.objects.bulk_create([Publication(
            organization=self.soft, title=f"批量文章 {i}", planned_at=now - dt.timedelta(hours=i),
            status=Status.IN_REVIEW, revision=1, review_round=1,
            review_roles=["reviewer", "reviewer", "principal"], current_step=1,
            current_step_level=OWN, current_step_role="reviewer", created_by=author,
            finding_count=i % 2, open_finding_count=i % 2) for i in range(n)])
        Publication.channels.through.objects.bulk_create(
            [Publication.channels.through(publication_id=p.pk, channel_id=channel.pk) for p in rows]
            + [Publication.channels.through(publication_id=p.pk, channel_id=self.channel.pk)
               for p in rows])
        kind = ContentType.objects.get_for_model(Publication)
        Revision.objects.bulk_create([Revision(
            subject_type=kind, subject_id=p.pk, organization_id=p.organization_id, number=1,
            snapshot={"title": p.title, "body": "", "planned_at": f"{now:%Y-%m-%d %H:%M}",
                      "needs_supervisor": False, "channel_names": [], "attachments": []},
            created_by=author) for p in rows])

    def _count(self, url: str) -> int:
        self.client.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(ctx.captured_queries)

    def test_the_list_and_the_waiting_page_do_not_grow_with_the_number_of_publications(self):
        self.login("soft-reviewer")
        pages = [reverse("publications:publication_list", args=[self.soft.pk]),
                 reverse("publications:publication_list", args=[self.soft.pk]) + "?findings=open&status=in_review",
                 reverse("publications:publication_waiting", args=[self.soft.pk])]
        self._bulk(10)
        few = [self._count(url) for url in pages]
        self._bulk(10_000)
        many = [self._count(url) for url in pages]
        self.assertEqual(few, many)
        self.assertLessEqual(max(many), 15)

    def test_the_supervisors_waiting_page_is_flat_too(self):
        self.login("sup-approver")
        url = reverse("publications:publication_waiting", args=[self.sup.pk])
        self._bulk(10)
        Publication.objects.update(current_step_level="supervisor", current_step_role="approver")
        few = self._count(url)
        self._bulk(2_000)
        Publication.objects.update(current_step_level="supervisor", current_step_role="approver")
        self.assertEqual(self._count(url), few)
