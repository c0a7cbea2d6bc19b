"""Write to and verify the tamper-evident audit log. Every security-relevant event comes here."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditRecord

GENESIS = "0" * 64
# Keys that must never reach the log, whatever a caller passes in `data`.
SECRET_KEYS = {"password", "password1", "password2", "token", "key", "secret", "otp_token"}


def canonical(record: AuditRecord) -> bytes:
    """The bytes that a record's hash covers: its content and its predecessor's hash."""
    content = {
        "seq": record.seq,
        "at": record.at.isoformat(),
        "actor_id": record.actor_id,
        "actor_label": record.actor_label,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "ip_address": record.ip_address,
        "data": record.data,
        "prev_hash": record.prev_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _scrub(data: dict[str, Any]) -> dict[str, Any]:
    return {k: ("[removed]" if k.lower() in SECRET_KEYS else v) for k, v in data.items()}


@transaction.atomic
def log(
    obj: models.Model | None,
    action: str,
    *,
    actor=None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditRecord:
    """Append one record to the chain, in the caller's transaction."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # the migration creates it; this only serves a database built otherwise
        AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    actor = actor if getattr(actor, "pk", None) else None
    record = AuditRecord(
        seq=head.seq + 1,
        at=timezone.now(),
        actor=actor,
        actor_label=actor.get_username() if actor else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip_address=ip_address,
        data=json.loads(json.dumps(_scrub(data or {}), default=str)),
        prev_hash=head.hash,
    )
    record.hash = hashlib.sha256(canonical(record)).hexdigest()
    record.save(force_insert=True)
    head.seq, head.hash = record.seq, record.hash
    head.save(update_fields=["seq", "hash"])
    return record


@dataclass
class ChainBreak:
    seq: int
    reason: str


def verify_chain(batch_size: int = 5000) -> Iterator[ChainBreak]:
    """Walk the log in order and yield the first place where it no longer holds."""
    expected_seq, prev_hash = 1, GENESIS
    for record in AuditRecord.objects.order_by("seq").iterator(chunk_size=batch_size):
        if record.seq != expected_seq:
            yield ChainBreak(expected_seq, "record missing (sequence jumps to %d)" % record.seq)
            return
        if record.prev_hash != prev_hash:
            yield ChainBreak(record.seq, "does not follow the record before it (inserted?)")
            return
        if hashlib.sha256(canonical(record)).hexdigest() != record.hash:
            yield ChainBreak(record.seq, "content altered")
            return
        expected_seq, prev_hash = record.seq + 1, record.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and head.seq != expected_seq - 1:
        yield ChainBreak(expected_seq, "records removed from the end of the log")
