from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


def canonical_json(data: dict[str, Any]) -> str:
    """Serialize `data` the one way every verifier will reproduce."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_hash(prev_hash: str, body: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(body)).encode("utf-8")).hexdigest()


class AuditRecord(models.Model):
    """One append-only, hash-chained record of a change of state.

    Two chains run through the table: the global one (`seq`, `prev_hash`, `hash`)
    covers every record; the organization's own (`org_seq`, `org_prev_hash`,
    `org_hash`) lets an export of one organization be verified on its own.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_name = models.CharField(max_length=150, blank=True)
    organization_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.CharField(max_length=64, blank=True)
    org_seq = models.PositiveBigIntegerField(null=True, blank=True)
    org_prev_hash = models.CharField(max_length=64, blank=True)
    org_hash = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["organization_id", "-seq"], name="audit_org_seq")]
        constraints = [
            models.UniqueConstraint(fields=["organization_id", "org_seq"], name="audit_unique_org_seq"),
        ]
        verbose_name = _("audit record")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def body(self) -> dict[str, Any]:
        """Return the record's content as hashed (everything but the hashes)."""
        return {
            "created_at": self.created_at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "organization_id": self.organization_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "before": self.before,
            "after": self.after,
            "request_id": self.request_id,
            "ip_address": self.ip_address,
        }

    def compute_org_hash(self) -> str:
        return chain_hash(self.org_prev_hash, {**self.body(), "org_seq": self.org_seq})

    def compute_hash(self) -> str:
        return chain_hash(
            self.prev_hash,
            {**self.body(), "seq": self.seq, "org_seq": self.org_seq, "org_hash": self.org_hash},
        )
