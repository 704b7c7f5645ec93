import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from guildhall.core.errors import DomainError
from guildhall.kit import links
from guildhall.notifications.models import Notification
from guildhall.notifications.services import tick
from guildhall.orgs.models import Membership, Organization, Role
from guildhall.study import demo, queries, services
from guildhall.study.models import Code, CodeVersion, SessionStatus, StudySession, VersionStatus
from guildhall.study.tests.factories import make_code, make_session, version_of
from guildhall.testing import GuildhallTestCase


def at(year, month, day, hour=10):
    return timezone.make_aware(dt.datetime(year, month, day, hour))


ROLES = ("principal", "admin", "editor", "reviewer", "staff")


class FiguresTest(GuildhallTestCase):
    """Fixed data in 2025: soft has its five demo members."""

    def setUp(self):
        people = [self.user(f"soft-{r}") for r in ROLES]
        make_session(self.cast, self.soft, "confirmed", topic="条例学习", held_at=at(2025, 3, 1),
                     hours=Decimal("2"), attendees=people)                      # 5 of 5
        make_session(self.cast, self.soft, "confirmed", topic="专题讲座", held_at=at(2025, 6, 1),
                     hours=Decimal("1.5"), attendees=people[:2], other_attendees=9)  # 2 of 5
        make_session(self.cast, self.soft, "confirmed", topic="条例学习", held_at=at(2025, 9, 1),
                     hours=Decimal("1"), attendees=people[:3])                  # 3 of 5
        make_session(self.cast, self.soft, "draft", topic="草稿", held_at=at(2025, 10, 1),
                     hours=Decimal("5"), attendees=people)                      # not confirmed
        make_session(self.cast, self.soft, "confirmed", topic="去年", held_at=at(2024, 5, 1),
                     hours=Decimal("3"), attendees=people)                      # another year

    def test_the_year_counts_confirmed_sessions_hours_rate_and_topics_exactly(self):
        figures = queries.figures(self.soft, 2025)
        self.assertEqual(figures.sessions, 3)
        self.assertEqual(figures.hours, Decimal("4.5"))
        self.assertAlmostEqual(figures.participation, (1 + 0.4 + 0.6) / 3)
        self.assertEqual(figures.participation_percent, "66.7%")
        self.assertEqual(figures.topics, ["条例学习", "专题讲座"])
        self.assertEqual(queries.figures(self.soft, 2024).sessions, 1)
        self.assertIsNone(queries.figures(self.logi, 2025).participation)

    def test_the_rate_keeps_the_membership_of_the_day_of_confirmation(self):
        before = queries.figures(self.soft, 2025).participation
        Membership.objects.filter(organization=self.soft, user=self.user("soft-staff")).update(
            is_active=False)
        self.assertEqual(queries.figures(self.soft, 2025).participation, before)

    def test_the_page_and_the_api_show_the_same_figures(self):
        self.login("soft-staff")
        page = self.client.get(reverse("study:session_list", args=[self.soft.pk]), {"year": 2025})
        self.assertContains(page, '<dd id="fig-sessions">3</dd>', html=True)
        self.assertContains(page, '<dd id="fig-hours">4.5</dd>', html=True)
        self.assertContains(page, '<dd id="fig-participation">66.7%</dd>', html=True)
        api = self.api_client("sup-viewer").get(f"/api/v1/study-figures-below/{self.sup.pk}",
                                                {"year": 2025}).json()
        soft = next(r for r in api["items"] if r["organization"] == self.soft.pk)
        self.assertEqual((soft["sessions"], soft["hours"], round(soft["participation_rate"], 4)),
                         (3, "4.5", round(2 / 3, 4)))
        self.assertNotIn(self.chem.pk, [r["organization"] for r in api["items"]])

    def test_the_overview_keeps_a_flat_query_count_as_associations_grow(self):
        self.login("sup-viewer")
        url = reverse("study:overview", args=[self.sup.pk])

        def count():
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(url, {"year": 2025}).status_code, 200)
            return len(ctx.captured_queries)

        make_code(self.cast, self.soft, "published")
        make_code(self.cast, self.logi, "draft")
        count()  # the first request after signing in also reads and updates the session
        few = count()
        for n in range(15):
            org = Organization.objects.create(code=f"x{n}", kind=Organization.Kind.ASSOCIATION,
                                              parent=self.sup, name=f"测试协会{n}",
                                              short_name=f"测试{n}", credit_code=f"Z{n:017d}")
            Membership.objects.create(user=self.user("soft-staff"), organization=org,
                                      role=Role.EDITOR)
            StudySession.objects.create(
                organization=org, topic="学习", held_at=at(2025, 4, 1), venue="会议室",
                leader="秘书长", hours=Decimal("2"), status=SessionStatus.CONFIRMED,
                members_then=1, created_by=self.user("soft-staff"))
            code = Code.objects.create(organization=org, title="规约", kind="ethics",
                                       created_by=self.user("soft-staff"))
            CodeVersion.objects.create(code=code, organization=org, number=1, body="一",
                                       effective_date=dt.date(2025, 1, 1),
                                       status=VersionStatus.PUBLISHED,
                                       created_by=self.user("soft-staff"))
        self.assertEqual(count(), few)


class SessionTest(GuildhallTestCase):
    def test_only_the_principal_confirms_and_only_once(self):
        session = make_session(self.cast, self.soft)
        with self.assertRaises(DomainError):
            services.session_confirm(actor=self.user("soft-principal"), session=make_session(
                self.cast, self.soft, held_at=timezone.now() + dt.timedelta(days=1)))
        self.assertEqual(session.available_actions(self.user("soft-editor")), {"edit", "attach"})
        self.assertIn("confirm", session.available_actions(self.user("soft-principal")))
        services.session_confirm(actor=self.user("soft-principal"), session=session)
        session.refresh_from_db()
        self.assertEqual(session.status, SessionStatus.CONFIRMED)
        # Confirmed once: what is left is a correction, which sends it back for confirmation.
        self.assertEqual(session.available_actions(self.user("soft-principal")), {"correct"})
        with self.assertRaises(DomainError):
            services.session_confirm(actor=self.user("soft-principal"), session=session)

    def test_attendees_must_be_members(self):
        with self.assertRaises(DomainError):
            make_session(self.cast, self.soft, attendees=[self.user("logi-staff")])

    def test_a_confirmed_session_is_linkable_evidence(self):
        draft = make_session(self.cast, self.soft)
        confirmed = make_session(self.cast, self.soft, "confirmed")
        found = list(links.kind("study.session").linkable(self.soft))
        self.assertEqual(found, [confirmed])
        self.assertNotIn(draft, found)


class CodeTest(GuildhallTestCase):
    def setUp(self):
        self.code = make_code(self.cast, self.soft, "published")
        self.v1 = version_of(self.code)

    def rate(self, version):
        current = queries.published_versions([version.organization_id]).get(pk=version.pk)
        return queries.rates_by_version([current])[current.pk]

    def test_members_acknowledge_once_and_the_rate_follows(self):
        self.assertEqual((self.rate(self.v1).acknowledged, self.rate(self.v1).members), (0, 5))
        services.acknowledge(actor=self.user("soft-staff"), version=self.v1)
        services.acknowledge(actor=self.user("soft-editor"), version=self.v1)
        self.assertEqual(self.rate(self.v1).value, 0.4)
        with self.assertRaises(DomainError):
            services.acknowledge(actor=self.user("soft-staff"), version=self.v1)
        self.assertEqual({u.username for u in queries.not_acknowledged(self.v1)},
                         {"soft-principal", "soft-admin", "soft-reviewer"})
        # People are listed by name, never by any figure of theirs.
        people = list(queries.not_acknowledged(self.v1))
        self.assertEqual(people, sorted(people, key=lambda u: (u.full_name, u.username)))

    def test_a_new_version_is_adopted_then_published_and_supersedes_the_old(self):
        services.acknowledge(actor=self.user("soft-staff"), version=self.v1)
        v2 = services.version_new(actor=self.user("soft-editor"), code=self.code, data={
            "body": "第一条 遵守法律。\n\n第二条 公平竞争。", "effective_date": dt.date(2026, 6, 1)})
        with self.assertRaises(DomainError):  # one pending version at a time
            services.version_new(actor=self.user("soft-editor"), code=self.code, data={
                "body": "x", "effective_date": dt.date(2026, 6, 1)})
        with self.assertRaises(DomainError):  # not adopted yet
            services.version_publish(actor=self.user("soft-admin"), version=v2)
        with self.assertRaises(DomainError):  # a draft is submitted before it is adopted
            services.version_adopt(actor=self.user("soft-principal"), version=v2)
        services.version_submit(actor=self.user("soft-editor"), version=v2)
        self.assertNotIn("adopt", v2.available_actions(self.user("soft-admin")))
        services.version_adopt(actor=self.user("soft-principal"), version=v2)
        services.version_publish(actor=self.user("soft-admin"), version=CodeVersion.objects.get(pk=v2.pk))
        self.v1.refresh_from_db()
        self.assertEqual(self.v1.status, VersionStatus.SUPERSEDED)
        self.assertEqual(self.rate(v2).acknowledged, 0)
        with self.assertRaises(DomainError):
            services.acknowledge(actor=self.user("soft-staff"), version=self.v1)
        # The diff compares the two versions' texts.
        self.login("soft-staff")
        page = self.client.get(reverse("study:code_diff", args=[self.soft.pk, self.code.pk]))
        self.assertContains(page, "第二条 公平竞争")

    def test_who_has_not_acknowledged_is_for_the_principal_and_admin_only(self):
        url = reverse("study:version_detail", args=[self.soft.pk, self.v1.pk])
        staff_name = self.user("soft-staff").display_name
        for username, sees in (("soft-principal", True), ("soft-admin", True),
                               ("soft-editor", False), ("soft-staff", False),
                               ("sup-admin", False)):
            self.login(username)
            page = self.client.get(url).content.decode()
            self.assertIn('id="ack-rate"', page, username)
            self.assertEqual('id="not-acknowledged"' in page, sees, username)
            api = self.api_client(username).get(f"/api/v1/code-versions/{self.v1.pk}").json()
            self.assertEqual(api["not_acknowledged"] is not None, sees, username)
            if not sees:
                self.assertNotIn(staff_name, page.split('id="code-body"')[1], username)

    def test_the_supervisor_sees_versions_dates_and_rates_without_names(self):
        services.acknowledge(actor=self.user("soft-staff"), version=self.v1)
        self.login("sup-viewer")
        page = self.client.get(reverse("study:overview", args=[self.sup.pk])).content.decode()
        self.assertIn("20.0%", page)
        self.assertIn("2026-01-01", page)
        for user in self.cast.users.values():
            if user.username.startswith("soft-"):
                self.assertNotIn(user.display_name, page.split("<main")[-1])
        rows = self.api_client("sup-viewer").get(f"/api/v1/codes-below/{self.sup.pk}").json()["items"]
        soft = [r for r in rows if r["organization"] == self.soft.pk]
        self.assertEqual([(r["version"], r["rate"]) for r in soft], [(1, 0.2)])
        logi = [r for r in rows if r["organization"] == self.logi.pk]
        self.assertEqual([r["code"] for r in logi], [""])  # no codes


class ReminderTest(GuildhallTestCase):
    def test_members_who_have_not_acknowledged_are_reminded_at_most_twice(self):
        code = make_code(self.cast, self.soft, "published")
        version = version_of(code)
        services.acknowledge(actor=self.user("soft-staff"), version=version)
        published = timezone.localdate()

        def sent():
            return sorted(Notification.objects.filter(kind="study.acknowledge_due").values_list(
                "recipient__username", flat=True))

        tick(timezone.now())
        self.assertEqual(sent(), [])
        after_first = version.first_reminder_on + dt.timedelta(days=1)
        self.assertGreater(version.first_reminder_on, published)
        tick(timezone.make_aware(dt.datetime.combine(after_first, dt.time(10))))
        self.assertEqual(sent(), ["soft-admin", "soft-editor", "soft-principal", "soft-reviewer"])
        services.acknowledge(actor=self.user("soft-editor"), version=version)
        for days in (3, 20, 60):
            later = version.second_reminder_on + dt.timedelta(days=days)
            tick(timezone.make_aware(dt.datetime.combine(later, dt.time(10))))
        self.assertEqual(sent(), sorted(["soft-admin", "soft-editor", "soft-principal",
                                         "soft-reviewer"] + ["soft-admin", "soft-principal",
                                                             "soft-reviewer"]))


class DemoTest(GuildhallTestCase):
    def test_the_demo_figures_are_exact(self):
        demo.seed(self.cast, "")
        demo.seed(self.cast, "")  # idempotent
        figures = queries.figures(self.soft, timezone.localdate().year)
        self.assertEqual(figures.sessions, 3)
        self.assertEqual(figures.hours, Decimal("4.5"))
        self.assertAlmostEqual(figures.participation, 0.8)
        self.assertEqual(len(figures.topics), 3)
        has_missed = timezone.localdate().month > 1
        self.assertEqual((figures.planned, figures.planned_held, figures.missed),
                         (4 + has_missed, 3, int(has_missed)))
        versions = list(queries.published_versions([self.soft.pk]))
        rates = queries.rates_by_version(versions)
        self.assertEqual(sorted(rates[v.pk].percent for v in versions), ["20.0%", "60.0%"])
        self.assertEqual(CodeVersion.objects.filter(organization=self.soft).count(), 4)

    def test_the_overview_standings_equal_a_recount_of_the_records(self):
        """`code_standings` (the overview's) counts the rates from pairs read apart: they
        equal `codes_below` and a recount, also once an acknowledger's account or
        membership is no longer active."""
        from guildhall.study.models import Acknowledgement

        demo.seed(self.cast, "")
        orgs = [self.soft.pk, self.cast.orgs["logi"].pk, self.cast.orgs["chem"].pk]

        def recount() -> dict[int, list[tuple]]:
            found: dict[int, list[tuple]] = {pk: [] for pk in orgs}
            for org_id in orgs:
                members = {m.user_id for m in Membership.objects.filter(organization_id=org_id)
                           if m.is_active and m.user.is_active}
                for v in CodeVersion.objects.filter(organization_id=org_id, status="published"):
                    readers = {a.user_id for a in Acknowledgement.objects.filter(version=v)}
                    found[org_id].append((v.code.title, v.number, v.effective_date,
                                          len(readers & members), len(members)))
                found[org_id].sort()
            return found

        def standings() -> dict[int, list[tuple]]:
            got = queries.code_standings(orgs)
            old = queries.codes_below(orgs)
            for org_id in orgs:  # the same order and figures as the versions' own query
                self.assertEqual(
                    [(c["title"], c["number"], c["rate"] and (c["rate"].acknowledged,
                                                            c["rate"].members))
                     for c in got[org_id]],
                    [(c["code"].title if c["code"] else c["title"],
                      c["version"].number if c["version"] else None,
                      c["rate"] and (c["rate"].acknowledged, c["rate"].members))
                     for c in old[org_id]])
            return {org_id: sorted((c["title"], c["number"], c["effective_date"],
                                    c["rate"].acknowledged, c["rate"].members)
                                   for c in got[org_id] if c["published"]) for org_id in orgs}

        self.assertEqual(standings(), recount())
        readers = list(Acknowledgement.objects.filter(version__organization=self.soft))
        self.assertGreaterEqual(len(readers), 2)
        readers[0].user.is_active = False
        readers[0].user.save(update_fields=["is_active"])
        self.assertEqual(standings(), recount())
        Membership.objects.filter(user_id=readers[1].user_id, organization=self.soft).update(
            is_active=False)
        self.assertEqual(standings(), recount())
        self.assertLess(sum(c[3] for c in standings()[self.soft.pk]),
                        len({(r.version_id, r.user_id) for r in readers}))

    def test_other_associations_and_sup2_see_nothing_of_soft(self):
        demo.seed(self.cast, "")
        session = self.soft.study_sessions.first()
        version = CodeVersion.objects.filter(organization=self.soft).first()
        for username in ("logi-principal", "sup2-admin", "chem-editor"):
            self.login(username)
            for url in (reverse("study:session_list", args=[self.soft.pk]),
                        reverse("study:session_detail", args=[self.soft.pk, session.pk]),
                        reverse("study:code_list", args=[self.soft.pk]),
                        reverse("study:version_detail", args=[self.soft.pk, version.pk])):
                self.assertEqual(self.client.get(url).status_code, 404, (username, url))
            api = self.api_client(username)
            self.assertEqual(api.get("/api/v1/study-sessions/", {"org": self.soft.pk}).json()["count"], 0)
            self.assertEqual(api.get("/api/v1/codes/", {"org": self.soft.pk}).json()["count"], 0)
            self.assertEqual(api.get(f"/api/v1/code-versions/{version.pk}").status_code, 404)


class ScaleTest(GuildhallTestCase):
    def test_scale_sessions_and_codes_belong_to_each_association(self):
        import random

        from guildhall.study import scale

        orgs = list(Organization.objects.filter(code__in=["soft", "logi"]))
        scale.seed_scale(orgs, years=2, rnd=random.Random(1), log=lambda message: None)
        for org in orgs:
            sessions = StudySession.objects.filter(organization=org)
            self.assertEqual(sessions.count(), 2 * scale.PER_YEAR)
            self.assertEqual(set(sessions.values_list("created_by__username", flat=True)),
                             {f"{org.code}-editor"})
            self.assertEqual(list(queries.published_versions([org.pk]).values_list(
                "code__organization_id", flat=True)), [org.pk])


class LibraryTest(GuildhallTestCase):
    demo_modules = ("study",)

    def titles(self, username, org, q=""):
        self.login(username)
        response = self.client.get(reverse("study:library", args=[org.pk]), {"q": q})
        if response.status_code != 200:
            return response.status_code
        return [m.title for m in response.context["page"]]

    def test_an_association_sees_its_own_and_its_supervisors_materials_marked_from_above(self):
        titles = self.titles("soft-staff", self.soft)
        self.assertEqual(len(titles), 4)
        self.login("soft-staff")
        page = self.client.get(reverse("study:library", args=[self.soft.pk])).content.decode()
        self.assertEqual(page.count("来自上级"), 2)
        self.assertEqual(self.titles("soft-staff", self.soft, "条例"), ["《社会组织登记管理条例》全文"])
        self.assertEqual(self.titles("soft-staff", self.soft, "视频"), ["行业自律公约解读（视频）"])
        # logi (a sibling) sees sup's materials but none of soft's; chem (under sup2) none.
        self.assertEqual(len(self.titles("logi-staff", self.logi)), 2)
        self.assertEqual(self.titles("logi-staff", self.soft), 404)
        self.assertEqual(self.titles("chem-staff", self.chem), [])
        self.assertEqual(self.titles("sup2-admin", self.soft), 404)
        # The supervisor sees the items it shared in its own library.
        self.assertEqual(len(self.titles("sup-viewer", self.sup)), 2)

    def test_a_material_from_above_and_its_file_open_below_but_not_elsewhere(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from guildhall.study.models import Material

        material = Material.objects.get(organization=self.sup, title__contains="登记管理条例")
        attachment = services.material_attach(
            actor=self.user("sup-admin"), material=material,
            upload=SimpleUploadedFile("条例.txt", "条例".encode(), content_type="text/plain"))
        detail = reverse("study:material_detail", args=[self.sup.pk, material.pk])
        download = reverse("study:material_attachment_download",
                           args=[self.sup.pk, material.pk, attachment.pk])
        for username, status in (("soft-staff", 200), ("logi-editor", 200), ("sup-viewer", 200),
                                 ("chem-staff", 404), ("sup2-admin", 404)):
            self.login(username)
            self.assertEqual(self.client.get(detail).status_code, status, username)
            self.assertEqual(self.client.get(download).status_code, status, username)
        self.login("soft-principal")  # an association cannot remove its supervisor's material
        self.assertEqual(self.client.post(reverse("study:material_delete", args=[
            self.sup.pk, material.pk])).status_code, 403)
        self.assertTrue(Material.objects.filter(pk=material.pk).exists())
        api = self.api_client("logi-staff").get(f"/api/v1/study-library/{self.logi.pk}").json()
        self.assertEqual(sorted(m["from_above"] for m in api["items"]), [True, True])


class ActivityTest(GuildhallTestCase):
    demo_modules = ("study",)

    def test_the_demo_essay_contest_with_its_results_is_seen_by_soft_and_sup_only(self):
        from guildhall.study.models import Activity

        contest = Activity.objects.get(organization=self.soft, kind="essay")
        self.assertEqual(contest.participants, 36)
        self.assertEqual([a.original_name for a in contest.attachments.all()], ["获奖作品名单.txt"])
        for username, status in (("soft-staff", 200), ("sup-viewer", 200), ("logi-principal", 404),
                                 ("sup2-admin", 404)):
            self.login(username)
            self.assertEqual(self.client.get(contest.get_absolute_url()).status_code, status, username)


class HomeTest(GuildhallTestCase):
    demo_modules = ("study",)

    def test_the_home_page_shows_the_year_and_the_codes_still_to_acknowledge(self):
        self.login("soft-staff")
        page = self.client.get(reverse("site:org_home", args=[self.soft.pk])).content.decode()
        self.assertIn("学习 3 次 · 共 4.5 小时 · 平均参学率 80.0%", page)
        self.assertIn("工作人员职业道德准则", page)  # staff acknowledged neither current version
        self.login("soft-principal")  # who acknowledged both
        page = self.client.get(reverse("site:org_home", args=[self.soft.pk])).content.decode()
        self.assertNotIn("阅读并确认知悉", page)
