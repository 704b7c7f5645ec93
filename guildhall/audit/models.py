from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


def canonical_json(data: dict[str, Any]) -> str:
    """Serialize `data` the one way every verifier will reproduce."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_hash(prev_hash: str, body: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(body)).encode("utf-8")).hexdigest()


# The values of a record that may name a person. The chain covers a salted commitment of
# each, not the value, so an erasure may mask them and the chain still verifies.
PERSONAL_FIELDS = ("actor_name", "ip_address", "before", "after")


def commitment(salt: str, field: str, value: Any) -> str:
    """Return the salted hash of one personal value, as the chain covers it."""
    return hashlib.sha256(f"{salt}:{field}:{canonical_json({'v': value})}".encode()).hexdigest()


def commitments_of(salt: str, values: dict[str, Any]) -> dict[str, str]:
    """Return the commitments of a record's personal values (field → salted hash)."""
    return {field: commitment(salt, field, value) for field, value in values.items()}


#: The keys of a format-2 record's hashed content (`AuditRecord.body`), as an export has them.
FORMAT2_BODY = ("created_at", "actor_id", "organization_id", "action", "object_type",
                "object_id", "request_id", "commitments")


class AuditRecord(models.Model):
    """One append-only, hash-chained record of a change of state.

    Two chains run through the table: the global one (`seq`, `prev_hash`, `hash`)
    covers every record; the organization's own (`org_seq`, `org_prev_hash`,
    `org_hash`) lets an export of one organization be verified on its own.

    The personal values (PERSONAL_FIELDS) are not hashed into the chain themselves: the
    chain covers `commitments`, a salted hash of each made with the record's `salt`.
    While the salt is there, the values are checked against their commitments; an
    erasure masks the values and removes the salt (the only change the PostgreSQL
    trigger lets through), and the erasure's own record lists the records it masked.
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
    # Empty once the personal values were masked by an erasure.
    salt = models.CharField(max_length=32, blank=True, default="")
    commitments = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["organization_id", "-seq"], name="audit_org_seq")]
        constraints = [
            models.UniqueConstraint(fields=["organization_id", "org_seq"], name="audit_unique_org_seq"),
        ]
        verbose_name = _("audit record")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    @property
    def masked(self) -> bool:
        return not self.salt

    def personal_values(self) -> dict[str, Any]:
        return {field: getattr(self, field) for field in PERSONAL_FIELDS}

    def commit_personal(self) -> None:
        """Give the record a new salt and the commitments of its personal values."""
        self.salt = secrets.token_hex(16)
        self.commitments = commitments_of(self.salt, self.personal_values())

    def personal_values_match(self) -> bool:
        """True when the values are those committed to (a masked record cannot say)."""
        return bool(self.salt) and self.commitments == commitments_of(
            self.salt, self.personal_values())

    def seal(self) -> None:
        """Commit the personal values and compute both chain hashes (prev hashes set)."""
        self.commit_personal()
        self.org_hash = self.compute_org_hash()
        self.hash = self.compute_hash()

    def body(self) -> dict[str, Any]:
        """Return the record's content as hashed (everything but the hashes): the
        personal values only through their commitments."""
        return {
            "created_at": self.created_at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "organization_id": self.organization_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "request_id": self.request_id,
            "commitments": self.commitments,
        }

    def compute_org_hash(self) -> str:
        return chain_hash(self.org_prev_hash, {**self.body(), "org_seq": self.org_seq})

    def compute_hash(self) -> str:
        return chain_hash(
            self.prev_hash,
            {**self.body(), "seq": self.seq, "org_seq": self.org_seq, "org_hash": self.org_hash},
        )
