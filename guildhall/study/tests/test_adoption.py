"""A version of a code is adopted through the review mechanism: the principal's adoption by
default, steps before it set by the association's administrator; a return with a reason is
shown at the top of the version's page; those asked are told and their notices settled."""

import datetime as dt
import importlib

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from guildhall.core.errors import DomainError
from guildhall.notifications.models import Notification
from guildhall.reviews.models import Decision
from guildhall.study import services
from guildhall.study.models import CodeRules, CodeVersion, VersionStatus
from guildhall.study.tests.factories import make_code, version_of
from guildhall.testing import GuildhallTestCase


class AdoptionTest(GuildhallTestCase):
    def setUp(self):
        self.code = make_code(self.cast, self.soft, "draft")
        self.version = version_of(self.code)

    def asked(self, username):
        return Notification.objects.filter(recipient=self.user(username),
                                           kind=services.ADOPTION_ASKED,
                                           url=self.version.get_absolute_url())

    def test_by_default_the_principal_adopts_in_one_step_after_the_submission(self):
        self.assertEqual(CodeRules.roles_for(self.soft), ["principal"])
        self.assertNotIn("adopt", self.version.available_actions(self.user("soft-principal")))
        self.do(services.version_submit, actor=self.user("soft-editor"), version=self.version)
        self.version.refresh_from_db()
        self.assertEqual(self.version.status, VersionStatus.IN_REVIEW)
        self.assertEqual(self.asked("soft-principal").filter(read_at__isnull=True).count(), 1)
        for username in ("soft-admin", "soft-editor", "soft-reviewer", "logi-principal"):
            with self.assertRaises(DomainError, msg=username):
                self.do(services.version_adopt, actor=self.user(username), version=self.version)
        self.assertIn("adopt", self.version.available_actions(self.user("soft-principal")))
        self.do(services.version_adopt, actor=self.user("soft-principal"), version=self.version)
        self.version.refresh_from_db()
        self.assertEqual(self.version.status, VersionStatus.ADOPTED)
        self.assertEqual(self.version.adopted_by, self.user("soft-principal"))
        [decision] = Decision.objects.filter(subject_type="study.version", subject_id=self.version.pk)
        self.assertEqual((decision.step, decision.verdict, decision.round), (1, "approve", 1))
        self.assertFalse(self.asked("soft-principal").filter(read_at__isnull=True).exists())
        self.assertTrue(Notification.objects.filter(recipient=self.user("soft-admin"),
                                                    kind="study.version_adopted").exists())

    def test_the_admin_adds_a_step_before_the_principal_and_a_return_shows_its_reason(self):
        with self.assertRaises(PermissionDenied):  # only the administrator sets the steps
            self.run_rules("soft-principal", ["reviewer"])
        for bad in (["principal"], ["reviewer"] * 4, ["staff"]):
            with self.assertRaises(ValidationError, msg=bad):
                self.run_rules("soft-admin", bad)
        self.run_rules("soft-admin", ["reviewer"])
        self.assertEqual(CodeRules.roles_for(self.soft), ["reviewer", "principal"])
        self.do(services.version_submit, actor=self.user("soft-editor"), version=self.version)
        self.version.refresh_from_db()
        self.assertEqual(self.asked("soft-reviewer").count(), 1)
        self.assertFalse(self.asked("soft-principal").exists())
        with self.assertRaises(DomainError):  # the principal's step comes second
            self.do(services.version_adopt, actor=self.user("soft-principal"), version=self.version)
        with self.assertRaises(DomainError):  # a return needs its reason
            self.do(services.version_return, actor=self.user("soft-reviewer"), version=self.version,
                                    comment=" ")
        self.do(services.version_return, actor=self.user("soft-reviewer"), version=self.version,
                                comment="第二条表述不清，请修改。")
        self.version.refresh_from_db()
        self.assertEqual(self.version.status, VersionStatus.DRAFT)
        self.assertFalse(self.asked("soft-reviewer").filter(read_at__isnull=True).exists())
        self.login("soft-admin")
        page = self.client.get(self.version.get_absolute_url())
        self.assertContains(page, 'id="refusal"')
        self.assertContains(page, "第二条表述不清")
        # Fixed and submitted again: a new round, the reviewer then the principal.
        services.version_update(actor=self.user("soft-admin"), version=self.version,
                                data={"body": "<p>第二条 公平竞争。</p>"})
        self.version.refresh_from_db()
        self.assertEqual(self.version.revision, 2)
        self.do(services.version_submit, actor=self.user("soft-admin"), version=self.version)
        self.version.refresh_from_db()
        self.assertEqual(self.version.review_round, 2)
        # The rules change now; the submitted version keeps the steps it was submitted with.
        self.run_rules("soft-admin", [])
        with self.assertRaises(DomainError):  # stale revision
            self.do(services.version_adopt, actor=self.user("soft-reviewer"), version=self.version,
                                   revision=1)
        self.do(services.version_adopt, actor=self.user("soft-reviewer"), version=self.version, revision=2)
        self.version.refresh_from_db()
        self.assertEqual(self.version.status, VersionStatus.IN_REVIEW)
        self.assertEqual(self.asked("soft-principal").filter(read_at__isnull=True).count(), 1)
        page = self.client.get(self.version.get_absolute_url())
        self.assertNotContains(page, 'id="refusal"')
        self.do(services.version_adopt, actor=self.user("soft-principal"), version=self.version)
        self.version.refresh_from_db()
        self.assertEqual(self.version.status, VersionStatus.ADOPTED)
        self.do(services.version_publish, actor=self.user("soft-admin"), version=self.version)

    def do(self, service, **kwargs):
        """Run the service and deliver the notices it sends once it commits."""
        with self.captureOnCommitCallbacks(execute=True):
            return service(**kwargs)

    def run_rules(self, username, roles):
        from guildhall.orgs.permissions import require

        require(self.user(username), "study.code.rules", self.soft)
        services.rules_update(actor=self.user(username), org=self.soft, steps_before=roles)

    def test_the_pages_and_the_api_run_the_steps(self):
        self.login("soft-admin")
        response = self.client.post(reverse("study:code_rules", args=[self.soft.pk]),
                                    {"step_1": "admin"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(CodeRules.roles_for(self.soft), ["admin", "principal"])
        api = self.api_client("soft-editor")
        url = f"/api/v1/code-versions/{self.version.pk}"
        self.assertEqual(api.post(f"{url}/submit").status_code, 200)
        # The admin approves the first step on the page, with a comment.
        response = self.client.post(reverse("study:version_adopt", args=[
            self.soft.pk, self.version.pk]), {"comment": "同意。", "revision": "1"})
        self.assertEqual(response.status_code, 302)
        # Nobody decides two steps of one round.
        self.assertEqual(self.api_client("soft-admin").post(f"{url}/adopt").status_code, 403)
        answer = self.api_client("soft-principal").get(url).json()
        self.assertEqual(answer["status"], "in_review")
        self.assertEqual(len(answer["adoption_steps"]), 2)
        self.assertEqual([d["verdict"] for d in answer["decisions"]], ["approve"])
        self.assertIn("adopt", answer["actions"])
        response = self.api_client("soft-principal").post(f"{url}/return", {"comment": ""},
                                                          content_type="application/json")
        self.assertEqual(response.json()["code"], "comment_required")
        response = self.api_client("soft-principal").post(f"{url}/adopt", {"comment": "通过"},
                                                          content_type="application/json")
        self.assertEqual(response.json()["status"], "adopted")
        rules = self.api_client("soft-staff").get(f"/api/v1/code-adoption-steps/{self.soft.pk}")
        self.assertEqual(rules.json()["steps_before"], ["admin"])


class AdoptionMigrationTest(GuildhallTestCase):
    def test_versions_adopted_before_the_review_steps_get_their_decision(self):
        code = make_code(self.cast, self.soft, "published")
        version = version_of(code)
        # As a version adopted in one step before the migration: no decision, no round.
        Decision.objects.filter(subject_type="study.version").delete()
        CodeVersion.objects.filter(pk=version.pk).update(review_round=0, review_roles=[])
        draft = services.version_new(actor=self.user("soft-admin"), code=code, data={
            "body": "<p>草稿</p>", "effective_date": dt.date(2026, 6, 1)})
        migration = importlib.import_module(
            "guildhall.study.migrations.0004_adoptions_as_review_decisions")
        migration.forwards(apps, None)
        migration.forwards(apps, None)  # once only
        [decision] = Decision.objects.filter(subject_type="study.version", subject_id=version.pk)
        self.assertEqual((decision.reviewer, decision.verdict, decision.step, decision.round),
                         (self.user("soft-principal"), "approve", 1, 1))
        self.assertEqual(decision.decided_at, version.adopted_at)
        version.refresh_from_db()
        self.assertEqual((version.review_round, version.review_roles), (1, ["principal"]))
        self.assertFalse(Decision.objects.filter(subject_id=draft.pk,
                                                 subject_type="study.version").exists())
