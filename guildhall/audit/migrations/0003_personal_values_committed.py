"""Chain format 2: the chain covers salted commitments of the personal values, so an
erasure can mask them (docs/architecture.md, "Audit").

Existing records are re-written once, here: the format-1 chain is verified first (a
broken chain stops the migration, so no tampering is laundered), then every record gets
a salt and commitments and both chains are recomputed in `seq` order, and one record
"org.audit_reformatted" is appended with the old chain's head and count, so an export
taken before can be matched to the new chain. On PostgreSQL the append-only trigger is
dropped for the re-write and replaced, in the same transaction, by one that lets through
only an erasure's change (personal values and salt, the salt removed).
"""

import hashlib
import json

from django.db import migrations, models
from django.utils import timezone

GENESIS = "0" * 64
DROP = """
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditrecord;
DROP FUNCTION IF EXISTS audit_append_only();
"""
CHAINED = ("seq", "created_at", "actor_id", "organization_id", "action", "object_type",
           "object_id", "request_id", "org_seq", "org_prev_hash", "org_hash", "prev_hash",
           "hash", "commitments")
OLD_TRIGGER = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit records are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_auditrecord
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"""
NEW_TRIGGER = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.salt <> '' AND NEW.salt = ''
     AND (NEW_COLUMNS) IS NOT DISTINCT FROM (OLD_COLUMNS) THEN
    RETURN NEW;  -- an erasure: personal values masked, their salt removed
  END IF;
  RAISE EXCEPTION 'audit records are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_auditrecord
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
""".replace("NEW_COLUMNS", ", ".join(f"NEW.{c}" for c in CHAINED)).replace(
    "OLD_COLUMNS", ", ".join(f"OLD.{c}" for c in CHAINED))


def _canonical(data):
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _hash(prev, body):
    return hashlib.sha256((prev + _canonical(body)).encode("utf-8")).hexdigest()


def _format1_body(rec):
    """The content the format-1 chain hashed."""
    from guildhall.audit.services import FORMAT1_BODY

    body = {k: getattr(rec, k) for k in FORMAT1_BODY}
    return {**body, "created_at": rec.created_at.isoformat(timespec="microseconds")}


def _verify_format1(rows):
    prev, heads = GENESIS, {}
    for expected_seq, rec in enumerate(rows, start=1):
        org_seq, org_prev = heads.get(rec.organization_id, (0, GENESIS))
        body = _format1_body(rec)
        if (rec.seq != expected_seq or rec.prev_hash != prev or rec.org_seq != org_seq + 1
                or rec.org_prev_hash != org_prev
                or _hash(rec.org_prev_hash, {**body, "org_seq": rec.org_seq}) != rec.org_hash
                or _hash(rec.prev_hash, {**body, "seq": rec.seq, "org_seq": rec.org_seq,
                                         "org_hash": rec.org_hash}) != rec.hash):
            raise RuntimeError(f"audit chain broken at record #{expected_seq} (seq {rec.seq}); "
                               "run verify_audit and repair it before migrating")
        heads[rec.organization_id] = (rec.org_seq, rec.org_hash)
        prev = rec.hash


def reformat_chain(apps, schema_editor):
    """Re-write the format-1 chain as format 2 (see the module's text)."""
    from guildhall.audit.models import AuditRecord

    Stored = apps.get_model("audit", "AuditRecord")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(DROP, params=None)
    rows = list(Stored.objects.order_by("seq"))
    if rows and all(not r.salt for r in rows):
        _verify_format1(rows)
        format1_head = rows[-1].hash
        prev, heads, org_seqs = GENESIS, {}, {}
        fields = [f.attname for f in Stored._meta.concrete_fields]
        for rec in rows:
            current = AuditRecord(**{f: getattr(rec, f) for f in fields})
            current.org_prev_hash = heads.get(rec.organization_id, GENESIS)
            current.prev_hash = prev
            current.seal()
            for f in ("salt", "commitments", "org_prev_hash", "org_hash", "prev_hash", "hash"):
                setattr(rec, f, getattr(current, f))
            heads[rec.organization_id] = rec.org_hash
            org_seqs[rec.organization_id] = rec.org_seq
            prev = rec.hash
        # Unique hashes: clear them first, then write the new ones.
        Stored.objects.update(hash=models.F("id"))
        Stored.objects.bulk_update(rows, ["salt", "commitments", "org_prev_hash", "org_hash",
                                          "prev_hash", "hash"], batch_size=2000)
        note = AuditRecord(seq=rows[-1].seq + 1, prev_hash=prev, created_at=timezone.now(),
                       org_seq=org_seqs.get(None, 0) + 1, org_prev_hash=heads.get(None, GENESIS),
                       action="org.audit_reformatted",
                       after={"format": 2, "records": len(rows), "format1_head": format1_head})
        note.seal()
        Stored.objects.create(**{f: getattr(note, f) for f in fields if f != "id"})
    if postgres:
        schema_editor.execute(NEW_TRIGGER, params=None)


def back_to_format1_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP + OLD_TRIGGER, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_trigger'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditrecord',
            name='commitments',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name='auditrecord',
            name='salt',
            field=models.CharField(blank=True, default='', max_length=32),
        ),
        migrations.RunPython(reformat_chain, back_to_format1_trigger),
    ]
