"""The production path with two app servers: two gunicorn servers on two ports against one
PostgreSQL and one Redis. A session made on one works on the other, a write on one is seen
on the other, a rule change is seen by both at once, and a reminder due once is sent once
when two job runners look for due reminders at the same moment."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone

from guildhall.events.models import Filing
from guildhall.events.tests.factories import make_filing
from guildhall.notifications.models import Notification
from guildhall.site.demo import seed

REDIS = os.environ.get("TWO_SERVERS_REDIS_URL", "redis://127.0.0.1:6379/13")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_up() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
        return True
    except Exception:
        return False


@pytest.mark.postgres
class TwoServersTest(TransactionTestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("the production path runs on PostgreSQL (CI runs the suite on both)")
        if not _redis_up():
            self.skipTest(f"no Redis at {REDIS}")
        import redis

        redis.Redis.from_url(REDIS).flushdb()
        self.cast = seed(modules=())
        self.sup, self.soft = self.cast.orgs["sup"], self.cast.orgs["soft"]
        # The servers run the production settings, which hash passwords with Argon2 only.
        from django.contrib.auth.hashers import Argon2PasswordHasher

        hasher = Argon2PasswordHasher()
        admin = self.cast.user("sup-admin")
        admin.password = hasher.encode("guildhall-demo", hasher.salt())
        admin.save(update_fields=["password"])
        var = tempfile.TemporaryDirectory(prefix="guildhall-two-servers-")
        self.addCleanup(var.cleanup)
        db = connection.settings_dict
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "guildhall.settings",
                    "GUILDHALL_VAR_DIR": var.name, "REDIS_URL": REDIS, "HTTPS": "false",
                    "SECOND_FACTOR": "off", "ALLOWED_HOSTS": "127.0.0.1",
                    "PYTHONPATH": str(Path(settings.BASE_DIR)),
                    "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
                                    f"{db['PORT'] or 5432}/{db['NAME']}"}
        # Static files once (it also writes the secret key both servers share).
        subprocess.run([sys.executable, "-m", "django", "collectstatic", "--noinput", "-v0"],
                       env=self.env, check=True, timeout=300)
        self.urls = [self._serve() for _ in range(2)]

    def _serve(self) -> str:
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "guildhall.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--timeout", "60"], env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(server.wait, 30)
        self.addCleanup(server.terminate)
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                requests.get(url + "/accounts/login/", timeout=20)
                return url
            except requests.RequestException:
                time.sleep(0.1)
        raise AssertionError(f"the server on {port} did not start")

    @staticmethod
    def _post(session: requests.Session, url: str, data: dict) -> requests.Response:
        page = session.get(url, timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return session.post(url, data={**data, "csrfmiddlewaretoken": token}, timeout=30,
                            headers={"Referer": url}, allow_redirects=False)

    def test_two_servers_share_sessions_writes_rules_and_send_a_reminder_once(self):
        a, b = self.urls
        browser = requests.Session()
        browser.headers["Accept-Language"] = "zh-hans"
        signed_in = self._post(browser, a + "/accounts/login/",
                               {"username": "sup-admin", "password": "guildhall-demo"})
        self.assertEqual(signed_in.status_code, 302)

        # The session made on A works on B.
        home = browser.get(f"{b}/o/{self.sup.pk}/", timeout=30, allow_redirects=False)
        self.assertEqual(home.status_code, 200)
        self.assertIn(self.sup.name, home.text)

        # Both have read the calendar; a schedule saved on A is seen on B at once.
        for url in (a, b):
            self.assertNotIn("2027</td><td>由主管单位管理员录入", browser.get(url + "/calendar/").text)
        saved = self._post(browser, a + "/calendar/", {"holidays": "2027-10-01 2027-10-04"})
        self.assertEqual(saved.status_code, 302)
        self.assertIn("2027</td><td>由主管单位管理员录入", browser.get(b + "/calendar/").text)

        # A rule changed on A holds on B at once: the decision deadline.
        rules = f"/o/{self.sup.pk}/events/rules/"
        form = browser.get(a + rules).text
        data = dict(re.findall(r'<input type="number" name="(\w+)" value="(\d+)"', form))
        data.update({"decision_days": "9", "require_signoff": "on"})
        self.assertEqual(self._post(browser, a + rules, data).status_code, 302)
        self.assertIn('name="decision_days" value="9"', browser.get(b + rules).text)

        # A reminder due once: two job runners look for due notices at the same moment.
        filing = make_filing(self.cast, self.soft, "submitted")
        Filing.objects.filter(pk=filing.pk).update(
            decision_due=timezone.localdate() - dt.timedelta(days=1))
        before = Notification.objects.count()
        runners = [subprocess.Popen([sys.executable, "-m", "django", "tick"], env=self.env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(2)]
        outputs = [runner.communicate(timeout=120)[0] for runner in runners]
        notes = Notification.objects.filter(pk__gt=0).count() - before
        self.assertGreater(notes, 0)
        keys = list(Notification.objects.values_list("recipient_id", "dedupe_key")
                    .filter(dedupe_key__isnull=False))
        self.assertEqual(len(keys), len(set(keys)))
        mails = sum(out.count("Subject: ") for out in outputs)
        self.assertEqual(mails, notes)  # each notice e-mailed once, by one of the two
