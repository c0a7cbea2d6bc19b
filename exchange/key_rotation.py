"""Rotation of the shares' master key: every data key re-wrapped under the newest master key.

A service of its own (one action, batches of one transaction each) kept out of services.py: it
touches only the wrapped data keys and the keyed hashes of document numbers, never a share's
status, rights or consent; the content itself is not re-encrypted (its data key is unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from cica_portal import audit, envelope

from . import audit_actions
from .document_selectors import skeleton_value
from .models import DocumentNotice, Share
from .validation import document_key

BATCH = 500


@dataclass
class Rotated:
    rewrapped: int = 0
    rehashed: int = 0
    current: int = 0


def _rotate_one(share: Share, counts: Rotated) -> None:
    fields = []
    wrapped = envelope.rewrap(share.data_key) if share.data_key else None
    if wrapped is not None:
        share.data_key = wrapped
        fields.append("data_key")
    stored = share.document_number_normalised
    if stored and envelope.key_id_of(stored) != envelope.newest_id():
        number = share.content.get("document_number")
        share.document_number_normalised = document_key(number)
        fields.append("document_number_normalised")
        # Its notice (if released) is looked up by the same keys: re-hashed with it.
        DocumentNotice.objects.filter(share_id=share.pk).update(
            number_key=share.document_number_normalised,
            skeleton_key=envelope.keyed_hash(skeleton_value(number or "")),
        )
    if fields:
        # A queryset update: the share's `updated_at` (its place in every list) stays.
        Share.objects.filter(pk=share.pk).update(**{name: getattr(share, name) for name in fields})
    counts.rewrapped += "data_key" in fields
    counts.rehashed += "document_number_normalised" in fields
    counts.current += not fields


def rotate_share_keys() -> Rotated:
    """Re-wrap every data key (and re-hash every document number) under the newest master key.

    Idempotent: a second run finds every share current. Each batch locks its rows, so an edit
    running meanwhile is neither lost nor left under the old key."""
    counts = Rotated()
    newest = envelope.newest_id()
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                Share.objects.select_for_update(of=("self",), no_key=True)
                .filter(pk__gt=last_pk)
                .order_by("pk")
                .only("pk", "data_key", "sealed_content", "document_number_normalised", "tlp")[
                    :BATCH
                ]
            )
            for share in batch:
                _rotate_one(share, counts)
        if not batch:
            break
        last_pk = batch[-1].pk
    with transaction.atomic():
        audit.log(
            None,
            audit_actions.SHARE_KEYS_ROTATED,
            data={"master_key_id": newest, **counts.__dict__},
        )
    return counts
