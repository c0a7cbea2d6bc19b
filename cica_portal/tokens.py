"""API tokens: named, expiring, stored only as a hash, each with exactly its user's rights.

A key is shown once, when it is made, and never again: the database keeps its SHA-256 and its
first characters (to recognise it in a list). `authenticate_token` is the one way a key becomes
a user, for DRF's `Authorization: Token <key>` and for any other door that takes a key.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .errors import DomainError
from .models import ApiToken, User

KEY_PREFIX = "cica_"  # lets secret scanners and people recognise a leaked key
SHOWN_PREFIX_LENGTH = len(KEY_PREFIX) + 8
MAX_KEY_LENGTH = 200  # longer than any key we make: refused before it is hashed
LAST_USED_PRECISION = timedelta(minutes=1)  # at most one write a minute per token


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# --- reads ------------------------------------------------------------------------------------


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's tokens that were not revoked, expired ones included (marked so), newest first."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def get_token_for(user: User, pk: int) -> ApiToken:
    """One of the user's own unrevoked tokens; 404 whether it is missing, revoked or not theirs."""
    return get_object_or_404(tokens_of(user), pk=pk)


def authenticate_token(key: str) -> User | None:
    """The active user a live key belongs to, or None (unknown, revoked, expired, inactive)."""
    token = live_token(key)
    return token.user if token is not None else None


def live_token(key: str) -> ApiToken | None:
    """The token a key opens, noting when it was last used (to the minute)."""
    if not key or len(key) > MAX_KEY_LENGTH:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- writes -----------------------------------------------------------------------------------


@transaction.atomic
def issue_token(user: User, *, name: str = "", via: str = "portal") -> tuple[ApiToken, str]:
    """A new token for the user, alongside any they have; returns it and its key (shown once)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=(name or "").strip()[:100] or f"{via} {now:%Y-%m-%d %H:%M}",
        prefix=key[:SHOWN_PREFIX_LENGTH],
        key_hash=hash_key(key),
        created_at=now,
        expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
    )
    audit.log(
        token,
        "auth.token_issued",
        actor=user,
        data={
            "name": token.name,
            "prefix": token.prefix,
            "via": via,
            "expires_at": token.expires_at,
        },
    )
    return token, key


@transaction.atomic
def revoke_token(token: ApiToken, *, by: User) -> ApiToken:
    """Revoke one token: its key stops working at once."""
    token = ApiToken.objects.select_for_update(of=("self",), no_key=True).get(pk=token.pk)
    if token.user_id != by.pk:
        # Views find the token through get_token_for (404 for another's); this is the backstop.
        raise DomainError(_("Only the token's owner can revoke it here."), code="forbidden")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.log(token, "auth.token_revoked", actor=by, data={"prefix": token.prefix})
    return token


def revoke_all_tokens(user_id: int) -> int:
    """End every token of a user (a new password, a deactivation); the caller audits it."""
    return ApiToken.objects.filter(user_id=user_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
