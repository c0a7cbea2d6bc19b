"""Envelope encryption: what states share is unreadable in a database dump or a backup alone.

Each sealed object (a share) has a data key of its own (AES-256-GCM), stored beside it wrapped
by a master key that is kept outside the database: `SHARE_MASTER_KEYS` (`id:base64key,...`,
newest first) or `SHARE_MASTER_KEY_FILE` (the same, in a file). The newest key wraps new data
keys; the older ones only unwrap what they wrapped, until `rotate_share_keys` re-wraps it under
the newest. Rotation touches 60 bytes per share, never the content itself.

A value that must be found by equality without being stored in clear (a document number) is
kept as a keyed hash (HMAC-SHA256 with a key derived from a master key), prefixed with the id of
that master key, so that a lookup tries each key of the ring and rotation can tell what is stale.

A missing key, a wrong key or a changed ciphertext raises `EnvelopeError`: never an empty value.
This module imports no models: settings.py uses it to read the keyring from the environment.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured

KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,16}")
KEY_BYTES = 32
NONCE_BYTES = 12
VARIABLES = ("SHARE_MASTER_KEYS", "SHARE_MASTER_KEY_FILE")
DEV_KEY_ID = "dev"
_WRAP_CONTEXT = b"cica-portal data key|"
_HASH_CONTEXT = b"cica-portal keyed hash"


class EnvelopeError(Exception):
    """A key is missing or wrong, or a sealed value was changed."""


def _decode_key(text: str, source: str, key_id: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{source}: key {key_id!r} is not base64.") from None
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"{source}: key {key_id!r} is not {KEY_BYTES} bytes long.")
    return key


def parse(text: str, source: str) -> dict[str, bytes]:
    """`id:base64key` entries separated by commas or new lines, the newest first.

    Errors name the source and the id, never a key."""
    ring: dict[str, bytes] = {}
    entries = [entry for entry in re.split(r"[,\s]+", text.strip()) if entry]
    for number, entry in enumerate(entries, start=1):
        key_id, colon, key = entry.partition(":")
        if not colon or not KEY_ID.fullmatch(key_id) or key_id in ring:
            raise ImproperlyConfigured(
                f"{source}: entry {number} needs an id of its own (up to 16 letters, digits, "
                "'.', '_' or '-') before a colon and the key."
            )
        ring[key_id] = _decode_key(key, source, key_id)
    if not ring:
        raise ImproperlyConfigured(f"{source} holds no key.")
    return ring


def from_environment(
    environ: Mapping[str, str], *, debug: bool, secret_key: str
) -> dict[str, bytes]:
    """The master keyring from SHARE_MASTER_KEYS or SHARE_MASTER_KEY_FILE.

    Without either the portal refuses to start unless DEBUG is on; then a key derived from
    SECRET_KEY stands in (id "dev"), so that `make run` needs no setup."""
    given = [name for name in VARIABLES if environ.get(name, "").strip()]
    if len(given) > 1:
        raise ImproperlyConfigured(f"Set only one of {', '.join(given)}.")
    if given == ["SHARE_MASTER_KEYS"]:
        return parse(environ["SHARE_MASTER_KEYS"], "SHARE_MASTER_KEYS")
    if given == ["SHARE_MASTER_KEY_FILE"]:
        path = Path(environ["SHARE_MASTER_KEY_FILE"])
        try:
            text = path.read_text()
        except OSError as error:
            raise ImproperlyConfigured(
                f"SHARE_MASTER_KEY_FILE {path} cannot be read: {error.strerror}"
            ) from None
        return parse(text, f"SHARE_MASTER_KEY_FILE {path}")
    if not debug:
        raise ImproperlyConfigured(
            "SHARE_MASTER_KEYS (or SHARE_MASTER_KEY_FILE) must be set when DEBUG is off: the "
            "master key that wraps each share's data key, kept outside the database. Make one "
            'with python -c "import base64, os; '
            "print('1:' + base64.urlsafe_b64encode(os.urandom(32)).decode())\""
        )
    derived = hmac.new(secret_key.encode(), b"cica-portal share master key, DEBUG only", "sha256")
    return {DEV_KEY_ID: derived.digest()}


def keyring() -> dict[str, bytes]:
    """Every master key, by id, newest first, as settings hold them now."""
    from django.conf import settings

    ring: dict[str, bytes] = settings.SHARE_MASTER_KEYS
    return ring


def newest_id() -> str:
    return next(iter(keyring()))


def new_key_text() -> str:
    """A fresh master key as it is written in SHARE_MASTER_KEYS (without its id)."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode().rstrip("=")


def _master(key_id: str) -> bytes:
    try:
        return keyring()[key_id]
    except KeyError:
        raise EnvelopeError(
            f"Master key {key_id!r} is not in SHARE_MASTER_KEYS: restore it to read this data."
        ) from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise EnvelopeError("A sealed value is damaged (not base64).") from None


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=8 * KEY_BYTES)


def seal(key: bytes, plaintext: bytes, *, context: bytes) -> str:
    """AES-256-GCM under `key`, bound to `context` (what the value is): base64 of nonce+text."""
    nonce = os.urandom(NONCE_BYTES)
    return _b64(nonce + AESGCM(key).encrypt(nonce, plaintext, context))


def unseal(key: bytes, token: str, *, context: bytes) -> bytes:
    raw = _unb64(token)
    try:
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context)
    except InvalidTag:
        raise EnvelopeError(
            "A sealed value does not open with its key (wrong key or changed)."
        ) from None


def key_id_of(wrapped: str) -> str:
    return wrapped.partition(":")[0]


def wrap(data_key: bytes, *, key_id: str | None = None) -> str:
    """The data key sealed by a master key (the newest unless named): `id:base64`."""
    key_id = key_id or newest_id()
    return f"{key_id}:{seal(_master(key_id), data_key, context=_WRAP_CONTEXT + key_id.encode())}"


def unwrap(wrapped: str) -> bytes:
    key_id, colon, token = wrapped.partition(":")
    if not colon:
        raise EnvelopeError("A wrapped data key has no master key id.")
    return unseal(_master(key_id), token, context=_WRAP_CONTEXT + key_id.encode())


def rewrap(wrapped: str) -> str | None:
    """The data key re-wrapped under the newest master key; None when it already is."""
    if key_id_of(wrapped) == newest_id():
        return None
    return wrap(unwrap(wrapped))


def _hash_key(key_id: str) -> bytes:
    return hmac.new(_master(key_id), _HASH_CONTEXT, hashlib.sha256).digest()


def keyed_hash(value: str, *, key_id: str | None = None) -> str:
    """`id:hex` HMAC of the value under a key derived from a master key (the newest unless
    named); "" for "" (nothing to find)."""
    if not value:
        return ""
    key_id = key_id or newest_id()
    digest = hmac.new(_hash_key(key_id), value.encode(), hashlib.sha256).hexdigest()
    return f"{key_id}:{digest}"


def keyed_hashes(value: str) -> list[str]:
    """The value's keyed hash under every master key: what a lookup matches during rotation."""
    return [keyed_hash(value, key_id=key_id) for key_id in keyring()] if value else []
