"""The Action Plan as data: its activities, the issues for consideration under each area, new
measures proposed by member states, every status change, yearly implementation reports and the
annual SWG/SOC review."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PlanItem(models.Model):
    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Activity (meeting to convene)")
        ISSUE = "issue", _("Issue for consideration")
        # What an activity's own words name for discussion (areas III and IV); the source
        # numbers no issue there, so neither does the plan: "III.A(a)", never "III.1".
        TOPIC = "topic", _("Topic the activity names")
        MEASURE = "measure", _("New confidence-building measure")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        UNDER_CONSIDERATION = "under_consideration", _("Under consideration")
        APPROVED = "approved", _("Approved")
        IN_IMPLEMENTATION = "in_implementation", _("In implementation")
        COMPLETED = "completed", _("Completed")
        DEFERRED = "deferred", _("Deferred")

    # How far along each status counts in the progress charts (percent).
    PROGRESS = {
        Status.PROPOSED: 0,
        Status.UNDER_CONSIDERATION: 10,
        Status.APPROVED: 40,
        Status.IN_IMPLEMENTATION: 70,
        Status.COMPLETED: 100,
        Status.DEFERRED: 0,
    }

    area = models.ForeignKey("cica_portal.Area", on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.ISSUE)
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status,
        default=Status.UNDER_CONSIDERATION,
        db_index=True,
    )
    proposed_by_state = models.ForeignKey(
        "cica_portal.State",
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
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
        return f"{self.label} {self.title or self.text[:80]}"

    def get_absolute_url(self) -> str:
        return reverse("actionplan:item", args=[self.pk])

    @property
    def label(self) -> str:
        """The item's reference in the plan: "I.3" (a numbered issue), "II.A" (the activity),
        "III.A(a)" (a topic the activity names), "III.M1" (a new measure)."""
        if self.kind == self.Kind.ACTIVITY:
            return f"{self.area.roman}.A"
        if self.kind == self.Kind.TOPIC:
            return f"{self.area.roman}.A({chr(ord('a') + (self.number or 1) - 1)})"
        if self.kind == self.Kind.MEASURE:
            return f"{self.area.roman}.M{self.number or ''}"
        return f"{self.area.roman}.{self.number or ''}"

    @property
    def progress(self) -> int:
        return self.PROGRESS.get(self.status, 0)


class ItemStatusChange(models.Model):
    """One move of one item's status: by a Secretariat decision or by member states' approval."""

    class Via(models.TextChoices):
        DECISION = "decision", _("Secretariat decision")
        APPROVAL = "approval", _("Approval by member states")
        PLAN = "plan", _("Entered the plan")

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=PlanItem.Status, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=PlanItem.Status)
    via = models.CharField(_("by way of"), max_length=10, choices=Via, default=Via.DECISION)
    approval = models.ForeignKey(
        "cica_portal.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("reason"), max_length=2000)
    # What a Secretariat decision rests on: the meeting that agreed it, and/or the decision's
    # reference in words ("SOC 2027, decision CICA/D/2027/3"). Empty only for older records.
    basis_meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting it rests on"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    basis = models.CharField(_("decision it rests on"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.item.label}: {self.from_status or '—'} → {self.to_status}"


class MeasureProposal(models.Model):
    """A new confidence-building measure a member state proposes; it enters the plan only when
    every member state approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting member states' approval")
        APPROVED = "approved", _("Approved: in the plan")
        REJECTED = "rejected", _("Not approved")
        EXPIRED = "expired", _("Expired without consensus")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    area = models.ForeignKey(
        "cica_portal.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text of the measure"), max_length=8000)
    rationale = models.TextField(_("why it is proposed"), max_length=4000, blank=True)
    state = models.ForeignKey(
        "cica_portal.State",
        verbose_name=_("proposing state"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    item = models.OneToOneField(
        PlanItem,
        verbose_name=_("plan item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposal",
    )

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("proposed measure")
        verbose_name_plural = _("proposed measures")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actionplan:proposal", args=[self.pk])

    def approval_content(self) -> dict:
        """Exactly what member states approve: the consent covers this version."""
        return {"area": self.area.number, "title": self.title, "text": self.text}


class ReviewCycle(models.Model):
    """One year's review of implementation: reports, then the SWG stage, then the SOC stage.

    `status` says whether the cycle is under way (one at a time); `stage` is the work done in
    it: states report, the Secretariat consolidates, the SWG considers, the SOC adopts, and the
    adopted review is published to every member state.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open for reports")
        CLOSED = "closed", _("Closed")

    class Stage(models.TextChoices):
        REPORTING = "reporting", _("Member states report")
        CONSOLIDATION = "consolidation", _("Secretariat's consolidation")
        SWG = "swg", _("SWG consideration")
        SOC = "soc", _("SOC adoption")
        PUBLISHED = "published", _("Published")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    opens_on = models.DateField(_("opens for reports on"))
    report_deadline = models.DateField(_("report deadline"))
    swg_start = models.DateField(_("SWG stage starts"))
    swg_end = models.DateField(_("SWG stage ends"))
    soc_start = models.DateField(_("SOC stage starts"))
    soc_end = models.DateField(_("SOC stage ends"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PLANNED, db_index=True
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    stage = models.CharField(
        _("stage"), max_length=14, choices=Stage, default=Stage.REPORTING, db_index=True
    )
    # The Secretariat's own words in the consolidated review, and what the SWG concluded.
    summary = models.TextField(_("Secretariat's summary"), blank=True, max_length=20000)
    conclusions = models.TextField(_("Secretariat's conclusions"), blank=True, max_length=20000)
    swg_conclusions = models.TextField(_("SWG's conclusions"), blank=True, max_length=20000)
    consolidated_at = models.DateTimeField(_("consolidation began"), null=True, blank=True)
    swg_at = models.DateTimeField(_("sent to the SWG"), null=True, blank=True)
    soc_at = models.DateTimeField(_("sent to the SOC"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    adopted_hash = models.CharField(_("hash of the adopted text"), max_length=64, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("review cycle")
        verbose_name_plural = _("review cycles")
        constraints = [
            # One review under way at a time (the service says so to a person first).
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="open"),
                name="one_review_cycle_open",
                violation_error_message=_("Another review cycle is open."),
            ),
            models.CheckConstraint(
                name="review_stages_in_order",
                condition=models.Q(opens_on__lte=models.F("report_deadline"))
                & models.Q(report_deadline__lte=models.F("swg_start"))
                & models.Q(swg_start__lte=models.F("swg_end"))
                & models.Q(swg_end__lte=models.F("soc_start"))
                & models.Q(soc_start__lte=models.F("soc_end")),
                violation_error_message=_(
                    "Dates must follow each other: opening, report deadline, SWG stage, SOC stage."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    def get_absolute_url(self) -> str:
        return reverse("actionplan:review", args=[self.year])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def takes_reports(self) -> bool:
        """New reports start only while states report."""
        return self.is_open and self.stage == self.Stage.REPORTING

    @property
    def takes_corrections(self) -> bool:
        """A report is submitted (again) or returned until the review goes to the SWG."""
        return self.is_open and self.stage in (self.Stage.REPORTING, self.Stage.CONSOLIDATION)

    @property
    def is_published(self) -> bool:
        return self.stage == self.Stage.PUBLISHED


class ImplementationReport(models.Model):
    """One member state's report for one review cycle."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.PROTECT, related_name="reports")
    state = models.ForeignKey(
        "cica_portal.State",
        verbose_name=_("member state"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-cycle__year", "state__name_en"]
        verbose_name = _("implementation report")
        verbose_name_plural = _("implementation reports")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "state"], name="one_report_per_state_and_year")
        ]

    def __str__(self) -> str:
        return f"{self.cycle.year} · {self.state.code}"

    def get_absolute_url(self) -> str:
        return reverse("actionplan:report", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class ReportEntry(models.Model):
    """What a state reports on one activity or item of the plan."""

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    report = models.ForeignKey(
        ImplementationReport, on_delete=models.CASCADE, related_name="entries"
    )
    item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="report_entries")
    progress = models.CharField(
        _("status"), max_length=20, choices=Progress, default=Progress.NOT_STARTED
    )
    narrative = models.TextField(_("narrative"), blank=True, max_length=10000)

    class Meta:
        ordering = ["item__area__number", "item__kind", "item__number", "item_id"]
        verbose_name = _("report entry")
        verbose_name_plural = _("report entries")
        constraints = [
            models.UniqueConstraint(fields=["report", "item"], name="one_entry_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.item.label}"


def attachment_path(instance: ReportAttachment, filename: str) -> str:
    # The stored name never comes from the uploader: the original name is kept as data only.
    return f"actionplan/reports/{instance.report.cycle.year}/{uuid.uuid4().hex}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(
        ImplementationReport, on_delete=models.CASCADE, related_name="attachments"
    )
    item = models.ForeignKey(
        PlanItem,
        verbose_name=_("concerns"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("actionplan:attachment", args=[self.pk])
