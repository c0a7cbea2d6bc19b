"""The Action Plan as data: its activities and the issues for consideration under each area."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanItem(models.Model):
    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Activity (meeting to convene)")
        ISSUE = "issue", _("Issue for consideration")
        MEASURE = "measure", _("New confidence-building measure")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        UNDER_CONSIDERATION = "under_consideration", _("Under consideration")
        APPROVED = "approved", _("Approved")
        IN_IMPLEMENTATION = "in_implementation", _("In implementation")
        COMPLETED = "completed", _("Completed")
        DEFERRED = "deferred", _("Deferred")

    area = models.ForeignKey("cica_portal.Area", on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.ISSUE)
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.UNDER_CONSIDERATION,
        db_index=True,
    )

    class Meta:
        ordering = ["area__number", "kind", "number", "pk"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "kind", "number"], name="one_number_per_area_and_kind"
            )
        ]

    def __str__(self) -> str:
        if self.number:
            return f"{self.area.roman}.{self.number} {self.title or self.text[:80]}"
        return self.title or self.text[:80]
