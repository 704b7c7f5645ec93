"""Security finding 8 (issue 15): a request body over the upload limit is refused from
its declared length, before a byte of it is read into memory or onto disk."""

from __future__ import annotations

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from guildhall.events.tests.factories import make_filing
from guildhall.testing import GuildhallTestCase

MB = 1024 * 1024
BOUNDARY = "guildhallboundary"


class GuardedBody:
    """A request body of `size` bytes that counts what is read of it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.read_bytes = 0

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.read_bytes
        n = left if n is None or n < 0 else min(n, left)
        if self.read_bytes + n > 2 * MB:
            raise AssertionError(f"read {self.read_bytes + n} bytes of a refused body")
        self.read_bytes += n
        return b"\0" * n

    def readline(self, limit: int = -1) -> bytes:
        return self.read(min(limit, 1024) if limit and limit > 0 else 1024)


class UploadLimitTest(GuildhallTestCase):
    def setUp(self):
        self.filing = make_filing(self.cast, self.soft, "draft")
        self.url = reverse("events:attachment_upload", args=[self.soft.pk, self.filing.pk])

    def send(self, client, url: str, size: int, **extra) -> tuple[object, GuardedBody]:
        body = GuardedBody(size)
        response = client.generic("POST", url, **{
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "CONTENT_LENGTH": str(size), "wsgi.input": body, **extra})
        return response, body

    def test_a_200_mb_upload_is_refused_unread_in_chinese(self):
        self.login("soft-editor")
        response, body = self.send(self.client, self.url, 200 * MB)
        self.assertEqual(response.status_code, 413)
        self.assertEqual(body.read_bytes, 0)
        self.assertContains(response, "文件过大", status_code=413)
        self.assertContains(response, f"{settings.UPLOAD_MAX_SIZE // MB} MB", status_code=413)
        self.assertIn("Content-Security-Policy", response)

    def test_the_refusal_speaks_the_users_language(self):
        self.login("soft-editor")
        response, _body = self.send(self.client, self.url, 200 * MB, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "too large", status_code=413)

    def test_the_api_answers_413_as_json(self):
        api = self.api_client("soft-editor")
        response, body = self.send(api, "/api/v1/events/", 200 * MB)
        self.assertEqual(response.status_code, 413)
        self.assertEqual(body.read_bytes, 0)
        self.assertEqual(response.json()["code"], "request_too_large")

    def test_a_signed_out_visitor_is_refused_unread_too(self):
        response, body = self.send(self.client, "/accounts/login/", 200 * MB)
        self.assertEqual((response.status_code, body.read_bytes), (413, 0))

    def test_a_file_at_the_limit_still_fits(self):
        from guildhall.events import services as events
        from guildhall.publications import services as publications

        # The body limit leaves room for the largest file a module takes and its form.
        self.assertGreaterEqual(settings.UPLOAD_MAX_SIZE, max(events.MAX_UPLOAD,
                                                              publications.MAX_UPLOAD))
        self.assertEqual(settings.REQUEST_MAX_SIZE, settings.UPLOAD_MAX_SIZE + MB)

    @override_settings(UPLOAD_MAX_SIZE=1 * MB, REQUEST_MAX_SIZE=2 * MB)
    def test_a_body_within_the_limit_is_read_as_usual(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.login("soft-editor")
        response = self.client.post(self.url, {"file": SimpleUploadedFile("说明.txt", "说明".encode() * 1000)})
        self.assertEqual(response.status_code, 302)
        response = self.client.post(self.url, {"file": SimpleUploadedFile("大.txt", b"a" * (3 * MB))})
        self.assertEqual(response.status_code, 413)


class ProxySettingTest(GuildhallTestCase):
    def test_the_documented_proxy_limit_is_the_applications(self):
        import re
        from pathlib import Path

        readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
        [size] = re.findall(r"client_max_body_size (\d+)m;", readme)
        self.assertEqual(int(size) * MB, settings.REQUEST_MAX_SIZE)
        [page] = re.findall(r"error_page 413 /static/(\S+);", readme)
        from django.contrib.staticfiles import finders

        html = Path(finders.find(page)).read_text(encoding="utf-8")
        self.assertIn("文件过大", html)
        self.assertIn(f"{settings.UPLOAD_MAX_SIZE // MB} MB", html)
