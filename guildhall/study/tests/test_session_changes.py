"""A session's materials picked from the library, and the correction of a confirmed session
(a new revision with its reason, confirmed again; the figures count it only once
confirmed)."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from guildhall.core.errors import DomainError
from guildhall.notifications.models import Notification
from guildhall.study import queries, services
from guildhall.study.models import Material, SessionStatus, StudySession
from guildhall.study.tests.factories import make_session
from guildhall.testing import GuildhallTestCase


def _material(cast, org, actor, title):
    return services.material_create(actor=cast.user(actor), org=org, data={
        "title": title, "link": "https://www.example.cn/m", "date": dt.date(2026, 1, 1)})


class LibraryItemsTest(GuildhallTestCase):
    def setUp(self):
        self.own = _material(self.cast, self.soft, "soft-editor", "本会数据安全指引")
        self.above = _material(self.cast, self.sup, "sup-admin", "上级学习读本")
        self.other = _material(self.cast, self.cast.orgs["logi"], "logi-editor", "物流协会资料")
        self.sibling_sup = _material(self.cast, self.cast.orgs["sup2"], "sup2-admin", "别处读本")

    def test_the_editor_picks_items_of_the_association_library_only(self):
        session = make_session(self.cast, self.soft, library_items=[self.own, self.above])
        self.assertEqual(set(session.library_items.all()), {self.own, self.above})
        for foreign in (self.other, self.sibling_sup):
            with self.assertRaises(DomainError) as caught:
                make_session(self.cast, self.soft, library_items=[foreign])
            self.assertEqual(caught.exception.code, "not_in_library")
        with self.assertRaises(DomainError):
            make_session(self.cast, self.soft, library_items=["x"])
        # A change of the items is a revision of the session, like its other fields.
        services.session_update(actor=self.user("soft-editor"), session=session,
                                data={"library_items": [self.own]})
        session.refresh_from_db()
        self.assertEqual(session.revision, 2)
        self.assertEqual(session.revisions.get(number=2).changed_fields, ["library_items"])

    def test_the_session_page_links_the_items_for_those_who_may_see_them(self):
        session = make_session(self.cast, self.soft, library_items=[self.own, self.above])
        self.login("soft-staff")
        page = self.client.get(session.get_absolute_url())
        self.assertContains(page, f'href="{self.own.get_absolute_url()}"')
        self.assertContains(page, f'href="{self.above.get_absolute_url()}"')
        self.assertContains(page, "来自上级")
        self.login("logi-staff")
        self.assertEqual(self.client.get(session.get_absolute_url()).status_code, 404)
        # The form offers the library, the supervisor's items marked, and nothing else.
        self.login("soft-editor")
        form = self.client.get(reverse("study:session_edit", args=[self.soft.pk, session.pk]))
        self.assertContains(form, "上级学习读本")
        self.assertNotContains(form, "物流协会资料")
        self.assertNotContains(form, "别处读本")
        # Picked on the form.
        held = timezone.localtime() - dt.timedelta(hours=3)
        response = self.client.post(reverse("study:session_new", args=[self.soft.pk]), {
            "topic": "读本学习", "form": "group", "held_at": held.strftime("%Y-%m-%dT%H:%M"),
            "hours": "1", "venue": "会议室", "leader": "秘书长", "other_attendees": "0",
            "library_items": [self.above.pk]})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(list(StudySession.objects.get(topic="读本学习").library_items.all()),
                         [self.above])

    def test_an_item_the_reader_may_not_see_is_named_without_a_link(self):
        session = make_session(self.cast, self.soft, library_items=[self.own])
        self.assertEqual(queries.session_library_items(self.user("soft-staff"), session)[0]["url"],
                         self.own.get_absolute_url())
        outsider = self.user("chem-staff")
        self.assertIsNone(queries.session_library_items(outsider, session)[0]["url"])

    def test_the_api_takes_and_shows_the_items(self):
        api = self.api_client("soft-editor")
        held = (timezone.localtime() - dt.timedelta(hours=3)).isoformat()
        response = api.post("/api/v1/study-sessions/", {
            "organization": self.soft.pk, "topic": "读本", "held_at": held, "hours": "1",
            "venue": "会议室", "leader": "秘书长", "library_items": [self.above.pk]},
            content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        [item] = response.json()["library_items"]
        self.assertEqual((item["id"], item["from_above"]), (self.above.pk, True))
        response = api.post("/api/v1/study-sessions/", {
            "organization": self.soft.pk, "topic": "读本", "held_at": held, "hours": "1",
            "venue": "会议室", "leader": "秘书长", "library_items": [self.other.pk]},
            content_type="application/json")
        self.assertEqual(response.status_code, 422)


class CorrectionTest(GuildhallTestCase):
    def setUp(self):
        self.session = make_session(self.cast, self.soft, "confirmed", hours=Decimal("2"))
        self.year = timezone.localtime(self.session.held_at).year

    def correct(self, username="soft-editor", reason="参加人数记错了。", **data):
        with self.captureOnCommitCallbacks(execute=True):
            return services.session_correct(actor=self.user(username), session=self.session,
                                            data=data or {"other_attendees": 5}, reason=reason,
                                            revision=self.session.revision)

    def test_a_correction_is_a_revision_with_its_reason_confirmed_again(self):
        before = queries.figures(self.soft, self.year)
        self.assertEqual(before.sessions, 1)
        with self.assertRaises(DomainError):
            self.correct(reason=" ")
        with self.assertRaises(DomainError):  # nothing changed
            self.correct(other_attendees=self.session.other_attendees)
        with self.assertRaises(DomainError):
            services.session_update(actor=self.user("soft-editor"), session=self.session,
                                    data={"other_attendees": 5})
        self.correct(hours=Decimal("1.5"))
        self.session.refresh_from_db()
        self.assertEqual(self.session.status, SessionStatus.DRAFT)
        self.assertEqual(self.session.revision, 2)
        self.assertIsNone(self.session.confirmed_at)
        self.assertEqual(self.session.revisions.get(number=2).changed_fields, ["hours"])
        entry = self.session.entries.get(kind=StudySession.EntryKind.CORRECTED)
        self.assertEqual(entry.note, "参加人数记错了。")
        # Out of the figures until the principal confirms it again.
        self.assertEqual(queries.figures(self.soft, self.year).sessions, 0)
        asked = Notification.objects.get(recipient=self.user("soft-principal"),
                                         kind=services.SESSION_CORRECTED)
        self.assertIsNone(asked.read_at)
        self.login("soft-principal")
        page = self.client.get(self.session.get_absolute_url())
        self.assertContains(page, 'id="correction"')
        self.assertContains(page, "参加人数记错了。")
        services.session_confirm(actor=self.user("soft-principal"), session=self.session)
        asked.refresh_from_db()
        self.assertIsNotNone(asked.read_at)
        after = queries.figures(self.soft, self.year)
        self.assertEqual((after.sessions, after.hours), (1, Decimal("1.5")))
        page = self.client.get(self.session.get_absolute_url())
        self.assertNotContains(page, 'id="correction"')

    def test_who_corrects(self):
        for username in ("soft-staff", "soft-reviewer", "sup-admin", "logi-editor"):
            self.assertNotIn("correct", self.session.available_actions(self.user(username)))
        self.assertIn("correct", self.session.available_actions(self.user("soft-editor")))
        draft = make_session(self.cast, self.soft)
        self.assertNotIn("correct", draft.available_actions(self.user("soft-editor")))

    def test_the_page_and_the_api_correct(self):
        self.login("soft-editor")
        url = reverse("study:session_correct", args=[self.soft.pk, self.session.pk])
        form = self.client.get(url)
        self.assertContains(form, 'name="reason"')
        data = {"topic": self.session.topic, "form": "group",
                "held_at": timezone.localtime(self.session.held_at).strftime("%Y-%m-%dT%H:%M"),
                "hours": "2", "venue": "协会会议室", "leader": "秘书长", "other_attendees": "3",
                "minutes": "传达学习文件。", "revision": "1",
                "attendees": list(self.session.attendees.values_list("pk", flat=True))}
        self.assertEqual(self.client.post(url, data).status_code, 400)  # no reason
        self.assertEqual(self.client.post(url, {**data, "reason": "补记两位来宾。"}).status_code, 302)
        self.session.refresh_from_db()
        self.assertEqual((self.session.status, self.session.other_attendees), ("draft", 3))
        services.session_confirm(actor=self.user("soft-principal"), session=self.session)
        api = self.api_client("soft-editor")
        response = api.post(f"/api/v1/study-sessions/{self.session.pk}/correct",
                            {"reason": "时长有误。", "hours": "1", "revision": 1},
                            content_type="application/json")
        self.assertEqual(response.status_code, 409)  # stale revision
        response = api.post(f"/api/v1/study-sessions/{self.session.pk}/correct",
                            {"reason": "时长有误。", "hours": "1", "revision": 2},
                            content_type="application/json")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "draft")


class MaterialsTest(GuildhallTestCase):
    def test_a_material_no_session_used_is_deleted(self):
        item = _material(self.cast, self.soft, "soft-editor", "旧资料")
        pk = item.pk
        services.material_delete(actor=self.user("soft-editor"), material=item)
        self.assertFalse(Material.objects.filter(pk=pk).exists())

    def test_a_material_sessions_used_leaves_the_library_but_stays_with_the_sessions(self):
        item = _material(self.cast, self.soft, "soft-editor", "旧资料")
        fresh = _material(self.cast, self.soft, "soft-editor", "新资料")
        session = make_session(self.cast, self.soft, library_items=[item])
        self.login("soft-editor")
        response = self.client.post(reverse("study:material_delete", args=[self.soft.pk, item.pk]))
        self.assertRedirects(response, reverse("study:library", args=[self.soft.pk]))
        item.refresh_from_db()
        self.assertIsNotNone(item.removed_at)
        self.assertEqual(list(session.library_items.all()), [item])
        # Not in the library nor offered for a new session; the session still shows it.
        self.assertNotContains(self.client.get(reverse("study:library", args=[self.soft.pk])),
                               "旧资料")
        self.assertNotContains(self.client.get(reverse("study:session_new", args=[self.soft.pk])),
                               "旧资料")
        page = self.client.get(session.get_absolute_url())
        self.assertContains(page, "旧资料")
        self.assertContains(page, "已从资料库撤下")
        self.assertContains(self.client.get(item.get_absolute_url()), "从资料库撤下")
        # Editing the session keeps it; a new session cannot pick it.
        services.session_update(actor=self.user("soft-editor"), session=session,
                                data={"library_items": [item, fresh]})
        self.assertEqual(set(session.library_items.all()), {item, fresh})
        with self.assertRaises(DomainError) as caught:
            make_session(self.cast, self.soft, library_items=[item])
        self.assertEqual(caught.exception.code, "not_in_library")
        # It cannot be taken out twice, nor get files.
        with self.assertRaises(DomainError):
            services.material_delete(actor=self.user("soft-editor"), material=item)
        self.assertFalse(item.available_actions(self.user("soft-editor")) & {"attach", "delete"})
