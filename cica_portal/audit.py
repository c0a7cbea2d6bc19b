"""Write to and verify the tamper-evident audit log. Every security-relevant event comes here.

The chain is keyed (HMAC-SHA256, keys outside the database: audit_keys.py) and its head is
anchored outside the database on a schedule (audit_anchors.py). Verifying checks both.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from . import audit_anchors, audit_keys
from .models import AuditChainHead, AuditRecord, User

GENESIS = "0" * 64
# Keys that must never reach the log, whatever a caller passes in `data`.
SECRET_KEYS = {"password", "password1", "password2", "token", "key", "secret", "otp_token"}


def canonical(record: AuditRecord) -> bytes:
    """The bytes that a record's HMAC covers: its content, its key's id, its predecessor's hash."""
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
        "key_id": record.key_id,
        "prev_hash": record.prev_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(record: AuditRecord) -> AuditRecord:
    """Set the record's key id and HMAC with the signing key (the keyring's first)."""
    record.key_id, key = audit_keys.signing_key()
    record.hash = audit_keys.mac(key, canonical(record))
    return record


def _scrub(data: dict[str, Any]) -> dict[str, Any]:
    return {k: ("[removed]" if k.lower() in SECRET_KEYS else v) for k, v in data.items()}


def hold_head() -> AuditChainHead:
    """The chain's head, locked until the caller's transaction ends (see `log` on lock order)."""
    head = AuditChainHead.objects.select_for_update(of=("self",)).filter(pk=1).first()
    if head is None:  # the migration creates it; this only serves a database built otherwise
        AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update(of=("self",)).get(pk=1)
    return head


def current_head() -> tuple[int, str]:
    """The chain's head as it stands, unlocked: its sequence number and hash, for a document
    to cite (anyone may then check that record in the log and the chain up to it)."""
    head = AuditChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
    return head or (0, "")


@transaction.atomic
def log(
    obj: models.Model | None,
    action: str,
    *,
    actor: User | None = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditRecord:
    """Append one record to the chain, in the caller's transaction: three queries (lock the
    head, insert, move the head).

    The head row must be the LAST lock a transaction takes. Every business transaction comes
    here, so one that held the head and then waited for another row (a share, an approval) would
    deadlock against one that holds that row and waits for the head. Take every
    select_for_update first, call this last, and lock nothing after it.
    """
    head = hold_head()
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
    sign(record)
    record.save(force_insert=True)
    head.seq, head.hash = record.seq, record.hash
    head.save(update_fields=["seq", "hash"])
    return record


@dataclass
class ChainBreak:
    seq: int
    reason: str
    anchor_line: int | None = None  # set when the anchor file itself does not hold

    def __str__(self) -> str:
        if self.anchor_line is not None:
            return f"Audit anchor file broken at line {self.anchor_line}: {self.reason}"
        return f"Audit log broken at record #{self.seq}: {self.reason}"


@dataclass
class Verification:
    anchor_file: Path
    problem: ChainBreak | None = None
    records: int = 0
    last_hash: str = GENESIS
    signed_by: Counter = field(default_factory=Counter)  # key id -> records it signed
    anchors: list[audit_anchors.Anchor] | None = None  # None: no anchor file yet

    @property
    def last_anchor(self) -> audit_anchors.Anchor | None:
        return max(self.anchors, key=lambda a: a.seq) if self.anchors else None


def verify(*, anchor_file: Path | str | None = None, batch_size: int = 5000) -> Verification:
    """Check every record's HMAC and link, the head, and the log against every anchor."""
    keys = audit_keys.keyring()
    result = Verification(anchor_file=Path(anchor_file or settings.AUDIT_ANCHOR_FILE))
    try:
        result.anchors = audit_anchors.read(result.anchor_file, keys)
    except audit_anchors.AnchorFileError as error:
        result.problem = ChainBreak(0, error.reason, anchor_line=error.line)
        return result
    anchored: dict[int, audit_anchors.Anchor] = {}
    for anchor in result.anchors or []:
        earlier = anchored.setdefault(anchor.seq, anchor)
        if not audit_keys.same(earlier.hash, anchor.hash):
            reason = f"record #{anchor.seq} anchored twice, differently (line {earlier.line})"
            result.problem = ChainBreak(anchor.seq, reason, anchor_line=anchor.line)
            return result
    result.problem = _walk(result, keys, anchored, batch_size) or _check_end(result)
    return result


def _walk(
    result: Verification, keys: dict[str, bytes], anchored: dict, batch_size: int
) -> ChainBreak | None:
    expected_seq, prev_hash = 1, GENESIS
    for record in AuditRecord.objects.order_by("seq").iterator(chunk_size=batch_size):
        if record.seq != expected_seq:
            return ChainBreak(expected_seq, "record missing (sequence jumps to %d)" % record.seq)
        if record.prev_hash != prev_hash:
            return ChainBreak(record.seq, "does not follow the record before it (inserted?)")
        key = keys.get(record.key_id)
        if key is None:
            reason = f"signed with key {record.key_id!r}, which is not in the keyring (AUDIT_KEYS)"
            return ChainBreak(record.seq, reason)
        if not audit_keys.same(audit_keys.mac(key, canonical(record)), record.hash):
            return ChainBreak(record.seq, "content altered (its HMAC does not match)")
        anchor = anchored.get(record.seq)
        if anchor and not audit_keys.same(anchor.hash, record.hash):
            reason = f"differs from the record anchored at {anchor.at} (rewritten)"
            return ChainBreak(record.seq, reason)
        result.records += 1
        result.signed_by[record.key_id] += 1
        expected_seq, prev_hash = record.seq + 1, record.hash
    result.last_hash = prev_hash
    return None


def _check_end(result: Verification) -> ChainBreak | None:
    last, last_hash = result.records, result.last_hash
    anchor = result.last_anchor
    if anchor and anchor.seq > last:
        reason = (
            f"records removed from the end of the log (truncated): it ends at #{last}, "
            f"but #{anchor.seq} was anchored at {anchor.at}"
        )
        return ChainBreak(last + 1, reason)
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return ChainBreak(last + 1, "the chain head is missing") if last else None
    if head.seq > last:
        reason = f"records removed from the end of the log (the head says #{head.seq})"
        return ChainBreak(last + 1, reason)
    if head.seq < last:
        reason = f"lies beyond the chain head, which says #{head.seq} (head moved back?)"
        return ChainBreak(head.seq + 1, reason)
    if head.hash != last_hash:
        return ChainBreak(last, "the chain head names another hash for the last record")
    return None


def verify_chain(batch_size: int = 5000) -> Iterator[ChainBreak]:
    """The first place where the log no longer holds, if any (see verify)."""
    problem = verify(batch_size=batch_size).problem
    if problem is not None:
        yield problem
