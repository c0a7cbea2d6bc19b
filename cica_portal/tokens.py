"""API tokens: one per user, with exactly that user's rights; issuing and revoking are audited."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from . import audit
from .models import User


@transaction.atomic
def issue_token(user: User) -> Token:
    """Replace the user's token with a new one (the old key stops working at once)."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit.log(user, "auth.token_issued", actor=user)
    return token


@transaction.atomic
def revoke_tokens(user: User, *, actor: User | None) -> int:
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        audit.log(user, "auth.token_revoked", actor=actor)
    return deleted
