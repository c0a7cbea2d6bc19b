"""The audit log's keys: HMAC-SHA256 keys kept outside the database.

Someone who can write to the database and has read the source can recompute plain hashes, but
not an HMAC without the key. A keyring holds every key the log was ever signed with, by id: the
first one signs new records and anchors, the others only verify what they signed. Rotation puts
a new key in front and keeps the old ones, so records and anchors are never re-signed (re-signing
would let whoever holds the new key rewrite the whole history at that moment, and would make every
anchor already written or mailed stop matching).

This module imports no models: settings.py uses it to read the keyring from the environment.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,16}")
MIN_KEY_LENGTH = 32
VARIABLES = ("AUDIT_KEYS", "AUDIT_KEY", "AUDIT_KEY_FILE")
DEV_KEY_ID = "dev"


def parse(text: str, source: str) -> dict[str, str]:
    """`id:key` entries separated by commas or new lines, the signing key first.

    A single entry without an id is key "1". Errors name the source and the id, never a key.
    """
    entries = [entry for entry in re.split(r"[,\s]+", text.strip()) if entry]
    if len(entries) == 1 and ":" not in entries[0]:
        entries = [f"1:{entries[0]}"]
    ring: dict[str, str] = {}
    for number, entry in enumerate(entries, start=1):
        key_id, colon, key = entry.partition(":")
        if not colon or not KEY_ID.fullmatch(key_id) or key_id in ring:
            raise ImproperlyConfigured(
                f"{source}: entry {number} needs an id of its own (up to 16 letters, digits, "
                "'.', '_' or '-') before a colon and the key."
            )
        if len(key) < MIN_KEY_LENGTH:
            raise ImproperlyConfigured(
                f"{source}: key {key_id!r} is shorter than {MIN_KEY_LENGTH} characters."
            )
        ring[key_id] = key
    if not ring:
        raise ImproperlyConfigured(f"{source} holds no key.")
    return ring


def from_environment(environ: Mapping[str, str], *, debug: bool, secret_key: str) -> dict[str, str]:
    """The keyring from AUDIT_KEYS, AUDIT_KEY (one key, id "1") or AUDIT_KEY_FILE (a keyring).

    Without any of them the portal refuses to start unless DEBUG is on; then a key derived from
    SECRET_KEY stands in (id "dev"), which production never accepts as one of its own.
    """
    given = [name for name in VARIABLES if environ.get(name, "").strip()]
    if len(given) > 1:
        raise ImproperlyConfigured(f"Set only one of {', '.join(given)}.")
    if given == ["AUDIT_KEYS"]:
        return parse(environ["AUDIT_KEYS"], "AUDIT_KEYS")
    if given == ["AUDIT_KEY"]:
        key = environ["AUDIT_KEY"].strip()
        if ":" in key or "," in key:
            raise ImproperlyConfigured("AUDIT_KEY holds one key; put a keyring in AUDIT_KEYS.")
        return parse(key, "AUDIT_KEY")
    if given == ["AUDIT_KEY_FILE"]:
        path = Path(environ["AUDIT_KEY_FILE"])
        try:
            text = path.read_text()
        except OSError as error:
            raise ImproperlyConfigured(
                f"AUDIT_KEY_FILE {path} cannot be read: {error.strerror}"
            ) from None
        return parse(text, f"AUDIT_KEY_FILE {path}")
    if not debug:
        raise ImproperlyConfigured(
            "AUDIT_KEYS (or AUDIT_KEY, or AUDIT_KEY_FILE) must be set when DEBUG is off: the "
            "audit log's signing key, kept outside the database. Make one with "
            "python -c \"import secrets; print('1:' + secrets.token_urlsafe(32))\""
        )
    derived = hmac.new(secret_key.encode(), b"cica-portal audit key, DEBUG only", hashlib.sha256)
    return {DEV_KEY_ID: derived.hexdigest()}


def keyring() -> dict[str, bytes]:
    """Every key that verifies, by id, as settings hold them now."""
    from django.conf import settings

    return {key_id: key.encode() for key_id, key in settings.AUDIT_KEYS.items()}


def signing_key() -> tuple[str, bytes]:
    """The id and key that sign new records and anchors: the keyring's first."""
    from django.conf import settings

    key_id, key = next(iter(settings.AUDIT_KEYS.items()))
    return key_id, key.encode()


def mac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def fingerprint(key: bytes) -> str:
    """Names a key in the log (the rotation record) without revealing anything about it."""
    return mac(key, b"cica-portal audit key fingerprint")[:16]


def new_key() -> str:
    return secrets.token_urlsafe(32)  # 43 characters, none of them ',' or ':'


def next_id(ring: Mapping[str, object]) -> str:
    """One more than the largest numeric id ("dev" and other names do not count)."""
    numbers = [int(key_id) for key_id in ring if key_id.isdigit()]
    return str(max(numbers, default=0) + 1)


def format_ring(ring: Mapping[str, str]) -> str:
    return ",".join(f"{key_id}:{key}" for key_id, key in ring.items())
