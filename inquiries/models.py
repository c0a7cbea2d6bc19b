"""Requests for information between member states, with deadlines, and each state's answer.

A request is sent by a focal point of one state to one or more states; each named state answers
for itself (a `RequestedState` row: its deadline, its answer or refusal, its reminders). An
answer that carries information of third states reaches the requester only once those states
consented (an approval request of purpose "inquiries.answer").
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cica_portal.models.people import validate_time_zone


class Urgency(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    STANDARD = "standard", _("Standard")
    ROUTINE = "routine", _("Routine")


class RefusalReason(models.TextChoices):
    """The grounds on which a state may decline to answer (as EU practice lists them)."""

    NATIONAL_SECURITY = "national_security", _("Essential national security interests")
    INVESTIGATION = "investigation", _("It would harm an investigation or the safety of a person")
    DISPROPORTIONATE = (
        "disproportionate",
        _("Clearly disproportionate or irrelevant to the purpose"),
    )
    NOT_HELD = "not_held", _("The information is not held")
    JUDICIAL = "judicial", _("A judicial authority has not authorised its release")
    NATIONAL_LAW = "national_law", _("National law does not allow its release")


class WorkingTime(models.Model):
    """When a state's services work, as the Secretariat records it: deadlines of requests to
    that state are counted in these hours. A state without one counts in calendar time."""

    state = models.OneToOneField(
        "cica_portal.State",
        verbose_name=_("state"),
        on_delete=models.CASCADE,
        related_name="working_time",
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("An IANA name, e.g. Asia/Almaty."),
    )
    working_days = models.CharField(
        _("working days"),
        max_length=7,
        default="12345",
        validators=[
            RegexValidator(r"^[1-7]{1,7}$", _("Digits 1 (Monday) to 7 (Sunday), e.g. 12345."))
        ],
        help_text=_("Digits 1 (Monday) to 7 (Sunday), e.g. 12345 for Monday to Friday."),
    )
    day_starts = models.TimeField(_("working day starts"), default="09:00")
    day_ends = models.TimeField(_("working day ends"), default="18:00")

    class Meta:
        ordering = ["state__code"]
        verbose_name = _("working time of a state")
        verbose_name_plural = _("working times of states")
        constraints = [
            models.CheckConstraint(
                name="working_day_ends_after_it_starts",
                condition=models.Q(day_ends__gt=models.F("day_starts")),
                violation_error_message=_("The working day must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.state.code}: {self.time_zone}"

    @property
    def weekdays(self) -> set[int]:
        """ISO weekdays (1 = Monday) on which the state works."""
        return {int(d) for d in self.working_days if d.isdigit()}


class InformationRequest(models.Model):
    requesting_state = models.ForeignKey(
        "cica_portal.State",
        verbose_name=_("requesting state"),
        on_delete=models.PROTECT,
        related_name="information_requests_sent",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="information_requests",
    )
    subject = models.CharField(_("subject"), max_length=200)
    purpose = models.TextField(_("purpose"), max_length=4000)
    legal_grounds = models.TextField(_("legal grounds"), max_length=4000)
    questions = models.TextField(_("what is asked"), max_length=8000)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency)
    urgency_reason = models.CharField(_("why it is urgent"), max_length=1000, blank=True)
    handling_codes = models.JSONField(_("handling codes"), default=list)
    handling_note = models.CharField(_("handling note"), max_length=1000, blank=True)
    # A share of the exchange the request is about: an id checked against the shares the
    # author may read when it is sent (the exchange's own rule), not a foreign key into it.
    share_id = models.PositiveIntegerField(_("related share"), null=True, blank=True)
    secretariat_may_read = models.BooleanField(_("the Secretariat may read it"), default=False)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")
        indexes = [models.Index(fields=["requesting_state", "-created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("inquiries:detail", args=[self.pk])


class RequestedState(models.Model):
    """One named state's part of a request: its deadline and its answer."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting an answer")
        AWAITING_CONSENT = "awaiting_consent", _("Answer awaiting third states' consent")
        ANSWERED = "answered", _("Answered")
        PARTIAL = "partial", _("Answered in part")
        REFUSED = "refused", _("Refused")

    class Outcome(models.TextChoices):
        ANSWER = "answer", _("Answer")
        PARTIAL = "partial", _("Answer in part")
        REFUSE = "refuse", _("Refuse")

    class Consent(models.TextChoices):
        NONE = "", _("Not needed")
        PENDING = "pending", _("Asked")
        APPROVED = "approved", _("Given")
        DECLINED = "declined", _("Refused")

    FINAL = (Status.ANSWERED, Status.PARTIAL, Status.REFUSED)

    request = models.ForeignKey(
        InformationRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="requested_states",
    )
    state = models.ForeignKey(
        "cica_portal.State",
        verbose_name=_("requested state"),
        on_delete=models.PROTECT,
        related_name="information_requests_received",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    due_at = models.DateTimeField(_("answer due"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome, blank=True)
    answer = models.TextField(_("answer"), max_length=20000, blank=True)
    refusal_reason = models.CharField(
        _("reason for refusal"), max_length=30, choices=RefusalReason, blank=True
    )
    refusal_note = models.CharField(_("note on the refusal"), max_length=1000, blank=True)
    late_reason = models.CharField(_("reason for the late answer"), max_length=1000, blank=True)
    third_states = models.ManyToManyField(
        "cica_portal.State",
        verbose_name=_("third states whose information the answer carries"),
        blank=True,
        related_name="+",
    )
    consent = models.CharField(
        _("third states' consent"), max_length=10, choices=Consent, blank=True
    )
    approval = models.ForeignKey(
        "cica_portal.ApprovalRequest",
        verbose_name=_("consent request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    released_at = models.DateTimeField(_("answer released at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        ordering = ["request", "state__code"]
        verbose_name = _("requested state")
        verbose_name_plural = _("requested states")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "state"], name="one_part_per_requested_state"
            )
        ]
        indexes = [
            models.Index(fields=["state", "status"]),
            models.Index(fields=["status", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.request_id} → {self.state.code}"

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL

    @property
    def was_late(self) -> bool:
        return self.answered_at is not None and self.answered_at > self.due_at
