"""Notifications in the portal and by email, and the outbox that carries work to Celery."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one person about one occasion; the key makes it happen only once."""

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        NO_ADDRESS = "noaddress", _("no address")
        # Not emailed on its own (notice preferences): held for a digest, in the portal only,
        # or merged into an earlier, still unsent email about the same subject.
        DAILY = "daily", _("held for the daily digest")
        WEEKLY = "weekly", _("held for the weekly digest")
        PORTAL = "portal", _("portal only")
        MERGED = "merged", _("merged into another email")

    recipient = models.ForeignKey(
        "cica_portal.User", on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(_("occasion"), max_length=200)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The email's delivery lives on the row, so no fault between two writes can lose it: the
    # periodic sweep sends whatever is still pending (docs/security/faults.md).
    email_status = models.CharField(
        _("email"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)  # server accepted
    email_attempts = models.PositiveSmallIntegerField(_("email attempts"), default=0)
    email_claimed_until = models.DateTimeField(null=True, blank=True)  # a worker is sending
    email_next_at = models.DateTimeField(_("next email attempt"), null=True, blank=True)
    email_error = models.CharField(_("last email error"), max_length=300, blank=True)
    # Its kind (cica_portal.notice_kinds; empty: no app registered one for its key), the other
    # notices merged into this one's email, and the digest that carried it.
    kind = models.CharField(_("kind"), max_length=100, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    merged_count = models.PositiveIntegerField(_("merged notices"), default=0)
    digest = models.ForeignKey(
        "cica_portal.NoticeDigest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notices",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_notice_per_occasion")
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(
                fields=["email_next_at", "created_at"],
                name="notice_email_pending",
                condition=models.Q(email_status="pending"),
            ),
            models.Index(
                fields=["created_at"],
                name="notice_email_failed",
                condition=models.Q(email_status="failed"),
            ),
            models.Index(
                fields=["recipient", "created_at"],
                name="notice_held_for_digest",
                condition=models.Q(email_status__in=["daily", "weekly"]),
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Email at once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    PORTAL = "portal", _("In the portal only")


class NoticePreference(models.Model):
    """How one person wants one kind of notice; no row: an email at once."""

    user = models.ForeignKey(
        "cica_portal.User", on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(_("kind"), max_length=100)
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} = {self.delivery}"


class NoticeDigest(models.Model):
    """One digest email to one person for one period: the unique row is the claim that makes
    it go once, whatever the number of beats and workers that try."""

    class Status(models.TextChoices):
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        EMPTY = "empty", _("nothing to send")

    user = models.ForeignKey(
        "cica_portal.User", on_delete=models.CASCADE, related_name="notice_digests"
    )
    period = models.CharField(_("period"), max_length=10)  # Delivery.DAILY or WEEKLY
    starts_on = models.DateField(_("first day"))  # in the person's zone
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    count = models.PositiveIntegerField(_("notices"), default=0)
    error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("notice digest")
        verbose_name_plural = _("notice digests")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period", "starts_on"], name="one_digest_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.period} {self.starts_on}"


class OutboxMessage(models.Model):
    """A Celery task to send, written in the same transaction as the change that causes it.

    A relay sends it after the commit and again, periodically, until the broker takes it; the
    tasks are idempotent, so a message sent twice does no harm and none is ever lost.
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        indexes = [
            models.Index(
                fields=["created_at"], name="outbox_unsent", condition=models.Q(sent_at=None)
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name}{self.args}"


class BeatLease(models.Model):
    """Who may run the periodic schedule now: one beat process at a time, by lease."""

    name = models.CharField(max_length=50, unique=True)
    holder = models.CharField(max_length=200)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("beat lease")

    def __str__(self) -> str:
        return f"{self.name}: {self.holder} until {self.expires_at:%H:%M:%S}"


class BeatRun(models.Model):
    """When each periodic job last ran, written in the same transaction that hands it to the
    broker: a standby beat that takes over reads it, and does not run a job again in a period
    it already ran in (django-celery-beat's own last run is saved minutes later, if ever)."""

    name = models.CharField(max_length=200, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    holder = models.CharField(max_length=200, blank=True)  # the beat that ran it

    class Meta:
        verbose_name = _("beat run")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_run_at} by {self.holder}"
