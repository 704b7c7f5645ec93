"""Append to and verify the audit chain."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from guildhall.audit.models import GENESIS, AuditRecord, canonical_json, chain_hash
from guildhall.core.request_context import current_request_meta

# Any constant works; it only has to be the same for every writer.
_PG_LOCK_KEY = 7_340_611


def _normalize(value: Any) -> Any:
    """Round-trip through canonical JSON so the stored value hashes the same when read back."""
    return None if value is None else json.loads(canonical_json(value))


def _object_ref(obj: Any) -> tuple[str, str]:
    if obj is None:
        return "", ""
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, str(obj.pk)
    return type(obj).__name__.lower(), ""


def record(
    *,
    actor: Any,
    action: str,
    organization: Any = None,
    obj: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one record to both chains, inside the caller's transaction."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        org_id = organization if isinstance(organization, int) or organization is None else organization.pk
        meta = current_request_meta()
        object_type, object_id = _object_ref(obj)
        last = AuditRecord.objects.order_by("-seq").only("seq", "hash").first()
        last_org = (
            AuditRecord.objects.filter(organization_id=org_id)
            .order_by("-org_seq")
            .only("org_seq", "org_hash")
            .first()
        )
        authenticated = actor is not None and getattr(actor, "is_authenticated", False)
        entry = AuditRecord(
            seq=(last.seq + 1) if last else 1,
            prev_hash=last.hash if last else GENESIS,
            org_seq=(last_org.org_seq + 1) if last_org else 1,
            org_prev_hash=last_org.org_hash if last_org else GENESIS,
            created_at=timezone.now(),
            actor_id=actor.pk if authenticated else None,
            actor_name=actor.get_username() if authenticated else "",
            organization_id=org_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            before=_normalize(before),
            after=_normalize(after),
            request_id=meta.get("request_id", ""),
            ip_address=meta.get("ip_address", ""),
        )
        entry.org_hash = entry.compute_org_hash()
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
        return entry


def record_refusal(*, user: Any, action: str, obj: Any = None) -> None:
    """Audit a refused permission, attributed to the object's organization when it has one."""
    organization = obj if getattr(obj, "_meta", None) and obj._meta.label_lower == "orgs.organization" \
        else getattr(obj, "organization", None)
    record(actor=user, action="permission.refused", organization=organization, obj=obj,
           after={"action": action})


@dataclass
class VerifyResult:
    ok: bool
    count: int
    problem: str = ""
    seq: int | None = None


def verify_chain() -> VerifyResult:
    """Check the whole global chain in the database, in `seq` order."""
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    org_heads: dict[Any, tuple[int, str]] = {}
    for rec in AuditRecord.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if rec.seq != expected_seq:
            return VerifyResult(False, count, f"record #{expected_seq} is missing or out of order "
                                f"(found #{rec.seq}, id {rec.pk})", rec.seq)
        if rec.prev_hash != expected_prev:
            return VerifyResult(False, count, f"record #{rec.seq} (id {rec.pk}) does not follow "
                                "the record before it (deleted, inserted or reordered)", rec.seq)
        last_org_seq, last_org_hash = org_heads.get(rec.organization_id, (0, GENESIS))
        if rec.org_seq != last_org_seq + 1 or rec.org_prev_hash != last_org_hash:
            return VerifyResult(False, count, f"record #{rec.seq} (id {rec.pk}) breaks its "
                                "organization's chain", rec.seq)
        if rec.compute_org_hash() != rec.org_hash or rec.compute_hash() != rec.hash:
            return VerifyResult(False, count, f"record #{rec.seq} (id {rec.pk}) was edited: "
                                "its content no longer matches its hash", rec.seq)
        org_heads[rec.organization_id] = (rec.org_seq, rec.org_hash)
        expected_prev = rec.hash
        expected_seq += 1
    return VerifyResult(True, count)


def export_organization(org_id: int | None) -> dict[str, Any]:
    """Return one organization's chain with a checkpoint, verifiable without the database."""
    records = []
    for rec in AuditRecord.objects.filter(organization_id=org_id).order_by("org_seq").iterator():
        records.append({**rec.body(), "org_seq": rec.org_seq, "org_prev_hash": rec.org_prev_hash,
                        "org_hash": rec.org_hash, "seq": rec.seq})
    head = records[-1]["org_hash"] if records else GENESIS
    return {
        "format": "guildhall-audit-export/1",
        "organization_id": org_id,
        "exported_at": timezone.now().isoformat(),
        "records": records,
        "checkpoint": {"count": len(records), "head": head},
    }


def verify_export(data: dict[str, Any]) -> VerifyResult:
    """Verify an export file's chain and checkpoint (pure computation, no database)."""
    body_keys = ("created_at", "actor_id", "actor_name", "organization_id", "action", "object_type",
                 "object_id", "before", "after", "request_id", "ip_address")
    prev = GENESIS
    records = data.get("records", [])
    for index, rec in enumerate(records, start=1):
        label = f"record {index} (org_seq {rec.get('org_seq')}, seq {rec.get('seq')})"
        if rec.get("org_seq") != index:
            return VerifyResult(False, index, f"{label} is missing or out of order", rec.get("seq"))
        if rec.get("org_prev_hash") != prev:
            return VerifyResult(False, index, f"{label} does not follow the record before it",
                                rec.get("seq"))
        body = {k: rec.get(k) for k in body_keys}
        if chain_hash(prev, {**body, "org_seq": rec["org_seq"]}) != rec.get("org_hash"):
            return VerifyResult(False, index, f"{label} was edited: its content no longer "
                                "matches its hash", rec.get("seq"))
        prev = rec["org_hash"]
    checkpoint = data.get("checkpoint", {})
    if checkpoint.get("count") != len(records) or checkpoint.get("head") != prev:
        return VerifyResult(False, len(records), "the checkpoint does not match the records "
                            "(records were added or removed at the end)")
    return VerifyResult(True, len(records))
