"""The meeting minutes and the filing's approval form come from the same machinery."""

import io
import zipfile

from django.urls import reverse

from guildhall.events.models import Filing
from guildhall.meetings.minutes import minutes_docx
from guildhall.meetings.models import Meeting
from guildhall.testing import ALL_DEMO, GuildhallTestCase

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def east_asia_on_every_run(docx: bytes) -> bool:
    from lxml import etree

    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    runs = list(body.iter(f"{W}r"))
    return bool(runs) and all(r.find(f"{W}rPr/{W}rFonts") is not None and r.find(
        f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") for r in runs)


class OtherDocumentsTest(GuildhallTestCase):
    demo_modules = ALL_DEMO

    def test_the_approval_form_downloads_from_the_filing_page(self):
        filing = Filing.objects.filter(organization=self.soft, approved_revision__isnull=False).first()
        self.login("soft-editor")
        page = self.client.get(filing.get_absolute_url())
        url = reverse("events:filing_approval_form", args=[self.soft.pk, filing.pk])
        self.assertContains(page, url)
        answer = self.client.get(url)
        self.assertEqual(answer.status_code, 200)
        self.assertTrue(east_asia_on_every_run(answer.content))
        text = zipfile.ZipFile(io.BytesIO(answer.content)).read("word/document.xml").decode()
        self.assertIn("活动报备审批表", text)
        self.assertIn(filing.title, text)
        self.assertIn("w:evenAndOddHeaders", zipfile.ZipFile(io.BytesIO(answer.content)).read(
            "word/settings.xml").decode())

    def test_the_minutes_are_an_official_document(self):
        meeting = Meeting.objects.filter(organization=self.soft, status="held").first()
        docx = minutes_docx(meeting)
        self.assertTrue(east_asia_on_every_run(docx))
        text = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
        self.assertIn(meeting.title, text)
        self.assertIn("一、", text)
