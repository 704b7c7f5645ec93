import re

from django.urls import URLPattern, reverse

from guildhall.study import urls as study_urls
from guildhall.study.models import Activity, Code, CodeVersion, Material, PlanTopic, StudySession
from guildhall.testing import GuildhallTestCase

ALLOWED = {"txt", "Word", "WPS"}  # a file type and two product names


def english_words(html: str) -> set[str]:
    """The English words of the page's main part (as meetings' test reads them)."""
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", main.split(">", 1)[1])
    return set(re.findall(r"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])", text)) - ALLOWED


class ChinesePagesTest(GuildhallTestCase):
    demo_modules = ("study",)

    def test_every_study_page_speaks_chinese(self):
        code = Code.objects.filter(organization=self.soft).first()
        kwargs = {
            "session_id": StudySession.objects.filter(organization=self.soft).first().pk,
            "code_id": code.pk,
            "version_id": CodeVersion.objects.filter(code=code).order_by("-number").first().pk,
            "topic_id": PlanTopic.objects.filter(organization=self.soft).first().pk,
            "material_id": Material.objects.filter(organization=self.soft).first().pk,
            "activity_id": Activity.objects.filter(organization=self.soft).first().pk,
        }
        checked = 0
        for pattern in study_urls.urlpatterns:
            assert isinstance(pattern, URLPattern)
            params = list(pattern.pattern.converters)
            if "attachment_id" in params:
                continue
            supervisor = pattern.name == "overview"
            org = self.sup if supervisor else self.soft
            url = reverse(f"study:{pattern.name}", kwargs={
                p: (org.pk if p == "org_id" else kwargs[p]) for p in params})
            self.login("sup-admin" if supervisor else "soft-principal")
            response = self.client.get(url)
            if response.status_code == 405:
                continue
            self.assertIn(response.status_code, (200, 403), url)
            if response.status_code == 200:
                checked += 1
                self.assertEqual(english_words(response.content.decode()) - ALLOWED, set(), url)
        self.assertGreaterEqual(checked, 15)
