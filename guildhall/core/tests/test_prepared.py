"""`core.prepared.Prepared`: the same answers as the queryset, the SQL built once, and a
refusal (not a wrong answer) for what it cannot keep."""

import datetime as dt
from unittest import mock

from django.db import connection
from django.db.models import Count, F, Value
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guildhall.core.prepared import Prepared
from guildhall.notifications.models import Notification
from guildhall.orgs.models import Membership, Organization
from guildhall.testing import GuildhallTestCase


def memberships(org_id, role):
    # `fixed` is a constant equal to the first stand-in of `org_id`: it stays a constant.
    return Membership.objects.filter(organization_id=org_id, role=role, is_active=True).select_related(
        "user", "organization").only("role", "user__username", "organization__name").annotate(
        where=F("organization__short_name"), fixed=Value(21001)).order_by("user__username", "pk")


def notices(user_id, since, day):
    return Notification.objects.filter(recipient_id=user_id, created_at__gte=since,
                                       created_at__date__gte=day).order_by("-created_at", "-pk")


class PreparedTest(GuildhallTestCase):
    def test_it_answers_what_the_queryset_answers_for_every_value(self):
        query = Prepared(memberships)
        for org in Organization.objects.all():
            for role in ("admin", "editor", "reviewer", "viewer", "nobody"):
                expected = list(memberships(org.pk, role))
                found = query(org_id=org.pk, role=role)
                self.assertEqual([m.pk for m in found], [m.pk for m in expected], (org, role))
                for got, want in zip(found, expected, strict=True):
                    self.assertEqual((got.role, got.user.username, got.organization.name, got.where,
                                      got.fixed), (want.role, want.user.username,
                                                   want.organization.name, want.where, 21001))
                    self.assertEqual(got.get_deferred_fields(), want.get_deferred_fields())

    def test_dates_and_moments_and_values_rows(self):
        user = self.user("soft-editor")
        for days in (0, 1, 3, 400):
            Notification.objects.create(recipient=user, subject=f"s{days}", body="b")
            Notification.objects.filter(subject=f"s{days}").update(
                created_at=timezone.now() - dt.timedelta(days=days))
        query = Prepared(notices)
        rows = Prepared(lambda user_id, since, day: notices(user_id, since, day).values(
            "subject", n=Count("pk")))
        for since_days, day_days in ((2, 10), (500, 2), (0, 0), (500, 500)):
            since = timezone.now() - dt.timedelta(days=since_days)
            day = timezone.localdate() - dt.timedelta(days=day_days)
            expected = notices(user.pk, since, day)
            self.assertEqual([n.pk for n in query(user_id=user.pk, since=since, day=day)],
                             [n.pk for n in expected])
            self.assertEqual(rows(user_id=user.pk, since=since, day=day),
                             list(expected.values("subject", n=Count("pk"))))

    def test_the_sql_is_built_once_and_each_call_is_one_query(self):
        query = Prepared(memberships)
        query(org_id=self.soft.pk, role="admin")
        with mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError("built again")):
            with CaptureQueriesContext(connection) as queries:
                found = query(org_id=self.soft.pk, role="editor")
        self.assertEqual(len(queries), 1)
        self.assertEqual([m.user.username for m in found],
                         [m.user.username for m in memberships(self.soft.pk, "editor")])

    def test_what_it_cannot_keep_is_refused_when_first_built(self):
        cases = [
            (lambda name: Organization.objects.filter(name=name + "x"), {"name": "软"}),
            (lambda name: Organization.objects.filter(name=name.lower()), {"name": "软"}),
            (lambda name: Organization.objects.filter(name=name.strip()), {"name": "软"}),
            # One argument computed into another's place (a step apart), a day's month.
            (lambda a, b: Organization.objects.filter(pk__gte=a, pk__lt=a + 2, parent_id=b),
             {"a": 1, "b": 2}),
            (lambda a, b: Organization.objects.filter(pk__gte=a, pk__lt=a * 2, parent_id=b),
             {"a": 1, "b": 2}),
            (lambda d, e: Notification.objects.filter(created_at__date__gte=d,
                                                      created_at__date__lt=d + dt.timedelta(1),
                                                      read_at__date=e),
             {"d": dt.date(2026, 1, 1), "e": dt.date(2026, 1, 2)}),
            (lambda d: Notification.objects.filter(created_at__date__gte=d.replace(day=1),
                                                   created_at__date__lte=d),
             {"d": dt.date(2026, 1, 9)}),
            (lambda org_id: Organization.objects.filter(pk=1), {"org_id": 1}),
            (lambda org_id: Organization.objects.filter(pk=org_id).values_list("pk"), {"org_id": 1}),
            (lambda org_id: Organization.objects.filter(pk=org_id + 1), {"org_id": 1}),
            (lambda active: Organization.objects.filter(is_active=active), {"active": True}),
            (lambda day: Organization.objects.filter(created_at__gte=day), {
                "day": dt.datetime(2026, 1, 1)}),  # noqa: DTZ001 - a naive moment, refused
        ]
        for build, values in cases:
            with self.subTest(values=values), self.assertRaises((TypeError, ValueError)):
                Prepared(build)(**values)

    def test_patterns_take_the_value_escaped(self):
        query = Prepared(lambda path, name: Organization.objects.filter(
            path__startswith=path, name__contains=name).order_by("pk"))
        sup = Organization.objects.filter(kind=Organization.Kind.SUPERVISOR).first()
        for path, name in ((sup.path, ""), (sup.path, "协会"), ("/", "软件"), ("%", ""), ("_", ""),
                           (sup.path + "%", ""), ("", "%"), ("", "_"), ("", "\\")):
            expected = list(Organization.objects.filter(path__startswith=path, name__contains=name)
                            .order_by("pk").values_list("pk", flat=True))
            self.assertEqual([o.pk for o in query(path=path, name=name)], expected, (path, name))
        self.assertTrue(query(path=sup.path, name=""))

    def test_iexact_takes_the_value_escaped(self):
        query = Prepared(lambda name: Organization.objects.filter(name__iexact=name).order_by("pk"))
        name = self.soft.name
        Organization.objects.filter(pk=self.soft.pk).update(name="a_c%d")
        for value in ("A_C%D", "abc%d", "a_cxd", "a_c%d", name):
            self.assertEqual([o.pk for o in query(name=value)],
                             [o.pk for o in Organization.objects.filter(name__iexact=value)], value)

    def test_a_naive_moment_is_refused_on_every_call(self):
        query = Prepared(lambda since: Notification.objects.filter(created_at__gte=since))
        query(since=timezone.now())
        with self.assertRaises(TypeError):
            query(since=dt.datetime(2026, 1, 1))  # noqa: DTZ001 - naive, refused

    def test_built_again_in_another_time_zone(self):
        user = self.user("soft-editor")
        Notification.objects.create(recipient=user, subject="s", body="b")
        # 23:30 UTC is the next day in Shanghai.
        Notification.objects.filter(subject="s").update(
            created_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))
        query = Prepared(lambda user_id, day: Notification.objects.filter(
            recipient_id=user_id, created_at__date=day))
        for zone, day in (("Asia/Shanghai", dt.date(2026, 3, 2)), ("UTC", dt.date(2026, 3, 1))):
            with timezone.override(zone):
                self.assertEqual(len(query(user_id=user.pk, day=day)), 1, zone)
                self.assertEqual(len(query(user_id=user.pk, day=day + dt.timedelta(1))), 0, zone)

    def test_an_argument_keeps_its_type_and_its_name(self):
        query = Prepared(lambda org_id: Organization.objects.filter(pk=org_id))
        self.assertEqual([o.pk for o in query(org_id=self.soft.pk)], [self.soft.pk])
        with self.assertRaises(TypeError):
            query(org_id=str(self.soft.pk))
        with self.assertRaises(TypeError):
            query(org=self.soft.pk)
