"""Every action code written anywhere in the code base has a translated name."""

from __future__ import annotations

import textwrap
from pathlib import Path

from django.test import SimpleTestCase
from django.utils import translation

from guildhall.audit.actions import ACTIONS, GROUPS, action_choices, action_label
from guildhall.audit.tests import emitted


class ActionLabelTest(SimpleTestCase):
    def test_every_emitted_action_has_a_label(self):
        found = emitted.collect()
        self.assertEqual(found.unresolved, [], "actions the collector cannot follow: give "
                         "them literal codes, or teach audit/tests/emitted.py the new way")
        self.assertGreater(len(found.codes), 100)  # it did read the code base
        missing = {code: sorted(where) for code, where in found.codes.items() if code not in ACTIONS}
        self.assertEqual(missing, {}, "add these codes to guildhall/audit/actions.py ACTIONS")

    def test_no_label_is_left_for_an_action_nothing_writes(self):
        self.assertEqual(set(ACTIONS) - set(emitted.collect().codes), set())

    def test_every_action_belongs_to_a_part_of_the_trail_and_reads_in_chinese(self):
        with translation.override("zh-hans"):
            for code in ACTIONS:
                self.assertIn(code.split(".", 1)[0], GROUPS, code)
                label = action_label(code)
                self.assertTrue(any("\u4e00" <= ch <= "\u9fff" for ch in label), (code, label))
            self.assertEqual(action_label("member.set_role"), "修改成员角色")
            listed = [c for _, options in action_choices() for c, _ in options]
            self.assertTrue(set(ACTIONS) <= set(listed))
            self.assertIn("member.", listed)  # a whole part of the trail at once

    def test_the_collector_follows_helpers_and_reports_what_it_cannot(self):
        source = textwrap.dedent('''
            def _audit(actor, action, obj):
                record(actor=actor, action=f"demo.thing.{action}", obj=obj)

            def thing_close(actor, thing, reason=None):
                _audit(actor, "close", thing)
                _audit(actor, "reopen" if reason else "keep", thing)

            def _decide(*, actor, action):
                decide(actor=actor, audit_action=f"demo.thing.{action}")

            def approve(actor):
                _decide(actor=actor, action="approve")

            def mystery(actor):
                record(actor=actor, action=compute_code())
        ''')
        path = Path(self.enterContext(_tmpdir())) / "services.py"
        path.write_text(source, encoding="utf-8")
        found = emitted.Emitted()
        emitted.collect_file(path, found)
        self.assertEqual(set(found.codes), {"demo.thing.close", "demo.thing.reopen",
                                            "demo.thing.keep", "demo.thing.approve"})
        self.assertEqual(len(found.unresolved), 1)
        self.assertIn("compute_code()", found.unresolved[0])

    def test_the_collector_follows_the_kits_audit_helpers(self):
        source = textwrap.dedent('''
            _audit = auditor("demo.thing")

            def thing_close(actor, thing, reason=None):
                _audit(actor, "close", thing, before={"open": True})
                _audit(actor, action="reopen" if reason else "keep", obj=thing)

            def mystery(actor, thing):
                _audit(actor, compute_code(), thing)
        ''')
        path = Path(self.enterContext(_tmpdir())) / "services.py"
        path.write_text(source, encoding="utf-8")
        found = emitted.Emitted()
        emitted.collect_file(path, found)
        self.assertEqual(set(found.codes), {"demo.thing.close", "demo.thing.reopen",
                                            "demo.thing.keep"})
        self.assertEqual(len(found.unresolved), 1)
        self.assertIn("compute_code()", found.unresolved[0])


def _tmpdir():
    import tempfile

    return tempfile.TemporaryDirectory()
