"""OpenID Connect sign-in (mozilla-django-oidc) for the Secretariat's directory or a state's
identity provider: off unless OIDC_ENABLED, configured from the environment (settings.py).

What a provider may and may not do, written once here:
- it only finds an account the Secretariat linked (`OidcIdentity`): by the stored subject, or,
  before the first sign-in, by the email the Secretariat entered, which the provider must
  assert as verified (`email_verified: true`); that first sign-in stores the subject;
- it never creates an account, and no claim changes a role, a state or any other field;
- the id_token must come from the configured issuer, for this client, unexpired, with the
  nonce of this sign-in; the user-info must be about the same subject;
- the portal's own rules still apply after it: a deactivated account stays out, and the
  session lands in the same two-factor step as after a password (RequireTwoFactorMiddleware);
- every call to the provider has a timeout (OIDC_TIMEOUT); a provider that fails or does not
  answer is a failed sign-in, never a hung or failed page.
"""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import audit
from .models import OidcIdentity, User

logger = logging.getLogger(__name__)


class PortalOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, ValueError) as error:
            # A provider down, slow past OIDC_TIMEOUT, or answering nonsense: no sign-in.
            logger.warning(
                "OpenID Connect sign-in failed at the provider: %s", type(error).__name__
            )
            audit.log(None, "auth.oidc_failed", data={"reason": type(error).__name__})
            return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if kwargs.get("nonce") is None:
            return payload  # user-info delivered as a JWT: checked against the id_token later
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("The id_token comes from another issuer.")
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The id_token is meant for another client.")
        if not payload.get("sub") or "exp" not in payload:
            raise SuspiciousOperation("The id_token has no subject or no expiry.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") not in (None, payload["sub"]):
            raise SuspiciousOperation("The user-info is about another subject.")
        claims = {**claims, "sub": payload["sub"]}
        user = link_identity(issuer=payload["iss"], claims=claims)
        if user is None:
            audit.log(None, "auth.oidc_unlinked", data={"issuer": payload["iss"]})
        return user

    def create_user(self, claims):  # never, whatever OIDC_CREATE_USER says
        return None

    def update_user(self, user, claims):  # no claim changes anything about an account
        return user


@transaction.atomic
def link_identity(*, issuer: str, claims: dict) -> User | None:
    """The active account the Secretariat linked to this identity, or None; a first sign-in by
    the verified email the Secretariat entered stores the subject."""
    subject = str(claims["sub"])
    identities = OidcIdentity.objects.select_for_update(of=("self",), no_key=True)
    identity = identities.select_related("user").filter(issuer=issuer, subject=subject).first()
    first = False
    if identity is None:
        email = claims.get("email")
        if not email or claims.get("email_verified") is not True:
            return None
        identity = (
            identities.select_related("user")
            .filter(issuer=issuer, subject="", email__iexact=email)
            .first()
        )
        if identity is None:
            return None
        identity.subject, identity.linked_at, first = subject, timezone.now(), True
    identity.last_used_at = timezone.now()
    identity.save(update_fields=["subject", "linked_at", "last_used_at"])
    if first:
        audit.log(identity.user, "auth.oidc_linked", actor=identity.user, data={"issuer": issuer})
    if not identity.user.is_active:
        return None
    return identity.user


class _Enabled:
    """Mixed in before a view: the sign-in does not exist unless OIDC_ENABLED."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]  # the view's


class SignIn(_Enabled, OIDCAuthenticationRequestView):
    """Off unless configured: then the provider's sign-in page, for a session of this portal."""


class Callback(_Enabled, OIDCAuthenticationCallbackView):
    """The provider sends the person back here; the portal's login rules apply from here on."""
