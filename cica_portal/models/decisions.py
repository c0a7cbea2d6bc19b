"""The decision register: every decision taken under the Action Plan, numbered per year.

An entry is written once, by the action that took the decision (an approval closing, a
Secretariat decision on a plan item, a decision recorded at a meeting), and never edited or
deleted. It links to its subject by generic relation; who may read it is the subject's own rule
(`cica_portal.decisions.registry`).
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

NUMBER_PREFIX = "CICA/DEC"


class RegisteredDecision(models.Model):
    class Kind(models.TextChoices):
        CONSENSUS_ADOPTED = "consensus_adopted", _("Adopted by consensus")
        CONSENSUS_REFUSED = "consensus_refused", _("Refused (consensus not reached)")
        SILENCE_ADOPTED = "silence_adopted", _("Adopted under the silence procedure")
        SILENCE_BROKEN = "silence_broken", _("Silence broken, not adopted")
        PLAN_DECISION = "plan_decision", _("Secretariat decision on the plan")
        MEETING_DECISION = "meeting_decision", _("Decision of a meeting")

    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("number in the year"), editable=False)
    decided_at = models.DateTimeField(_("decided at"), editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, editable=False)
    source = models.CharField(_("source"), max_length=60, editable=False)
    origin = models.CharField(
        _("origin"),
        max_length=120,
        unique=True,
        editable=False,
        help_text=_("What took the decision, once: e.g. approval:12; a second write is refused."),
    )
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, editable=False, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(editable=False)
    subject = GenericForeignKey("subject_type", "subject_id")
    approval = models.OneToOneField(
        "cica_portal.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="decision",
        verbose_name=_("approval request"),
    )
    area = models.ForeignKey(
        "cica_portal.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("area"),
    )
    title = models.CharField(_("title"), max_length=300, editable=False)
    text = models.TextField(_("text"), blank=True, editable=False)
    text_hash = models.CharField(_("SHA-256 of the text"), max_length=64, editable=False)
    basis = models.CharField(_("basis"), max_length=500, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        "cica_portal.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "-sequence"]
        verbose_name = _("registered decision")
        verbose_name_plural = _("decision register")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="decision_number_unique"),
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="decision_subject_idx")]

    def __str__(self) -> str:
        return f"{self.number}: {self.title}"

    @property
    def number(self) -> str:
        return f"{NUMBER_PREFIX}/{self.year}/{self.sequence}"

    @property
    def is_adoption(self) -> bool:
        return self.kind in (self.Kind.CONSENSUS_ADOPTED, self.Kind.SILENCE_ADOPTED)
