"""Approval by member states: one mechanism for every "subject to the approval of" in the plan.

A request names its subject (any model, by generic relation), the exact version of the text
being approved (a SHA-256 of its canonical content), the states that must answer, the rule
and a deadline. Each state's answer is a row per request version: when the text changes the
version goes up, new pending rows are made and the old answers stay as history.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApprovalRequest(models.Model):
    class Rule(models.TextChoices):
        CONSENSUS = "consensus", _("Consensus: every named state approves")
        CONSENSUS_ABSTAIN = (
            "consensus_abstain",
            _("Consensus, abstention allowed: no objection and at least one approval"),
        )
        SILENCE = (
            "silence",
            _("Silence procedure: adopted at the stated instant unless a state breaks the silence"),
        )

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    purpose = models.CharField(_("purpose"), max_length=60, db_index=True)
    title = models.CharField(_("what is to be approved"), max_length=300)
    version = models.PositiveIntegerField(_("version"), default=1)
    content_hash = models.CharField(_("SHA-256 of the version"), max_length=64)
    rule = models.CharField(_("rule"), max_length=20, choices=Rule, default=Rule.CONSENSUS)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    silence_until = models.DateTimeField(
        _("under silence until"),
        null=True,
        blank=True,
        help_text=_("Silence procedure only: the exact instant (stored in UTC) of adoption."),
    )
    adopted_hash = models.CharField(
        _("SHA-256 of the text adopted"), max_length=64, blank=True, editable=False
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous version of this request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retabled_as",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.OPEN, db_index=True
    )
    opened_by = models.ForeignKey(
        "cica_portal.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    required_states = models.ManyToManyField(
        "cica_portal.State", related_name="approval_requests", verbose_name=_("states to answer")
    )

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        constraints = [
            models.CheckConstraint(
                name="silence_has_its_instant",
                condition=~models.Q(rule="silence") | models.Q(silence_until__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            # The approvals list's order (open first, newest first), walked until a page is full.
            models.Index(fields=["status", "-opened_at"], name="approval_list_idx"),
            # The latest closing: part of what a cached count of a list of requests depends on.
            models.Index(fields=["closed_at"], name="approval_closed_idx"),
            # Open silence procedures by instant: what the expiry task walks.
            models.Index(
                fields=["silence_until"],
                condition=models.Q(status="open", rule="silence"),
                name="approval_silence_idx",
            ),
            # Open requests only, joined to a state's pending answers by the inbox.
            models.Index(
                fields=["id"],
                include=["version", "deadline", "opened_at"],
                condition=models.Q(status="open"),
                name="approval_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def allows_abstention(self) -> bool:
        return self.rule == self.Rule.CONSENSUS_ABSTAIN

    @property
    def is_silence(self) -> bool:
        return self.rule == self.Rule.SILENCE

    def current_answers(self) -> models.QuerySet["StateAnswer"]:
        return self.answers.filter(version=self.version)

    def current_answer_list(self) -> list["StateAnswer"]:
        """The answers to the current version, from `prefetch_related("answers")` if done."""
        return [answer for answer in self.answers.all() if answer.version == self.version]


class StateAnswer(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVE = "approve", _("Approve")
        OBJECT = "object", _("Object")
        ABSTAIN = "abstain", _("Abstain")
        AMEND = "amend", _("Amendment (breaks the silence)")

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="answers")
    state = models.ForeignKey("cica_portal.State", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("version answered"))
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision, default=Decision.PENDING
    )
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    content_hash = models.CharField(_("SHA-256 of what was answered"), max_length=64, blank=True)
    answered_by = models.ForeignKey(
        "cica_portal.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    read_language = models.CharField(
        _("language read"),
        max_length=2,
        choices=[("en", _("English")), ("ru", _("Russian"))],
        blank=True,
        help_text=_("The language of the text the approver was shown when answering."),
    )

    class Meta:
        ordering = ["state__name_en"]
        verbose_name = _("state's answer")
        verbose_name_plural = _("states' answers")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "state", "version"], name="one_answer_per_state_and_version"
            ),
            models.CheckConstraint(
                name="answered_has_who_and_when",
                condition=models.Q(decision="pending")
                | models.Q(answered_by__isnull=False, answered_at__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "decision"]),
            # An approver's inbox: the pending answers of their state, by request.
            models.Index(
                fields=["state", "request", "version"],
                condition=models.Q(decision="pending"),
                name="answer_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.state.code}: {self.get_decision_display()}"

    @property
    def is_pending(self) -> bool:
        return self.decision == self.Decision.PENDING


class ApprovalView(models.Model):
    """The version of a request's text that a person was last shown (page, API or feed).

    An answer given without naming the version it covers is bound to this one: nobody
    consents to a text they have not been shown.
    """

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="views")
    user = models.ForeignKey("cica_portal.User", on_delete=models.CASCADE, related_name="+")
    content_hash = models.CharField(_("SHA-256 of the version shown"), max_length=64)
    at = models.DateTimeField(_("shown at"))

    class Meta:
        verbose_name = _("version shown")
        verbose_name_plural = _("versions shown")
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="one_view_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} shown to {self.user_id}"
