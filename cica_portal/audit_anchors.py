"""Anchors: the audit chain's last record, signed and appended to a file the database cannot change.

Someone who can write to the database could cut off the end of the log and move the head back:
every remaining record would still verify. An anchor pins the (seq, hash) of the last record at a
moment, outside the database: one JSON line per anchor with an HMAC of the line, appended to
AUDIT_ANCHOR_FILE (opened in append mode only, never rewritten) and, when AUDIT_ANCHOR_EMAIL is
set, mailed there too. `verify_audit_log` checks the log against every line: a record anchored
but gone, or anchored with another hash, is found however well the database was edited.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import smtplib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import audit_keys
from .models import AuditRecord

logger = logging.getLogger(__name__)
FIELDS = {"seq", "hash", "at", "key", "mac"}
TAIL_BYTES = 4096  # an anchor line is about 200 bytes


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str
    key_id: str
    line: int = 0


class AnchorFileError(Exception):
    """A line of the anchor file that is not a genuine anchor."""

    def __init__(self, line: int, reason: str):
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


class AnchorRefused(Exception):
    """The log no longer reaches what was anchored: anchoring it now would hide that."""


def _signed_part(fields: dict) -> bytes:
    content = {name: fields[name] for name in ("seq", "hash", "at", "key")}
    return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()


def encode(seq: int, hash: str, at: str, key_id: str, key: bytes) -> str:
    fields = {"seq": seq, "hash": hash, "at": at, "key": key_id}
    fields["mac"] = audit_keys.mac(key, _signed_part(fields))
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def decode(raw: bytes, keys: dict[str, bytes], line: int) -> Anchor:
    """The anchor on one line, its HMAC checked; AnchorFileError for anything else."""
    try:
        fields = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise AnchorFileError(line, "not a JSON line") from None
    if (
        not isinstance(fields, dict)
        or set(fields) != FIELDS
        or type(fields["seq"]) is not int
        or not all(isinstance(fields[name], str) for name in FIELDS - {"seq"})
    ):
        raise AnchorFileError(line, "not an anchor")
    key = keys.get(fields["key"])
    if key is None:
        reason = f"signed with key {fields['key']!r}, which is not in the keyring (AUDIT_KEYS)"
        raise AnchorFileError(line, reason)
    if not audit_keys.same(audit_keys.mac(key, _signed_part(fields)), fields["mac"]):
        raise AnchorFileError(line, "its HMAC does not match (altered or forged)")
    return Anchor(fields["seq"], fields["hash"], fields["at"], fields["key"], line)


def read(path: Path, keys: dict[str, bytes]) -> list[Anchor] | None:
    """Every anchor in the file, in order, each checked; None when there is no file (yet)."""
    try:
        file = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return None
    with file:
        return [decode(raw, keys, number) for number, raw in enumerate(file, start=1)]


def _last(file: IO[bytes], keys: dict[str, bytes]) -> Anchor | None:
    size = file.seek(0, os.SEEK_END)
    file.seek(max(0, size - TAIL_BYTES))
    lines = file.read().splitlines()
    return decode(lines[-1], keys, 0) if lines else None


def anchor(*, path: Path | str | None = None) -> Anchor | None:
    """Append the last record's (seq, hash), signed; None if it is the last anchor already.

    Safe to run twice and at once (the schedule and the command): the file is locked while the
    last record is read and compared with the last line, so one head gets one line. Refuses
    (AnchorRefused) when the log ends before, or differs from, what was anchored last.
    """
    path = Path(path or settings.AUDIT_ANCHOR_FILE)
    keys = audit_keys.keyring()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(descriptor, "a+b") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        last = AuditRecord.objects.order_by("-seq").values_list("seq", "hash").first()
        if last is None:
            return None
        seq, hash = last
        previous = _last(file, keys)
        if previous and previous.seq == seq and audit_keys.same(previous.hash, hash):
            return None
        if previous and previous.seq >= seq:
            raise AnchorRefused(
                f"the audit log ends at #{seq} (or differs there), but #{previous.seq} was "
                f"anchored at {previous.at}: run verify_audit_log"
            )
        key_id, key = audit_keys.signing_key()
        at = timezone.now().replace(microsecond=0).isoformat()
        line = encode(seq, hash, at, key_id, key)
        file.write(line.encode() + b"\n")
        file.flush()
        os.fsync(file.fileno())
    if settings.AUDIT_ANCHOR_EMAIL:
        _mail(seq, line)
    return Anchor(seq, hash, at, key_id)


def _mail(seq: int, line: str) -> None:
    """A copy in the Secretariat's mailbox: a second place that the portal's hosts cannot edit."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Audit log anchor: record #%(seq)s") % {"seq": seq}
        body = _(
            "The portal's audit log reached record #%(seq)s. Keep this message: the line below, "
            "signed with the audit key, lets anyone verifying the log later prove that the log up "
            "to this record was neither rewritten nor cut short.\n\n%(line)s\n"
        ) % {"seq": seq, "line": line}
    try:
        send_mail(subject, body, None, [settings.AUDIT_ANCHOR_EMAIL])
    except (OSError, smtplib.SMTPException):
        # The line is in the file already; the next new head is mailed again.
        logger.warning("could not mail the audit anchor for record #%s", seq, exc_info=True)
