"""Bad files attached to a publication: refused clearly, nothing stored half-way."""

import io
import tempfile
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from guildhall.core.errors import DomainError
from guildhall.publications import services
from guildhall.publications.tests.factories import make_publication
from guildhall.records.models import Attachment
from guildhall.testing import GuildhallTestCase

MEDIA = tempfile.mkdtemp(prefix="guildhall-test-media-")


def zip_bomb(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (200 * 1024 * 1024))
    return SimpleUploadedFile(name, buffer.getvalue())


@override_settings(MEDIA_ROOT=MEDIA)

def _publication_files():
    return Attachment.objects.filter(publications_publication__isnull=False)

class PublicationUploadTest(GuildhallTestCase):
    def setUp(self):
        self.publication = make_publication(self.cast, self.soft)
        self.editor = self.user("soft-editor")

    def refuse(self, upload: SimpleUploadedFile) -> DomainError:
        before = _publication_files().count()
        with self.assertRaises(DomainError) as ctx:
            services.attachment_add(actor=self.editor, publication=self.publication, upload=upload)
        self.assertEqual(_publication_files().count(), before)
        return ctx.exception

    def test_an_executable_named_pdf_is_refused_by_its_content(self):
        error = self.refuse(SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 200))
        self.assertEqual(error.code, "file_content")

    def test_a_script_is_refused_by_its_type(self):
        error = self.refuse(SimpleUploadedFile("x.html", b"<script>alert(1)</script>"))
        self.assertEqual(error.code, "file_type")

    def test_a_zip_bomb_disguised_as_docx_is_refused(self):
        self.assertEqual(self.refuse(zip_bomb("plan.docx")).code, "file_unsafe")

    def test_an_oversized_file_is_refused(self):
        original = services.MAX_UPLOAD
        services.MAX_UPLOAD = 1024
        try:
            error = self.refuse(SimpleUploadedFile("notes.txt", "说明".encode() * 1000))
        finally:
            services.MAX_UPLOAD = original
        self.assertEqual(error.code, "file_too_large")

    def test_the_page_shows_the_refusal_in_chinese(self):
        self.login("soft-editor")
        url = f"/o/{self.soft.pk}/publications/{self.publication.pk}/attachments/"
        response = self.client.post(url, {"file": SimpleUploadedFile("a.pdf", b"not a pdf at all")})
        self.assertIn(response.status_code, (400, 409))
        self.assertContains(response, "文件", status_code=response.status_code)
        self.assertEqual(_publication_files().count(), 0)

    def test_a_good_pdf_is_attached_under_a_generated_name(self):
        upload = SimpleUploadedFile("计划.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
        attachment = services.attachment_add(actor=self.editor, publication=self.publication,
                                             upload=upload)
        self.assertEqual(attachment.original_name, "计划.pdf")
        self.assertNotIn("计划", attachment.file.name)
