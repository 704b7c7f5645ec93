"""`guildhall backup` and `guildhall restore`: a round trip on this database (SQLite or
PostgreSQL), and the refusals of a folder that does not match its manifest."""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TransactionTestCase, override_settings

from guildhall.audit.services import record, verify_chain
from guildhall.events.models import Filing
from guildhall.events.tests.factories import make_filing
from guildhall.records import services as records
from guildhall.records.models import Attachment
from guildhall.site.demo import seed


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


class BackupRestoreTest(TransactionTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="guildhall-backup-test-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)
        media = override_settings(MEDIA_ROOT=str(self.tmp / "media"))
        media.enable()
        self.addCleanup(media.disable)
        self.cast = seed(modules=())
        self.soft = self.cast.orgs["soft"]
        self.filing = make_filing(self.cast, self.soft, "draft", title="备份前的活动")
        self.attachment = records.attach(
            self.filing, SimpleUploadedFile("议程.txt", "上午 开幕 下午 研讨".encode(),
                                            content_type="text/plain"),
            actor=self.cast.user("soft-editor"), kinds={"txt"}, max_size=1 << 20,
            type_message="txt")

    def test_a_backup_restores_the_records_the_files_and_the_audit_chain(self):
        out = self.tmp / "backup"
        self.assertIn("backup written", run("backup", "--out", str(out)))
        manifest = json.loads((out / "manifest.json").read_text("utf-8"))
        self.assertTrue(any(name.startswith("media/") for name in manifest["files"]))
        records_before = verify_chain().count

        # After the backup: a record deleted, a file lost, more audit records written.
        Filing.objects.filter(pk=self.filing.pk).update(title="改过的标题")
        Path(self.attachment.file.path).unlink()
        record(actor=self.cast.user("soft-admin"), action="org.update", organization=self.soft)

        report = run("restore", str(out), "--yes")
        self.assertIn("restored and checked", report)
        self.assertEqual(Filing.objects.get(pk=self.filing.pk).title, "备份前的活动")
        restored = Attachment.objects.get(pk=self.attachment.pk)
        self.assertEqual(restored.file.read().decode(), "上午 开幕 下午 研讨")
        chain = verify_chain()
        self.assertTrue(chain.ok)
        self.assertEqual(chain.count, records_before)

    def test_a_folder_that_does_not_match_its_manifest_is_refused_and_nothing_changes(self):
        out = self.tmp / "backup"
        run("backup", "--out", str(out))
        self.assertIn("backup OK", run("restore", str(out), "--check"))
        stored = next(p for p in (out / "media").rglob("*") if p.is_file())
        stored.write_bytes(b"tampered")
        Filing.objects.filter(pk=self.filing.pk).update(title="备份之后的标题")
        with self.assertRaisesMessage(CommandError, "changed since the backup"):
            run("restore", str(out), "--yes")
        self.assertEqual(Filing.objects.get(pk=self.filing.pk).title, "备份之后的标题")
        (out / "manifest.json").write_text("{", "utf-8")
        with self.assertRaisesMessage(CommandError, "no readable manifest.json"):
            run("restore", str(out), "--check")

    def test_a_backup_goes_into_a_new_folder_only(self):
        out = self.tmp / "busy"
        out.mkdir()
        (out / "something").write_text("x")
        with self.assertRaisesMessage(CommandError, "is not empty"):
            run("backup", "--out", str(out))

    def test_a_restore_finds_a_stored_file_that_differs_from_its_record(self):
        out = self.tmp / "backup"
        run("backup", "--out", str(out))
        Attachment.objects.filter(pk=self.attachment.pk).update(sha256="0" * 64)
        run_out = self.tmp / "backup2"
        run("backup", "--out", str(run_out))
        with self.assertRaisesMessage(CommandError, "file changed"):
            run("restore", str(run_out), "--yes")
