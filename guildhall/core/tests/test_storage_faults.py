"""Faults while storing a file: a full disk during an upload gives a clear message in the
user's language, stores no record and leaves no partial file."""

from __future__ import annotations

import errno
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from guildhall.core.storage import AtomicFileSystemStorage
from guildhall.events.tests.factories import make_filing
from guildhall.records.models import Attachment
from guildhall.testing import GuildhallTestCase

MEDIA = tempfile.mkdtemp(prefix="guildhall-test-storage-")


def disk_full_after(first_bytes: int):
    """A write that stores `first_bytes` bytes, then finds the disk full."""
    written = {"n": 0}

    def write(out, chunk):
        room = first_bytes - written["n"]
        if len(chunk) > room:
            out.write(chunk[:max(room, 0)])
            out.flush()
            raise OSError(errno.ENOSPC, "No space left on device")
        out.write(chunk)
        written["n"] += len(chunk)
    return mock.patch.object(AtomicFileSystemStorage, "_write", staticmethod(write))


def files_under(root: str) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()]


@override_settings(MEDIA_ROOT=MEDIA)
class DiskFullTest(GuildhallTestCase):
    def setUp(self):
        shutil.rmtree(MEDIA, ignore_errors=True)
        Path(MEDIA).mkdir(parents=True)
        self.filing = make_filing(self.cast, self.soft, "draft")
        self.login("soft-editor")

    def test_a_full_disk_during_an_upload_is_refused_clearly_and_leaves_nothing(self):
        content = "议程：上午开幕，下午研讨。\n".encode() * 20_000  # about 700 KB, many chunks
        with disk_full_after(100_000):
            response = self.client.post(
                reverse("events:attachment_upload", args=[self.soft.pk, self.filing.pk]),
                {"file": SimpleUploadedFile("议程.txt", content, content_type="text/plain")},
                HTTP_ACCEPT_LANGUAGE="zh-hans")
        self.assertIn(response.status_code, (400, 507))
        self.assertIn("文件未能保存", response.content.decode())
        self.assertFalse(Attachment.objects.filter(events_filing=self.filing).exists())
        self.assertEqual(files_under(MEDIA), [])  # no partial file, no temporary file

    def test_the_same_upload_is_stored_whole_when_there_is_room(self):
        content = "议程：上午开幕，下午研讨。\n".encode() * 20_000
        response = self.client.post(
            reverse("events:attachment_upload", args=[self.soft.pk, self.filing.pk]),
            {"file": SimpleUploadedFile("议程.txt", content, content_type="text/plain")})
        self.assertEqual(response.status_code, 302)
        attachment = Attachment.objects.get(events_filing=self.filing)
        self.assertEqual(Path(attachment.file.path).read_bytes(), content)
        self.assertEqual(files_under(MEDIA), [Path(attachment.file.path)])

    def test_the_storage_never_replaces_a_file_of_the_same_name(self):
        storage = AtomicFileSystemStorage(location=MEDIA)
        first = storage.save("a/same.txt", ContentFile(b"first"))
        second = storage._save("a/same.txt", ContentFile(b"second"))
        self.assertNotEqual(first, second)
        self.assertEqual(storage.open(first).read(), b"first")
        self.assertEqual(storage.open(second).read(), b"second")
