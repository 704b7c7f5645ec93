import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.test import TransactionTestCase

from guildhall.audit.models import AuditRecord
from guildhall.audit.services import (
    ERASURE_ACTION,
    export_organization,
    record,
    verify_chain,
    verify_export,
)
from guildhall.testing import GuildhallTestCase


def tamper(sql: str, params: list) -> None:
    """Change the table behind the application's back (on PostgreSQL past the trigger)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


class AuditChainTest(GuildhallTestCase):
    def setUp(self):
        self.admin = self.user("soft-admin")
        self.before = AuditRecord.objects.filter(organization_id=self.soft.pk).count()
        for i in range(6):
            record(actor=self.admin, action="test.change", organization=self.soft,
                   before={"n": i}, after={"n": i + 1, "note": "改动"})
        record(actor=self.admin, action="test.change", organization=self.logi, after={"x": 1})

    def verify_command(self, *args) -> str:
        out = StringIO()
        call_command("verify_audit", *args, stdout=out)
        return out.getvalue()

    def assertBroken(self, fragment: str, *args) -> None:
        with self.assertRaises(CommandError) as ctx:
            self.verify_command(*args)
        self.assertIn(fragment, str(ctx.exception))
        self.assertEqual(ctx.exception.returncode, 1)

    def test_an_intact_chain_verifies(self):
        self.assertIn("audit chain OK", self.verify_command())
        self.assertTrue(verify_chain().ok)

    def test_it_names_an_edited_record(self):
        target = AuditRecord.objects.filter(organization_id=self.soft.pk).order_by("seq")[2]
        tamper("UPDATE audit_auditrecord SET after = %s WHERE id = %s",
               [json.dumps({"n": 99}), target.pk])
        self.assertBroken(f"record #{target.seq} (id {target.pk}) was edited")

    def test_it_names_a_deleted_record(self):
        target = AuditRecord.objects.order_by("seq")[3]
        tamper("DELETE FROM audit_auditrecord WHERE id = %s", [target.pk])
        self.assertBroken(f"record #{target.seq} is missing")

    def test_it_names_an_inserted_record(self):
        last = AuditRecord.objects.order_by("-seq").first()
        forged = AuditRecord.objects.order_by("seq")[1]
        # A forged record copied into the middle: shift later records to make room.
        tamper("UPDATE audit_auditrecord SET seq = seq + 1000 WHERE seq >= %s", [3])
        tamper("UPDATE audit_auditrecord SET seq = seq - 999 WHERE seq >= 1003", [])
        tamper("INSERT INTO audit_auditrecord (seq, created_at, actor_id, actor_name, organization_id, "
               "action, object_type, object_id, before, after, request_id, ip_address, org_seq, "
               "org_prev_hash, org_hash, prev_hash, hash, salt, commitments) SELECT 3, created_at, "
               "actor_id, actor_name, organization_id, 'test.forged', object_type, object_id, "
               "before, after, request_id, ip_address, NULL, org_prev_hash, org_hash, prev_hash, "
               "%s, salt, commitments FROM audit_auditrecord "
               "WHERE id = %s", ["f" * 64, forged.pk])
        self.assertEqual(AuditRecord.objects.count(), last.seq + 1)
        self.assertBroken("record #3")

    def test_it_names_reordered_records(self):
        first, second = AuditRecord.objects.order_by("seq")[2:4]
        tamper("UPDATE audit_auditrecord SET seq = 999999 WHERE id = %s", [first.pk])
        tamper("UPDATE audit_auditrecord SET seq = %s WHERE id = %s", [first.seq, second.pk])
        tamper("UPDATE audit_auditrecord SET seq = %s WHERE id = %s", [second.seq, first.pk])
        self.assertBroken(f"record #{first.seq} (id {second.pk})")

    def test_an_export_verifies_without_the_database(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "soft.json"
            call_command("export_audit", "--org", "soft", "--out", str(path), stdout=StringIO())
            data = json.loads(path.read_text(encoding="utf-8"))
            self.assertEqual(data["checkpoint"]["count"], self.before + 6)
            self.assertTrue(all(r["organization_id"] == self.soft.pk for r in data["records"]))
            self.assertIn(f"{self.before + 6} records", self.verify_command("--file", str(path)))

            data["records"][1]["after"] = {"n": 42}
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            self.assertBroken("record 2 (org_seq 2", "--file", str(path))

    def test_an_export_detects_deletion_reordering_and_truncation(self):
        data = export_organization(self.soft.pk)
        deleted = {**data, "records": data["records"][:2] + data["records"][3:]}
        self.assertFalse(verify_export(deleted).ok)
        swapped = {**data, "records": [data["records"][1], data["records"][0]] + data["records"][2:]}
        self.assertFalse(verify_export(swapped).ok)
        truncated = {**data, "records": data["records"][:-1]}
        result = verify_export(truncated)
        self.assertFalse(result.ok)
        self.assertIn("checkpoint", result.problem)

    def test_records_of_one_organization_form_their_own_chain(self):
        soft_records = list(AuditRecord.objects.filter(organization_id=self.soft.pk).order_by("org_seq"))
        self.assertEqual([r.org_seq for r in soft_records], list(range(1, self.before + 7)))
        self.assertEqual(soft_records[1].org_prev_hash, soft_records[0].org_hash)

    def test_personal_data_is_stored_as_given_masked_by_services(self):
        from guildhall.lib.masking import mask_email, mask_middle

        self.assertEqual(mask_middle("13812345678", 3, 4), "138****5678")
        self.assertEqual(mask_email("zhangsan@example.cn"), "z******n@example.cn")


class AppendOnlyTriggerTest(TransactionTestCase):
    def test_postgresql_refuses_update_and_delete(self):
        if connection.vendor != "postgresql":
            self.skipTest("the append-only trigger exists on PostgreSQL only")
        entry = record(actor=None, action="test.trigger")
        for sql in ("UPDATE audit_auditrecord SET action = 'x' WHERE id = %s",
                    "DELETE FROM audit_auditrecord WHERE id = %s"):
            with self.assertRaises(DatabaseError), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(sql, [entry.pk])
        self.assertEqual(AuditRecord.objects.get(pk=entry.pk).action, "test.trigger")


class ConcurrentAppendTest(TransactionTestCase):
    def test_concurrent_writers_never_fork_the_chain(self):
        if connection.vendor != "postgresql":
            self.skipTest("SQLite serializes writers itself; row locks are tested on PostgreSQL")
        import threading

        from django.db import connections

        barrier = threading.Barrier(12)
        errors = []

        def write(n: int) -> None:
            try:
                barrier.wait()
                for i in range(5):
                    record(actor=None, action="test.concurrent", organization=None,
                           after={"writer": n, "i": i})
            except Exception as exc:  # collected and asserted below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=write, args=(n,)) for n in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(AuditRecord.objects.count(), 60)
        self.assertTrue(verify_chain().ok)


class PersonalValuesTest(GuildhallTestCase):
    """Chain format 2: the chain covers commitments of the personal values, so an erasure
    masks them and the chain still verifies (issue 15, PIPL)."""

    def setUp(self):
        self.admin = self.user("soft-admin")
        self.entry = record(actor=self.admin, action="member.add", organization=self.soft,
                            after={"user": "zhang-wei", "email": "zw@example.cn", "name": "张伟"})

    def test_an_edited_personal_value_is_found_while_its_salt_is_there(self):
        tamper("UPDATE audit_auditrecord SET actor_name = 'someone-else' WHERE id = %s",
               [self.entry.pk])
        result = verify_chain()
        self.assertFalse(result.ok)
        self.assertIn("personal values no longer match their commitments", result.problem)

    def test_a_masked_record_needs_an_erasure_naming_it(self):
        tamper("UPDATE audit_auditrecord SET salt = '', after = %s WHERE id = %s",
               [json.dumps({"user": "z*"}), self.entry.pk])
        result = verify_chain()
        self.assertFalse(result.ok)
        self.assertIn("no erasure record names it", result.problem)

    def test_an_erasure_masks_the_values_and_the_chain_still_verifies(self):
        from guildhall.audit.services import mask_personal_values

        masked = mask_personal_values(
            replacements={"张伟": "张*", "zw@example.cn": "z*@example.cn", "zhang-wei": "z*"},
            person_id=-1, scope=Q(organization_id=self.soft.pk), person_label="张*")
        self.assertEqual(masked, {self.soft.pk: [self.entry.seq]})
        self.assertFalse(verify_chain().ok)  # masked, and nothing names it yet
        record(actor=self.admin, action=ERASURE_ACTION, organization=self.soft,
               after={"person": "张*", "masked_records": masked[self.soft.pk]})
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.after, {"user": "z*", "email": "z*@example.cn", "name": "张*"})
        self.assertEqual(self.entry.salt, "")
        result = verify_chain()
        self.assertTrue(result.ok, result.problem)
        self.assertEqual(result.masked, 1)
        self.assertIn("1 with personal values masked", self._verify())
        data = export_organization(self.soft.pk)
        self.assertTrue(verify_export(data).ok)
        erasure = AuditRecord.objects.get(action="member.erase")
        self.assertEqual(erasure.after["masked_records"], [self.entry.seq])

    def _verify(self) -> str:
        out = StringIO()
        call_command("verify_audit", stdout=out)
        return out.getvalue()

    def test_postgresql_lets_through_only_an_erasure(self):
        if connection.vendor != "postgresql":
            self.skipTest("the append-only trigger exists on PostgreSQL only")
        refused = ("UPDATE audit_auditrecord SET actor_name = 'x' WHERE id = %s",  # salt kept
                   "UPDATE audit_auditrecord SET salt = '', action = 'x' WHERE id = %s",
                   "UPDATE audit_auditrecord SET salt = '', commitments = '{}' WHERE id = %s",
                   "DELETE FROM audit_auditrecord WHERE id = %s")
        for sql in refused:
            with self.assertRaises(DatabaseError, msg=sql), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(sql, [self.entry.pk])
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditrecord SET salt = '', actor_name = 'x' WHERE id = %s",
                           [self.entry.pk])
        self.entry.refresh_from_db()
        self.assertEqual((self.entry.salt, self.entry.actor_name), ("", "x"))


class _SchemaEditor:
    def __init__(self):
        self.connection = connection

    def execute(self, sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


class Format1MigrationTest(GuildhallTestCase):
    """The migration re-writes a format-1 chain once, after checking it."""

    def format1_chain(self, n: int) -> None:
        from importlib import import_module

        from django.utils import timezone

        mig = import_module("guildhall.audit.migrations.0003_personal_values_committed")
        tamper("DELETE FROM audit_auditrecord", [])
        prev, heads = mig.GENESIS, {}
        for seq in range(1, n + 1):
            org_id = self.soft.pk if seq % 2 else None
            org_seq, org_prev = heads.get(org_id, (0, mig.GENESIS))
            rec = AuditRecord(seq=seq, created_at=timezone.now(), actor_name="soft-admin",
                              organization_id=org_id, action="test.old", after={"n": seq},
                              org_seq=org_seq + 1, org_prev_hash=org_prev, prev_hash=prev)
            body = mig._format1_body(rec)
            rec.org_hash = mig._hash(org_prev, {**body, "org_seq": rec.org_seq})
            rec.hash = mig._hash(prev, {**body, "seq": seq, "org_seq": rec.org_seq,
                                        "org_hash": rec.org_hash})
            rec.save(force_insert=True)
            heads[org_id], prev = (rec.org_seq, rec.org_hash), rec.hash
        return mig

    def test_a_format1_chain_is_rewritten_and_verifies(self):
        from django.apps import apps

        mig = self.format1_chain(7)
        self.assertFalse(verify_chain().ok)  # format 1 does not verify as format 2
        old_head = AuditRecord.objects.get(seq=7).hash
        mig.reformat_chain(apps, _SchemaEditor())
        result = verify_chain()
        self.assertTrue(result.ok, result.problem)
        self.assertEqual(result.count, 8)
        note = AuditRecord.objects.get(seq=8)
        self.assertEqual(note.action, "org.audit_reformatted")
        self.assertEqual(note.after, {"format": 2, "records": 7, "format1_head": old_head})
        self.assertEqual(AuditRecord.objects.get(seq=3).after, {"n": 3})

    def test_a_broken_format1_chain_stops_the_migration(self):
        from django.apps import apps

        mig = self.format1_chain(4)
        tamper("UPDATE audit_auditrecord SET after = %s WHERE seq = 2", [json.dumps({"n": 9})])
        with self.assertRaisesRegex(RuntimeError, "broken at record #2"):
            mig.reformat_chain(apps, _SchemaEditor())


class Format1ExportTest(GuildhallTestCase):
    def test_an_export_written_before_format_2_still_verifies(self):
        from guildhall.audit.models import GENESIS, chain_hash
        from guildhall.audit.services import FORMAT1_BODY

        prev, records = GENESIS, []
        for n in (1, 2):
            rec = {"created_at": f"2026-01-0{n}T00:00:00.000000+00:00", "actor_id": 1,
                   "actor_name": "soft-admin", "organization_id": 2, "action": "test.old",
                   "object_type": "", "object_id": "", "before": None, "after": {"n": n},
                   "request_id": "", "ip_address": "", "org_seq": n, "org_prev_hash": prev,
                   "seq": n}
            rec["org_hash"] = chain_hash(prev, {**{k: rec[k] for k in FORMAT1_BODY},
                                                "org_seq": n})
            records.append(rec)
            prev = rec["org_hash"]
        data = {"format": "guildhall-audit-export/1", "records": records,
                "checkpoint": {"count": 2, "head": prev}}
        self.assertTrue(verify_export(data).ok)
        records[0]["after"] = {"n": 9}
        self.assertFalse(verify_export(data).ok)


class MaskOnlyThePersonTest(GuildhallTestCase):
    def test_a_user_name_that_begins_anothers_is_masked_only_where_it_is_the_whole_value(self):
        from guildhall.audit.services import mask_personal_values

        admin = self.user("soft-admin")
        theirs = record(actor=admin, action="member.add", organization=self.soft,
                        after={"user": "soft-reviewer"})
        other = record(actor=admin, action="member.add", organization=self.soft,
                       after={"user": "soft-reviewer2"})
        masked = mask_personal_values(replacements={}, whole={"soft-reviewer": "已离开的成员 #9"},
                                      person_id=-1, scope=Q(organization_id=self.soft.pk),
                                      person_label="已离开的成员 #9")
        self.assertEqual(masked, {self.soft.pk: [theirs.seq]})
        other.refresh_from_db()
        self.assertEqual((other.after, other.masked), ({"user": "soft-reviewer2"}, False))
