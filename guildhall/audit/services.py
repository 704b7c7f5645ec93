"""Append to and verify the audit chain."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from guildhall.audit.models import (
    FORMAT2_BODY,
    GENESIS,
    PERSONAL_FIELDS,
    AuditRecord,
    canonical_json,
    chain_hash,
    commitments_of,
)
from guildhall.core.request_context import current_request_meta
from guildhall.lib.masking import replace_in

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
        entry.seal()
        entry.save(force_insert=True)
        return entry


def record_refusal(*, user: Any, action: str, obj: Any = None) -> None:
    """Audit a refused permission, attributed to the object's organization when it has one."""
    organization = obj if getattr(obj, "_meta", None) and obj._meta.label_lower == "orgs.organization" \
        else getattr(obj, "organization", None)
    record(actor=user, action="permission.refused", organization=organization, obj=obj,
           after={"action": action})


ERASURE_ACTION = "member.erase"
#: What a record's hash covered before chain format 2 (migration audit/0003).
FORMAT1_BODY = ("created_at", "actor_id", "actor_name", "organization_id", "action",
                "object_type", "object_id", "before", "after", "request_id", "ip_address")


@dataclass
class VerifyResult:
    ok: bool
    count: int
    problem: str = ""
    seq: int | None = None
    masked: int = 0


def _erasure_list(action: str, after: Any) -> list[int]:
    """The records an erasure record says it masked."""
    if action != ERASURE_ACTION or not isinstance(after, dict):
        return []
    return [n for n in after.get("masked_records", []) if isinstance(n, int)]


def _check_masked(masked: list[int], allowed: set[int], count: int) -> VerifyResult:
    unexplained = [n for n in masked if n not in allowed]
    if unexplained:
        return VerifyResult(False, count, f"record #{unexplained[0]} has its personal values "
                            "masked, but no erasure record names it", unexplained[0])
    return VerifyResult(True, count, masked=len(masked))


def verify_chain() -> VerifyResult:
    """Check the whole global chain in the database, in `seq` order."""
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    org_heads: dict[Any, tuple[int, str]] = {}
    masked: list[int] = []
    allowed: set[int] = set()
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
        if rec.masked:
            masked.append(rec.seq)
        elif not rec.personal_values_match():
            return VerifyResult(False, count, f"record #{rec.seq} (id {rec.pk}) was edited: "
                                "its personal values no longer match their commitments", rec.seq)
        allowed.update(_erasure_list(rec.action, rec.after))
        org_heads[rec.organization_id] = (rec.org_seq, rec.org_hash)
        expected_prev = rec.hash
        expected_seq += 1
    return _check_masked(masked, allowed, count)


def export_organization(org_id: int | None) -> dict[str, Any]:
    """Return one organization's chain with a checkpoint, verifiable without the database."""
    records = []
    for rec in AuditRecord.objects.filter(organization_id=org_id).order_by("org_seq").iterator():
        records.append({**rec.body(), **rec.personal_values(), "salt": rec.salt,
                        "org_seq": rec.org_seq, "org_prev_hash": rec.org_prev_hash,
                        "org_hash": rec.org_hash, "seq": rec.seq})
    head = records[-1]["org_hash"] if records else GENESIS
    return {
        "format": "guildhall-audit-export/2",
        "organization_id": org_id,
        "exported_at": timezone.now().isoformat(),
        "records": records,
        "checkpoint": {"count": len(records), "head": head},
    }


def verify_export(data: dict[str, Any]) -> VerifyResult:
    """Verify an export file's chain and checkpoint (pure computation, no database).
    An export written before chain format 2 (`guildhall-audit-export/1`) hashed the
    personal values themselves and has no commitments to check."""
    format1 = data.get("format") == "guildhall-audit-export/1"
    body_keys = FORMAT1_BODY if format1 else FORMAT2_BODY
    prev = GENESIS
    records = data.get("records", [])
    masked: list[int] = []
    allowed: set[int] = set()
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
        salt = rec.get("salt") or ""
        if format1:
            pass
        elif not salt:
            masked.append(rec.get("seq"))
        elif rec.get("commitments") != commitments_of(salt, {f: rec.get(f) for f in PERSONAL_FIELDS}):
            return VerifyResult(False, index, f"{label} was edited: its personal values no "
                                "longer match their commitments", rec.get("seq"))
        allowed.update(_erasure_list(rec.get("action", ""), rec.get("after")))
        prev = rec["org_hash"]
    checkpoint = data.get("checkpoint", {})
    if checkpoint.get("count") != len(records) or checkpoint.get("head") != prev:
        return VerifyResult(False, len(records), "the checkpoint does not match the records "
                            "(records were added or removed at the end)")
    return _check_masked(masked, allowed, len(records))


def texts_in(fields: Iterable[str], texts: Iterable[str]) -> tuple[dict[str, Any], models.Q]:
    """The aliases and the filter that find any of `texts` in any of the columns `fields`,
    JSON columns included (stored with their characters escaped or not):
    `qs.alias(**aliases).filter(condition)`."""
    from django.db.models.functions import Cast

    aliases: dict[str, Any] = {}
    condition = models.Q(pk__in=[])
    for field in fields:
        name = f"_{field}_text"
        aliases[name] = Cast(field, models.TextField())
        for text in texts:
            # Latin letters in any case, as `lib.masking.replace_text` replaces them.
            condition |= models.Q(**{f"{name}__icontains": text})
            condition |= models.Q(**{f"{name}__icontains": json.dumps(text)[1:-1]})
    return aliases, condition


def mask_personal_values(*, replacements: dict[str, str], person_id: int, scope: models.Q,
                         person_label: str, whole: dict[str, str] | None = None
                         ) -> dict[Any, list[int]]:
    """Mask a person's values in the audit records of `scope` (and the records they made
    there): each string key of `replacements` found in a personal value is replaced by
    its masked form (a key of `whole` only where it is the whole value, as a user name
    that begins another's), the record's IP address too when the person acted, and the record's
    salt is removed, so its masked values are no longer compared with their
    commitments while the chain still verifies. Returns {organization id: [seq, …]}: the
    caller writes, in each organization concerned, an ERASURE_ACTION record naming them
    (`masked_records`), in the same transaction."""
    replacements = {k: v for k, v in replacements.items() if k}
    whole = {k: v for k, v in (whole or {}).items() if k}
    annotations, found = texts_in(PERSONAL_FIELDS, [*replacements, *whole])
    found |= models.Q(actor_id=person_id)
    masked: dict[Any, list[int]] = {}
    with transaction.atomic():
        candidates = AuditRecord.objects.filter(scope).exclude(salt="").alias(**annotations) \
            .filter(found).order_by("seq")
        for rec in candidates.iterator(chunk_size=500):
            values = {f: replace_in(v, replacements, whole)
                      for f, v in rec.personal_values().items()}
            if values == rec.personal_values() and rec.actor_id != person_id:
                continue  # found by the filter, but only inside another value
            if rec.actor_id == person_id:
                values["ip_address"] = "*" if rec.ip_address else ""
                values["actor_name"] = person_label
            AuditRecord.objects.filter(pk=rec.pk).update(salt="", **values)
            masked.setdefault(rec.organization_id, []).append(rec.seq)
    return masked
