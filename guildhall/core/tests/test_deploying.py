"""docs/deploying.md stays true to the code: the variables it sets are read by the
settings, the commands it runs exist, and its proxy limit is the application's."""

import re
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands
from django.test import SimpleTestCase

DOC = Path(settings.BASE_DIR) / "docs" / "deploying.md"
SETTINGS = Path(settings.BASE_DIR) / "guildhall" / "settings.py"
# Names in the document that are Django settings or shell variables, not the environment's.
NOT_ENVIRONMENT = {"REQUEST_MAX_SIZE", "SHA256SUMS"}


class DeployingDocTest(SimpleTestCase):
    def setUp(self):
        self.doc = DOC.read_text(encoding="utf-8")

    def test_every_variable_it_names_is_read_from_the_environment(self):
        source = SETTINGS.read_text(encoding="utf-8")
        named = set(re.findall(r"export ([A-Z][A-Z0-9_]+)=", self.doc))
        named |= set(re.findall(r"`\$?([A-Z][A-Z0-9]*_[A-Z0-9_]+)`", self.doc))
        named -= NOT_ENVIRONMENT
        self.assertGreater(len(named), 10)
        unread = sorted(n for n in named if f'"{n}"' not in source)
        self.assertEqual(unread, [])

    def test_every_command_it_runs_exists(self):
        commands = set(re.findall(r"(?:bin/|`)guildhall ([a-z_]+)", self.doc)) - {"migrate", "collectstatic",
                                                                     "check"}
        self.assertIn("verify_audit", commands)
        self.assertEqual(sorted(commands - set(get_commands())), [])

    def test_the_proxy_limit_is_the_applications(self):
        [size] = re.findall(r"client_max_body_size (\d+)m;", self.doc)
        self.assertEqual(int(size) * 1024 * 1024, settings.REQUEST_MAX_SIZE)
