import re

from django.urls import reverse
from django.utils import timezone

from guildhall.meetings import services
from guildhall.meetings.tests.factories import make_meeting, plan_slot
from guildhall.testing import GuildhallTestCase

# Words a Chinese page may show: the file format of the minutes.
ALLOWED = {"docx"}


def english_words(html: str) -> set[str]:
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", main.split(">", 1)[1])
    # Whole words only: a credit code (11320000MB…) is not English.
    return set(re.findall(r"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])", text)) - ALLOWED


class ChinesePagesTest(GuildhallTestCase):
    def test_every_meetings_page_speaks_chinese(self):
        meeting = make_meeting(self.cast, self.soft, state="held")
        editor = self.user("soft-editor")
        with plan_slot():
            services.meeting_follow_up(actor=editor, meeting=meeting, conclusion=0, owner=editor,
                                       due_date=timezone.localtime(meeting.held_at).date())
            services.meeting_update(actor=editor, meeting=meeting, data={"notes": "讨论"})
            pages = {
                "soft-editor": [reverse("meetings:meeting_list", args=[self.soft.pk]),
                                reverse("meetings:meeting_new", args=[self.soft.pk]),
                                meeting.get_absolute_url(),
                                reverse("meetings:meeting_edit", args=[self.soft.pk, meeting.pk]),
                                reverse("meetings:meeting_diff", args=[self.soft.pk, meeting.pk])],
                "sup-admin": [reverse("meetings:meeting_overview", args=[self.sup.pk]),
                              reverse("meetings:meeting_rules", args=[self.sup.pk]),
                              reverse("site:org_home", args=[self.sup.pk])],
            }
            for username, urls in pages.items():
                self.login(username)
                for url in urls:
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200, url)
                    self.assertEqual(english_words(response.content.decode()), set(), url)
