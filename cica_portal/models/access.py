"""What opens the portal besides a password: API tokens and two-factor recovery codes.

Neither is stored in a form that opens anything: only a SHA-256 of each key or code is kept.
Both are random and long (256 bits for a token, 80 for a recovery code), so a plain hash is
enough; a slow password hash would only add work to every API request.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """One named key for the REST API, with exactly its user's rights, until it expires."""

    user = models.ForeignKey(
        "cica_portal.User", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("beginning of the key"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user_live_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class RecoveryCode(models.Model):
    """A one-time code that stands in for the authenticator when the phone is lost."""

    user = models.ForeignKey(
        "cica_portal.User", on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_once")
        ]

    def __str__(self) -> str:
        return f"recovery code #{self.pk}"


class OidcIdentity(models.Model):
    """An account's identity at an OpenID Connect provider, linked by the Secretariat.

    A provider's claims never make an account, a role or a state: they only find the account
    this row names. Either the subject is known (stored at the first sign-in, or entered by the
    Secretariat), or only the email the Secretariat entered, which the provider must assert as
    verified once; that first sign-in stores the subject, and from then on only it matches.
    """

    user = models.ForeignKey(
        "cica_portal.User", on_delete=models.CASCADE, related_name="oidc_identities"
    )
    issuer = models.CharField(_("provider (issuer)"), max_length=300)
    subject = models.CharField(
        _("subject identifier"),
        max_length=255,
        blank=True,
        help_text=_("The provider's identifier of the person; stored at the first sign-in."),
    )
    email = models.EmailField(
        _("verified email"),
        blank=True,
        help_text=_(
            "Until the subject is known: the first sign-in whose verified email is this one "
            "links the identity."
        ),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("OpenID Connect identity")
        verbose_name_plural = _("OpenID Connect identities")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"],
                condition=~models.Q(subject=""),
                name="oidc_identity_unique_subject",
            ),
            models.UniqueConstraint(
                fields=["issuer", "email"],
                condition=models.Q(subject=""),
                name="oidc_identity_unique_pending_email",
            ),
            models.CheckConstraint(
                condition=~models.Q(subject="") | ~models.Q(email=""),
                name="oidc_identity_subject_or_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject or self.email}"
