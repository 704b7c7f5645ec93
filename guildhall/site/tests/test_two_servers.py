"""The production path with two app servers: two gunicorn servers on two ports against one
PostgreSQL and one Redis. A session made on one works on the other, a write on one is seen
on the other, a rule change is seen by both at once, and a reminder due once is sent once
when two job runners look for due reminders at the same moment."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone

from guildhall.events.models import Filing
from guildhall.events.tests.factories import make_filing
from guildhall.notifications.models import Notification
from guildhall.site.demo import seed
from guildhall.testing.servers import (
    REDIS,
    Servers,
    argon2_password,
    post_form,
    redis_up,
    signed_in,
)


@pytest.mark.postgres
class TwoServersTest(TransactionTestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("the production path runs on PostgreSQL (CI runs the suite on both)")
        if not redis_up():
            self.skipTest(f"no Redis at {REDIS}")
        self.cast = seed(modules=())
        self.sup, self.soft = self.cast.orgs["sup"], self.cast.orgs["soft"]
        argon2_password(self.cast.user("sup-admin"))
        self.servers = Servers(self.addCleanup)
        self.urls = [self.servers.serve()[0] for _ in range(2)]

    def test_two_servers_share_sessions_writes_rules_and_send_a_reminder_once(self):
        a, b = self.urls
        browser = signed_in(a, "sup-admin")

        # The session made on A works on B.
        home = browser.get(f"{b}/o/{self.sup.pk}/", timeout=30, allow_redirects=False)
        self.assertEqual(home.status_code, 200)
        self.assertIn(self.sup.name, home.text)

        # Both have read the calendar; a schedule saved on A is seen on B at once.
        for url in (a, b):
            self.assertNotIn("2027</td><td>由主管单位管理员录入", browser.get(url + "/calendar/").text)
        saved = post_form(browser, a + "/calendar/", {"holidays": "2027-10-01 2027-10-04"})
        self.assertEqual(saved.status_code, 302)
        self.assertIn("2027</td><td>由主管单位管理员录入", browser.get(b + "/calendar/").text)

        # A rule changed on A holds on B at once: the decision deadline.
        rules = f"/o/{self.sup.pk}/events/rules/"
        form = browser.get(a + rules).text
        data = dict(re.findall(r'<input type="number" name="(\w+)" value="(\d+)"', form))
        data.update({"decision_days": "9", "require_signoff": "on"})
        self.assertEqual(post_form(browser, a + rules, data).status_code, 302)
        self.assertIn('name="decision_days" value="9"', browser.get(b + rules).text)

        # A reminder due once: two job runners look for due notices at the same moment.
        filing = make_filing(self.cast, self.soft, "submitted")
        Filing.objects.filter(pk=filing.pk).update(
            decision_due=timezone.localdate() - dt.timedelta(days=1))
        before = Notification.objects.count()
        runners = [self.servers.run("tick") for _ in range(2)]
        outputs = [runner.communicate(timeout=120)[0] for runner in runners]
        notes = Notification.objects.filter(pk__gt=0).count() - before
        self.assertGreater(notes, 0)
        keys = list(Notification.objects.values_list("recipient_id", "dedupe_key")
                    .filter(dedupe_key__isnull=False))
        self.assertEqual(len(keys), len(set(keys)))
        mails = sum(out.count("Subject: ") for out in outputs)
        self.assertEqual(mails, notes)  # each notice e-mailed once, by one of the two
