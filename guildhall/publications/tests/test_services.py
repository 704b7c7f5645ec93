"""The review of publications, as the services enforce it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from guildhall.audit.models import AuditRecord
from guildhall.core.errors import DomainError
from guildhall.lib import richtext
from guildhall.notifications.models import Notification
from guildhall.notifications.services import tick
from guildhall.orgs.models import Membership
from guildhall.publications import queries, services
from guildhall.publications.models import Publication, Status
from guildhall.records.models import Finding
from guildhall.reviews.models import Decision
from guildhall.testing import GuildhallTestCase

ID_NUMBER = "320102199003071239"


class PublicationCase(GuildhallTestCase):
    demo_modules = ("publications",)  # its second reviewer of each association, `soft-reviewer2`

    def setUp(self) -> None:
        self.channel = services.channel_create(actor=self.user("soft-admin"), org=self.soft, data={
            "type": "wechat_official", "name": "测试公众号", "account": "gh_test"})

    def write(self, body: str = "<p>协会召开年度会员大会。</p>", **extra) -> Publication:
        data = {"title": "年度会员大会召开", "body": body, "channels": [self.channel],
                "planned_at": timezone.now() + dt.timedelta(days=3), **extra}
        return services.publication_create(actor=self.user("soft-editor"), org=self.soft, data=data)

    def submit(self, p: Publication) -> Publication:
        return services.publication_submit(actor=self.user("soft-editor"), publication=p)

    def review(self, p: Publication, who: str, verdict: str = "pass", comment: str = "同意。",
               revision: int | None = None) -> Publication:
        return services.publication_review(actor=self.user(who), publication=p, verdict=verdict,
                                           comment=comment,
                                           revision=revision if revision is not None else p.revision)

    def refused(self, code: str, fn, *args, **kwargs) -> DomainError:
        with self.assertRaises(DomainError) as ctx:
            fn(*args, **kwargs)
        self.assertEqual(ctx.exception.code, code, str(ctx.exception))
        return ctx.exception


class ReviewTest(PublicationCase):
    def test_it_passes_three_steps_by_three_people_and_records_the_publication(self):
        p = self.submit(self.write())
        self.assertEqual((p.status, p.current_step, p.current_step_role), ("in_review", 1, "reviewer"))
        p = self.review(p, "soft-reviewer")
        self.assertEqual((p.current_step, p.current_step_role), (2, "reviewer"))
        p = self.review(p, "soft-reviewer2")
        self.assertEqual((p.current_step, p.current_step_role), (3, "principal"))
        p = self.review(p, "soft-principal", comment="同意签发。")
        self.assertEqual((p.status, p.approved_revision, p.current_step), (Status.APPROVED, 1, 0))
        placement = services.publication_record_published(
            actor=self.user("soft-editor"), publication=p, channel=self.channel,
            url="https://mp.weixin.qq.com/s/abc")
        p.refresh_from_db()
        self.assertEqual(p.status, Status.PUBLISHED)
        self.assertEqual(placement.revision, 1)
        self.assertEqual(Decision.objects.filter(subject_id=p.pk, subject_type=p.review_subject_type)
                         .count(), 3)
        self.assertTrue(AuditRecord.objects.filter(action="publications.publication.published",
                                                   object_id=str(p.pk)).exists())

    def test_it_refuses_review_by_the_author(self):
        p = self.submit(self.write())
        p = self.review(p, "soft-reviewer")
        p = self.review(p, "soft-reviewer2")
        # The principal edits it (a new revision) and so becomes one of its authors.
        p = services.publication_revise(actor=self.user("soft-principal"), publication=p,
                                        data={"title": "年度会员大会胜利召开"})
        p = services.publication_submit(actor=self.user("soft-principal"), publication=p)
        p = self.review(p, "soft-reviewer")
        p = self.review(p, "soft-reviewer2")
        self.refused("own_item", self.review, p, "soft-principal")

    def test_it_refuses_the_same_reviewer_at_two_steps_of_a_revision(self):
        p = self.review(self.submit(self.write()), "soft-reviewer")
        self.refused("already_reviewed", self.review, p, "soft-reviewer")

    def test_it_refuses_a_stale_revision_with_409(self):
        p = self.submit(self.write())
        p = services.publication_revise(actor=self.user("soft-editor"), publication=p,
                                        data={"body": "新的正文"})
        self.assertEqual((p.status, p.revision), (Status.DRAFT, 2))
        p = self.submit(p)
        error = self.refused("stale_revision", self.review, p, "soft-reviewer", revision=1)
        self.assertEqual(error.status, 409)

    def test_it_requires_a_comment_at_every_step(self):
        p = self.submit(self.write())
        self.refused("comment_required", self.review, p, "soft-reviewer", comment=" ")

    def test_return_sends_it_back_to_the_author_with_the_comment(self):
        p = self.submit(self.write())
        with self.captureOnCommitCallbacks(execute=True):
            p = self.review(p, "soft-reviewer", "return", "请补充活动时间。")
        self.assertEqual(p.status, Status.RETURNED)
        note = Notification.objects.get(recipient=self.user("soft-editor"),
                                        kind="publications.decided.returned")
        self.assertIn("请补充活动时间", note.body)
        self.assertIn(p.available_actions(self.user("soft-editor")), [
            {"edit", "attach", "submit"}])

    def test_reject_ends_it(self):
        p = self.review(self.submit(self.write()), "soft-reviewer", "reject", "不宜发布。")
        self.assertEqual(p.status, Status.REJECTED)
        self.refused("wrong_state", self.submit, p)

    def test_a_change_under_review_or_after_approval_restarts_the_review(self):
        p = self.submit(self.write())
        for who in ("soft-reviewer", "soft-reviewer2", "soft-principal"):
            p = self.review(p, who)
        self.assertEqual(p.status, Status.APPROVED)
        p = services.publication_revise(actor=self.user("soft-editor"), publication=p,
                                        data={"body": "改过的正文"})
        self.assertEqual((p.status, p.revision, p.approved_revision), (Status.DRAFT, 2, 1))
        self.refused("wrong_state", services.publication_record_published,
                     actor=self.user("soft-editor"), publication=p, channel=self.channel,
                     url="https://example.cn/a")

    def test_the_supervisor_clears_it_as_a_fourth_step(self):
        p = self.submit(self.write(needs_supervisor=True))
        for who in ("soft-reviewer", "soft-reviewer2", "soft-principal"):
            p = self.review(p, who)
        self.assertEqual((p.current_step, p.current_step_level, p.current_step_role),
                         (4, "supervisor", "approver"))
        self.assertIn(p, queries.waiting_for(self.user("sup-approver")))
        self.assertNotIn(p, queries.waiting_for(self.user("sup2-approver")))
        self.refused("not_reviewer", self.review, p, "sup-viewer")
        p = self.review(p, "sup-approver", comment="口径准确，同意。")
        self.assertEqual(p.status, Status.APPROVED)

    def test_a_channel_configures_its_own_steps(self):
        services.channel_update(actor=self.user("soft-admin"), channel=self.channel,
                                data={"review_roles": ["principal"]})
        p = self.review(self.submit(self.write()), "soft-principal")
        self.assertEqual(p.status, Status.APPROVED)

    def test_a_channel_refuses_more_than_four_steps_or_unknown_roles(self):
        for roles in ([], ["reviewer"] * 5, ["staff"]):
            with self.assertRaises(ValidationError):
                services.channel_update(actor=self.user("soft-admin"), channel=self.channel,
                                        data={"review_roles": roles})

    def test_several_channels_take_the_longest_step_list(self):
        short = services.channel_create(actor=self.user("soft-admin"), org=self.soft, data={
            "type": "weibo", "name": "微博", "review_roles": ["principal"]})
        p = self.submit(self.write(channels=[short, self.channel]))
        self.assertEqual(p.review_roles, ["reviewer", "reviewer", "principal"])

    def test_channels_with_different_steps_of_equal_length_keep_every_channels_steps(self):
        services.channel_update(actor=self.user("soft-admin"), channel=self.channel,
                                data={"review_roles": ["admin"]})
        other = services.channel_create(actor=self.user("soft-admin"), org=self.soft, data={
            "type": "weibo", "name": "微博", "review_roles": ["principal"]})
        p = self.submit(self.write(channels=[self.channel, other]))
        self.assertEqual(p.review_roles, ["admin", "principal"])
        p = self.review(p, "soft-admin")
        self.assertEqual(p.status, Status.IN_REVIEW)  # the principal's step is still to come
        p = self.review(p, "soft-principal")
        self.assertEqual(p.status, Status.APPROVED)

    def test_steps_for_contains_every_channels_steps_in_order(self):
        def channel(pk, roles):
            return type("C", (), {"pk": pk, "review_roles": roles})()

        cases = [
            ([["reviewer", "reviewer", "principal"], ["reviewer", "principal"]],
             ["reviewer", "reviewer", "principal"]),
            ([["reviewer", "principal"], ["reviewer", "admin"]],
             ["reviewer", "principal", "admin"]),
            ([["admin"], ["principal"], ["admin"]], ["admin", "principal"]),
            ([["editor", "reviewer"], ["reviewer", "editor"]], ["editor", "reviewer", "editor"]),
        ]
        for lists, expected in cases:
            merged = services.steps_for([channel(n, roles) for n, roles in enumerate(lists, 1)])
            self.assertEqual(merged, expected)
            for roles in lists:
                it = iter(merged)
                self.assertTrue(all(role in it for role in roles), (roles, merged))

    def test_reviewers_of_an_earlier_round_review_again_after_an_unchanged_resubmission(self):
        p = self.review(self.submit(self.write()), "soft-reviewer")
        p = self.review(p, "soft-reviewer2", "return", "再想想。")
        revision = p.revision
        p = self.submit(p)  # no edits: the same revision, a new round
        self.assertEqual(p.revision, revision)
        self.assertIn(p, queries.waiting_for(self.user("soft-reviewer")))
        self.assertIn(p, queries.waiting_for(self.user("soft-reviewer2")))
        p = self.review(p, "soft-reviewer2")
        self.assertNotIn(p, queries.waiting_for(self.user("soft-reviewer2")))
        self.refused("already_reviewed", self.review, p, "soft-reviewer2")
        p = self.review(p, "soft-reviewer")
        p = self.review(p, "soft-principal")
        self.assertEqual(p.status, Status.APPROVED)

    def test_a_former_member_is_not_told_about_the_decision(self):
        editor = self.user("soft-editor")
        p = self.submit(self.write())
        Membership.objects.filter(user=editor, organization=self.soft).update(is_active=False)
        with self.captureOnCommitCallbacks(execute=True):
            self.review(p, "soft-reviewer", "return", "请补充活动时间。")
        self.assertFalse(Notification.objects.filter(
            recipient=editor, kind="publications.decided.returned").exists())

    def test_an_active_author_is_told_about_the_decision(self):
        p = self.submit(self.write())
        with self.captureOnCommitCallbacks(execute=True):
            self.review(p, "soft-reviewer", "return", "请补充活动时间。")
        self.assertTrue(Notification.objects.filter(
            recipient=self.user("soft-editor"), kind="publications.decided.returned").exists())


class FindingsTest(PublicationCase):
    def test_a_resident_id_in_the_body_is_found_and_a_trade_secret_sentence_is_not(self):
        p = self.submit(self.write(
            body=f"<p>会员应当依法保护商业秘密。</p><p>联系人身份证号 {ID_NUMBER}。</p>"))
        findings = list(p.findings.all())
        self.assertEqual([f.type for f in findings], ["CN_RESIDENT_ID"])
        self.assertEqual(findings[0].location, "2")
        with translation.override("en"):
            self.assertEqual(findings[0].place(), "Body, paragraph 2")
        self.assertNotIn(ID_NUMBER, findings[0].masked)
        self.assertFalse(Finding.objects.filter(masked__contains=ID_NUMBER).exists())

    def test_final_approval_waits_for_every_finding_to_be_resolved(self):
        p = self.submit(self.write(body=f"<p>手机 13912345678，身份证号 {ID_NUMBER}。</p>"))
        self.assertEqual((p.finding_count, p.open_finding_count), (2, 2))
        p = self.review(p, "soft-reviewer")
        p = self.review(p, "soft-reviewer2")
        error = self.refused("unresolved_findings", self.review, p, "soft-principal")
        self.assertEqual(error.status, 409)
        # The editor removes the ID number (a new revision); the reviewer acknowledges the phone.
        p = services.publication_revise(actor=self.user("soft-editor"), publication=p,
                                        data={"body": "<p>手机 13912345678。</p>"})
        p = self.submit(p)
        self.assertEqual(p.open_finding_count, 1)
        phone = p.findings.get(revision=2)
        self.refused("own_item", services.publication_acknowledge_finding,
                     actor=self.user("soft-editor"), publication=p, finding=phone, reason="可以")
        self.refused("reason_required", services.publication_acknowledge_finding,
                     actor=self.user("soft-reviewer"), publication=p, finding=phone, reason="")
        services.publication_acknowledge_finding(actor=self.user("soft-reviewer"), publication=p,
                                                 finding=phone, reason="协会公开的报名电话。")
        for who in ("soft-reviewer", "soft-reviewer2", "soft-principal"):
            p = self.review(p, who)
        self.assertEqual(p.status, Status.APPROVED)

    def test_an_acknowledgement_carries_over_only_to_the_identical_value(self):
        p = self.submit(self.write(body="<p>办公室电话 13800000078。</p>"))
        finding = p.findings.get(revision=p.revision)
        self.assertTrue(finding.value_hash)
        self.assertNotIn("13800000078", finding.value_hash)
        services.publication_acknowledge_finding(actor=self.user("soft-reviewer"), publication=p,
                                                 finding=finding, reason="办公室公开电话。")
        p = self.review(p, "soft-reviewer", "return", "改一下。")
        # Same mask (138******78), different numbers: new findings, not acknowledged.
        p = services.publication_revise(actor=self.user("soft-editor"), publication=p, data={
            "body": "<p>联系人个人手机 13899999978 和 13811111178。</p>"})
        p = self.submit(p)
        current = list(p.findings.filter(revision=p.revision))
        self.assertEqual(len(current), 2)
        self.assertTrue(all(f.masked == finding.masked for f in current))
        self.assertTrue(all(f.acknowledged_at is None for f in current))
        self.assertEqual(p.open_finding_count, 2)
        # The identical number again: the acknowledgement holds.
        p = self.review(p, "soft-reviewer", "return", "改回去。")
        p = services.publication_revise(actor=self.user("soft-editor"), publication=p, data={
            "body": "<p>办公室电话 13800000078。</p>"})
        p = self.submit(p)
        same = p.findings.get(revision=p.revision)
        self.assertIsNotNone(same.acknowledged_at)
        self.assertEqual(same.acknowledged_reason, "办公室公开电话。")
        self.assertEqual(p.open_finding_count, 0)

    def test_the_organizations_own_terms_are_found(self):
        services.terms_update(actor=self.user("soft-admin"), org=self.soft, terms=["青鸟计划"])
        p = self.submit(self.write(body="<p>青鸟计划即将启动。</p>"))
        self.assertEqual([f.type for f in p.findings.all()], ["CUSTOM_TERM"])
        # The audit says how many terms changed, never which.
        entry = AuditRecord.objects.filter(action="publications.settings.update").latest("seq")
        self.assertNotIn("青鸟", str(entry.after))


class PauseTest(PublicationCase):
    def test_a_paused_channel_refuses_approval_and_publication_and_tells_the_supervisor(self):
        p = self.submit(self.write())
        with self.captureOnCommitCallbacks(execute=True):
            services.channel_pause(actor=self.user("soft-principal"), channel=self.channel,
                                   reason="账号异常。")
        self.assertTrue(Notification.objects.filter(recipient=self.user("sup-approver"),
                                                    kind="publications.channel_paused").exists())
        self.refused("channel_paused", self.review, p, "soft-reviewer")
        p = self.review(p, "soft-reviewer", "return", "暂停期间先退回。")
        self.assertEqual(p.status, Status.RETURNED)
        p = services.publication_revise(actor=self.user("soft-editor"), publication=p,
                                        data={"title": "年度会员大会召开（修改）"})
        with self.captureOnCommitCallbacks(execute=True):
            services.channel_resume(actor=self.user("soft-admin"), channel=self.channel, note="已恢复")
        self.assertTrue(Notification.objects.filter(recipient=self.user("sup-approver"),
                                                    kind="publications.channel_resumed").exists())
        p = self.submit(p)
        for who in ("soft-reviewer", "soft-reviewer2", "soft-principal"):
            p = self.review(p, who)
        services.channel_pause(actor=self.user("soft-admin"), channel=self.channel, reason="再次暂停")
        self.refused("channel_paused", services.publication_record_published,
                     actor=self.user("soft-editor"), publication=p, channel=self.channel,
                     url="https://example.cn/a")
        self.assertEqual(self.channel.pauses.count(), 2)

    def test_a_pause_needs_a_reason(self):
        self.refused("reason_required", services.channel_pause, actor=self.user("soft-admin"),
                     channel=self.channel, reason="")


class PublishedTest(PublicationCase):
    def approved(self) -> Publication:
        p = self.submit(self.write())
        for who in ("soft-reviewer", "soft-reviewer2", "soft-principal"):
            p = self.review(p, who)
        return p

    def test_it_refuses_a_malformed_address(self):
        p = self.approved()
        self.refused("bad_url", services.publication_record_published,
                     actor=self.user("soft-editor"), publication=p, channel=self.channel,
                     url="mp.weixin 文章")

    def test_withdrawal_is_recorded_with_a_reason(self):
        p = self.approved()
        services.publication_record_published(actor=self.user("soft-editor"), publication=p,
                                              channel=self.channel, url="https://example.cn/a")
        self.refused("reason_required", services.publication_withdraw,
                     actor=self.user("soft-editor"), publication=p, reason="")
        p = services.publication_withdraw(actor=self.user("soft-editor"), publication=p,
                                          reason="信息有误。")
        self.assertEqual(p.status, Status.WITHDRAWN)
        self.assertIsNotNone(p.placements.get().withdrawn_at)


class ReminderTest(PublicationCase):
    def test_a_step_waiting_past_the_deadline_is_reported_to_the_principal_once(self):
        p = self.submit(self.write())
        Publication.objects.filter(pk=p.pk).update(review_due=timezone.localdate() - dt.timedelta(days=1))
        tick()
        tick()
        notes = Notification.objects.filter(kind="publications.review_overdue",
                                            url__contains=f"/publications/{p.pk}/")
        self.assertEqual([n.recipient.username for n in notes], ["soft-principal"])


class ContentTest(GuildhallTestCase):
    def test_pasted_text_keeps_its_paragraphs_and_scripts_are_removed(self):
        self.assertEqual(richtext.sanitize("第一段\r\n\r\n第二段"), "<p>第一段</p><p>第二段</p>")
        cleaned = richtext.sanitize('<p class="MsoNormal" style="x" onclick="y">段落'
                                   '<script>alert(1)</script></p><a href="javascript:x">链接</a>')
        self.assertNotIn("script", cleaned)
        self.assertNotIn("onclick", cleaned)
        self.assertNotIn("javascript", cleaned)
        self.assertIn("<p>段落</p>", cleaned)

    def test_side_by_side_pairs_changed_paragraphs(self):
        rows = richtext.side_by_side("甲\n乙\n丙", "甲\n乙改\n丙\n丁")
        self.assertEqual([(r.kind, r.old, r.new) for r in rows], [
            ("equal", "甲", "甲"), ("replace", "乙", "乙改"), ("equal", "丙", "丙"),
            ("insert", "", "丁")])


class AttachmentChangeTest(PublicationCase):
    """Security finding 1 (issue 15): an approved publication could change without review by
    adding or removing an attachment."""

    def approve(self) -> Publication:
        p = self.submit(self.write())
        for who in ("soft-reviewer", "soft-reviewer2", "soft-principal"):
            p = self.review(p, who)
        self.assertEqual(p.status, Status.APPROVED)
        return p

    def test_attaching_a_file_to_an_approved_publication_is_a_new_revision_under_review_again(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        p = self.approve()
        audits = AuditRecord.objects.count()
        services.attachment_add(actor=self.user("soft-editor"), publication=p,
                                upload=SimpleUploadedFile("附件.txt", "补充材料".encode()))
        p.refresh_from_db()
        self.assertEqual((p.revision, p.status), (2, Status.DRAFT))
        latest = p.revisions.get(number=2)
        self.assertEqual([a["name"] for a in latest.snapshot["attachments"]], ["附件.txt"])
        self.assertGreater(AuditRecord.objects.count(), audits)
        self.refused("wrong_state", services.publication_record_published,
                     actor=self.user("soft-editor"), publication=p, channel=self.channel,
                     url="https://example.cn/a")

    def test_removing_a_file_of_an_approved_publication_restarts_the_review(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        p = self.write()
        services.attachment_add(actor=self.user("soft-editor"), publication=p,
                                upload=SimpleUploadedFile("附件.txt", "补充材料".encode()))
        p = self.submit(Publication.objects.get(pk=p.pk))
        for who in ("soft-reviewer", "soft-reviewer2", "soft-principal"):
            p = self.review(p, who)
        revision = p.revision
        services.attachment_remove(actor=self.user("soft-editor"), publication=p,
                                   attachment=p.attachments.get())
        p.refresh_from_db()
        self.assertEqual((p.revision, p.status), (revision + 1, Status.DRAFT))
        self.assertEqual(p.revisions.get(number=p.revision).snapshot["attachments"], [])


class SettledNoticesTest(PublicationCase):
    def unread(self, username: str, p: Publication) -> int:
        return Notification.objects.filter(recipient=self.user(username), read_at__isnull=True,
                                           kind="publications.submitted",
                                           url__endswith=f"/publications/{p.pk}/").count()

    def test_each_step_settles_its_own_notice_and_the_next_step_is_asked(self):
        with self.captureOnCommitCallbacks(execute=True):
            p = self.submit(self.write())
        self.assertEqual(self.unread("soft-reviewer", p), 1)
        with self.captureOnCommitCallbacks(execute=True):
            p = self.review(p, "soft-reviewer")
        self.assertEqual(self.unread("soft-reviewer", p), 0)  # done: read for the first step
        self.assertEqual(self.unread("soft-reviewer2", p), 1)  # asked: the second step
