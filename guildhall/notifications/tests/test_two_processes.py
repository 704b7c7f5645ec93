"""Two server processes without Redis agree on a holiday schedule the moment it is saved.

Each process is a real Django process with the production settings and its own memory;
they share only what a deployment without Redis shares: the database and the var folder.
Each one serves the calendar page through Django's request handling.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

WORKER = r"""
import json, sys
import django
django.setup()
from django.conf import settings
# Static files are not collected in the test's var folder; the page needs only their names.
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
from django.test import Client
from django.contrib.auth import get_user_model
from guildhall.notifications import calendar
import datetime as dt

client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
client.force_login(get_user_model().objects.get(username="sup-admin"))
for line in sys.stdin:
    command, _, argument = line.strip().partition(" ")
    if command == "show":
        response = client.get("/calendar/")
        assert response.status_code == 200, (response.status_code, response.get("Location"))
        page = response.content.decode()
        row = page.split("<td>" + argument + "</td>", 1)[1].split("</tr>", 1)[0]
        answer = {"entered": "由主管单位管理员录入" in row,
                  "holiday": not calendar.is_working_day(dt.date.fromisoformat(argument + "-10-04"))}
    elif command == "save":
        response = client.post("/calendar/", {"holidays": argument, "workdays": ""})
        answer = {"status": response.status_code}
    print(json.dumps(answer), flush=True)
"""

SEED = r"""
import django
django.setup()
from django.contrib.auth.hashers import make_password
from guildhall.orgs.demo import seed_cast
seed_cast(make_password("guildhall-demo"))
"""


class TwoProcessesTest(SimpleTestCase):
    def setUp(self) -> None:
        self.var = tempfile.TemporaryDirectory(prefix="guildhall-two-processes-")
        self.env = {**os.environ, "GUILDHALL_VAR_DIR": self.var.name,
                    "DJANGO_SETTINGS_MODULE": "guildhall.settings", "HTTPS": "false",
                    "SECOND_FACTOR": "off", "ALLOWED_HOSTS": "testserver",
                    "PYTHONPATH": str(Path(settings.BASE_DIR))}
        self.env.pop("DATABASE_URL", None)
        self.env.pop("REDIS_URL", None)
        self.addCleanup(self.var.cleanup)
        guildhall = [sys.executable, "-m", "django"]
        subprocess.run([*guildhall, "migrate", "-v0"], env=self.env, check=True, timeout=180)
        subprocess.run([sys.executable, "-c", SEED], env=self.env, check=True, timeout=120)

    def _start(self) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", WORKER], env=self.env, text=True,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.addCleanup(process.kill)
        return process

    @staticmethod
    def _ask(process: subprocess.Popen, line: str) -> dict:
        process.stdin.write(line + "\n")
        process.stdin.flush()
        return json.loads(process.stdout.readline())

    def test_a_schedule_saved_in_one_process_is_seen_by_the_other_at_once(self) -> None:
        first, second = self._start(), self._start()
        # Both have read (and cached) the calendar before the schedule exists.
        for process in (first, second):
            self.assertEqual(self._ask(process, "show 2027"), {"entered": False, "holiday": False})
        self.assertEqual(self._ask(first, "save 2027-10-01 2027-10-04"), {"status": 302})
        self.assertEqual(self._ask(second, "show 2027"), {"entered": True, "holiday": True})
        self.assertEqual(self._ask(first, "show 2027"), {"entered": True, "holiday": True})
