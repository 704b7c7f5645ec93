"""The move of filings' and publications' records into the records app keeps every row:
a database at the schema before the move, holding revisions, timeline entries,
attachments (one removed) and findings (one acknowledged) of both modules, is migrated
forward and compared field by field."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.utils import timezone

BEFORE = [("events", "0001_initial"), ("publications", "0002_finding_value_hash")]
AFTER = [("events", "0002_records"), ("publications", "0003_records")]


class RecordsMigrationTest(TransactionTestCase):
    def _migrate(self, targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    def tearDown(self):
        self._migrate(executor_leaf_nodes())

    def test_every_record_of_filings_and_publications_survives_the_move(self):
        old = self._migrate(BEFORE)
        now = timezone.now()
        Org = old.get_model("orgs", "Organization")
        User = old.get_model("accounts", "User")
        sup = Org.objects.create(kind="supervisor", code="ms", name="迁移主管",
                                 credit_code="11320000MB1234567", path="/")
        org = Org.objects.create(kind="association", code="m", name="迁移协会", parent=sup,
                                 credit_code="51320000MJ5432101", path="/")
        user = User.objects.create(username="m-editor", email="m@example.cn", full_name="张三")
        Filing = old.get_model("events", "Filing")
        filing = Filing.objects.create(
            organization=org, title="研讨会", type="seminar", starts_at=now,
            ends_at=now + dt.timedelta(hours=2), venue="会场", organizer="迁移协会",
            created_by=user, revision=2)
        FR = old.get_model("events", "FilingRevision")
        for n in (1, 2):
            FR.objects.create(filing=filing, number=n, snapshot={"title": f"v{n}"},
                              changed_fields=["title"], material=n == 2, created_by=user)
        old.get_model("events", "FilingEntry").objects.create(
            filing=filing, kind="submitted", actor=user, revision=2, note="迟报理由")
        FA = old.get_model("events", "Attachment")
        fa = FA(filing=filing, original_name="议程.txt", content_type="text/plain", size=3,
                sha256="a" * 64, uploaded_by=user, for_foreign_party=True, scanned_at=now)
        fa.file.save("events/test/filing-file", ContentFile(b"abc"), save=False)
        fa.save()
        old.get_model("events", "AttachmentFinding").objects.create(
            attachment=fa, type="CN_MOBILE", masked="139****5678", location="line 2",
            acknowledged_by=user, acknowledged_at=now, reason="已征得同意")
        Pub = old.get_model("publications", "Publication")
        pub = Pub.objects.create(organization=org, title="文章", planned_at=now, created_by=user,
                                 revision=2, scanned_revision=2)
        PA = old.get_model("publications", "PublicationAttachment")
        pa = PA(publication=pub, original_name="图.png", content_type="image/png", size=3,
                sha256="b" * 64, uploaded_by=user, removed_at=now)
        pa.file.save("publications/test/pub-file", ContentFile(b"png"), save=False)
        pa.save()
        PR = old.get_model("publications", "PublicationRevision")
        PR.objects.create(publication=pub, number=1, title="文章", body="<p>一</p>",
                          planned_at=now, channel_names=["公众号"], created_by=user,
                          attachments=[{"id": pa.pk, "name": "图.png", "sha256": "b" * 64}])
        PR.objects.create(publication=pub, number=2, title="文章", body="<p>二</p>",
                          planned_at=now, channel_names=["公众号"], created_by=user)
        old.get_model("publications", "PublicationEntry").objects.create(
            publication=pub, kind="restarted", actor=user, revision=2)
        old.get_model("publications", "Finding").objects.create(
            publication=pub, revision=2, source="body", type="EMAIL", masked="z***@x.cn",
            value_hash="c" * 64, location="1", start=3, end=12, acknowledged_by=user,
            acknowledged_at=now, acknowledged_reason="公开邮箱", acknowledged_revision=2)

        new = self._migrate(AFTER)
        kinds = {m: new.get_model("contenttypes", "ContentType").objects.get(app_label=a, model=m)
                 for a, m in (("events", "filing"), ("publications", "publication"))}
        Revision = new.get_model("records", "Revision")
        Entry = new.get_model("records", "Entry")
        Attachment = new.get_model("records", "Attachment")
        Finding = new.get_model("records", "Finding")

        filing_revs = Revision.objects.filter(subject_type=kinds["filing"], subject_id=filing.pk)
        self.assertEqual([(r.number, r.snapshot, r.material, r.organization_id)
                          for r in filing_revs.order_by("number")],
                         [(1, {"title": "v1"}, False, org.pk), (2, {"title": "v2"}, True, org.pk)])
        entry = Entry.objects.get(subject_type=kinds["filing"], subject_id=filing.pk)
        self.assertEqual((entry.kind, entry.note, entry.actor_id, entry.revision),
                         ("submitted", "迟报理由", user.pk, 2))
        file = Attachment.objects.get(subject_type=kinds["filing"], subject_id=filing.pk)
        self.assertEqual((file.original_name, file.purpose, file.file.name, file.sha256),
                         ("议程.txt", "foreign_party", fa.file.name, "a" * 64))
        self.assertEqual(file.file.read(), b"abc")
        finding = Finding.objects.get(subject_type=kinds["filing"], subject_id=filing.pk)
        self.assertEqual((finding.attachment_id, finding.masked, finding.acknowledged_reason,
                          finding.acknowledged_by_id, finding.source),
                         (file.pk, "139****5678", "已征得同意", user.pk, "attachment"))

        pub_revs = list(Revision.objects.filter(subject_type=kinds["publication"],
                                                subject_id=pub.pk).order_by("number"))
        picture = Attachment.objects.get(subject_type=kinds["publication"], subject_id=pub.pk)
        self.assertEqual(picture.removed_at, pa.removed_at)
        self.assertEqual([r.snapshot["body"] for r in pub_revs], ["<p>一</p>", "<p>二</p>"])
        self.assertEqual(pub_revs[0].snapshot["attachments"][0]["id"], picture.pk)
        self.assertEqual(pub_revs[0].snapshot["channel_names"], ["公众号"])
        self.assertEqual(Entry.objects.get(subject_type=kinds["publication"]).kind, "restarted")
        moved = Finding.objects.get(subject_type=kinds["publication"], subject_id=pub.pk)
        self.assertEqual((moved.value_hash, moved.start, moved.end, moved.acknowledged_revision,
                          moved.acknowledged_reason), ("c" * 64, 3, 12, 2, "公开邮箱"))


def executor_leaf_nodes():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
