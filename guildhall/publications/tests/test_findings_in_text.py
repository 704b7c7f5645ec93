"""Findings marked where they stand in the revision's text: the value for its author, the
masked value for everyone else, and the list links to each mark."""

from __future__ import annotations

from django.urls import reverse

from guildhall.publications.tests.test_services import ID_NUMBER, PublicationCase
from guildhall.records.models import Finding

BODY = f"<p>会员应当依法保护商业秘密。</p><p>联系人 <strong>王老师</strong>，身份证号 {ID_NUMBER}。</p>"


class FindingsInTextTest(PublicationCase):
    def page(self, who: str, p) -> str:
        self.login(who)
        return self.client.get(reverse("publications:publication_detail",
                                       args=[self.soft.pk, p.pk])).content.decode()

    def test_the_author_sees_the_value_marked_in_the_text(self):
        p = self.submit(self.write(body=BODY))
        finding = p.findings.get(type="CN_RESIDENT_ID")
        page = self.page("soft-editor", p)
        self.assertIn(f'<mark id="found-{finding.pk}" class="finding open">{ID_NUMBER}</mark>', page)
        self.assertIn(f'href="#found-{finding.pk}"', page)
        # The phone preview marks it too, without a second element of that id.
        self.assertEqual(page.count(f'id="found-{finding.pk}"'), 1)
        self.assertEqual(page.count(f'<mark class="finding open">{ID_NUMBER}</mark>'), 1)

    def test_a_reviewer_sees_only_the_masked_value_in_the_text(self):
        p = self.submit(self.write(body=BODY))
        finding = p.findings.get(type="CN_RESIDENT_ID")
        page = self.page("soft-reviewer", p)
        self.assertIn(f'<mark id="found-{finding.pk}" class="finding open">{finding.masked}</mark>', page)
        self.assertNotIn(ID_NUMBER, page)
        self.assertIn("<strong>王老师</strong>", page)

    def test_an_acknowledged_finding_is_marked_as_resolved(self):
        p = self.submit(self.write(body="<p>办公室电话 13800000078。</p>"))
        Finding.objects.filter(pk=p.findings.get().pk).update(acknowledged_reason="公开电话",
                                                             acknowledged_at="2030-01-01T00:00Z")
        self.assertIn('class="finding resolved"', self.page("soft-reviewer", p))
