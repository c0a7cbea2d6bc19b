"""Implementation reports: a state's focal point drafts, attaches, submits; the Secretariat may
return a submitted report for correction."""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import audit
from cica_portal.models import State, User
from cica_portal.notifications import Notice, notify, secretariat_users
from cica_portal.transactions import retry_on_deadlock
from cica_portal.uploads import refuse_unless_acceptable

from .. import selectors
from ..models import (
    ImplementationReport,
    PlanItem,
    ReportAttachment,
    ReportEntry,
    ReviewCycle,
)
from .errors import ActionPlanError

Report = ImplementationReport
MAX_ATTACHMENTS = 20


def reportable_items(state: State) -> list[PlanItem]:
    """What a state reports on: every activity and item in the plan in the areas that concern it.

    Every member state takes part in all four areas of the plan, so all four concern it;
    items not (yet or any more) in the plan — proposed or deferred — are left out.
    """
    return list(
        PlanItem.objects.exclude(status__in=[PlanItem.Status.PROPOSED, PlanItem.Status.DEFERRED])
        .select_related("area")
        .order_by("area__number", "kind", "number", "pk")
    )


def _check_author(report: Report, actor: User) -> None:
    if not selectors.is_report_author(actor, report):
        raise ActionPlanError(
            _("Only your state's focal point writes its report."), code="forbidden"
        )


def _check_editable(report: Report) -> None:
    if not report.is_editable:
        raise ActionPlanError(
            _("This report was submitted; it can no longer change."), code="conflict"
        )


@retry_on_deadlock
@transaction.atomic
def start_report(cycle: ReviewCycle, *, actor: User) -> Report:
    """The focal point's draft for this cycle, made with one entry per reportable item."""
    if not selectors.may_start_report(actor):
        raise ActionPlanError(_("Only a focal point writes its state's report."), code="forbidden")
    cycle = ReviewCycle.objects.select_for_update(of=("self",), no_key=True).get(pk=cycle.pk)
    existing = Report.objects.filter(cycle=cycle, state_id=actor.national_state_id).first()
    if existing is not None:
        return existing
    if not cycle.takes_reports:
        raise ActionPlanError(_("This review cycle is not open for reports."), code="conflict")
    report = Report.objects.create(cycle=cycle, state_id=actor.national_state_id)
    ReportEntry.objects.bulk_create(
        ReportEntry(report=report, item=item) for item in reportable_items(actor.national_state)
    )
    audit.log(
        report,
        "actionplan.report.started",
        actor=actor,
        data={"year": cycle.year, "state": actor.national_state.code},
    )
    return report


@retry_on_deadlock
@transaction.atomic
def save_report(report: Report, *, actor: User, entries: Mapping[int, Mapping[str, str]]) -> Report:
    """Save the draft: for each item id, its progress and narrative."""
    report = Report.objects.select_for_update(of=("self",), no_key=True).get(pk=report.pk)
    _check_author(report, actor)
    _check_editable(report)
    rows = {entry.item_id: entry for entry in report.entries.all()}
    unknown = set(entries) - set(rows)
    if unknown:
        raise ActionPlanError(
            _("The report has no entry for item %(ids)s.")
            % {"ids": ", ".join(map(str, sorted(unknown)))},
            field="entries",
        )
    changed = []
    for item_id, values in entries.items():
        entry = rows[item_id]
        progress = values.get("progress", entry.progress)
        if progress not in ReportEntry.Progress.values:
            raise ActionPlanError(_("Choose a status for each item."), field="entries")
        narrative = values.get("narrative", entry.narrative) or ""
        if (progress, narrative) != (entry.progress, entry.narrative):
            entry.progress, entry.narrative = progress, narrative
            changed.append(entry)
    ReportEntry.objects.bulk_update(changed, ["progress", "narrative"])
    report.save(update_fields=["updated_at"])
    audit.log(report, "actionplan.report.saved", actor=actor, data={"entries": len(changed)})
    return report


@retry_on_deadlock
@transaction.atomic
def add_attachment(
    report: Report, *, actor: User, upload: UploadedFile, item: PlanItem | None = None
) -> ReportAttachment:
    """Attach a file checked by its content and size; stored under MEDIA_ROOT."""
    report = (
        Report.objects.select_for_update(of=("self",), no_key=True)
        .select_related("cycle")
        .get(pk=report.pk)
    )
    _check_author(report, actor)
    _check_editable(report)
    if report.attachments.count() >= MAX_ATTACHMENTS:
        raise ActionPlanError(
            _("A report holds at most %(n)s files.") % {"n": MAX_ATTACHMENTS}, field="file"
        )
    extension, content_type = refuse_unless_acceptable(upload, ActionPlanError)
    name = os.path.basename(getattr(upload, "name", "") or "file")[:150]
    attachment = ReportAttachment(
        report=report,
        item=item,
        original_name=name,
        content_type=content_type,
        extension=extension,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    audit.log(
        report,
        "actionplan.report.attachment_added",
        actor=actor,
        data={"attachment": attachment.pk, "type": content_type, "size": upload.size},
    )
    return attachment


@retry_on_deadlock
@transaction.atomic
def remove_attachment(attachment: ReportAttachment, *, actor: User) -> None:
    report = Report.objects.select_for_update(of=("self",), no_key=True).get(
        pk=attachment.report_id
    )
    _check_author(report, actor)
    _check_editable(report)
    storage, name = attachment.file.storage, attachment.file.name
    audit.log(
        report,
        "actionplan.report.attachment_removed",
        actor=actor,
        data={"attachment": attachment.pk},
    )
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


@retry_on_deadlock
@transaction.atomic
def submit_report(report: Report, *, actor: User) -> Report:
    """Submission is final: the report no longer changes unless the Secretariat returns it."""
    report = (
        Report.objects.select_for_update(of=("self",), no_key=True)
        .select_related("cycle", "state")
        .get(pk=report.pk)
    )
    _check_author(report, actor)
    _check_editable(report)
    if report.cycle.status == ReviewCycle.Status.CLOSED:
        raise ActionPlanError(_("This review cycle is closed."), code="conflict")
    if not report.cycle.takes_corrections:
        raise ActionPlanError(
            _("The review has gone to the SWG: reports no longer change."), code="conflict"
        )
    report.status = Report.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = actor
    report.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    audit.log(
        report,
        "actionplan.report.submitted",
        actor=actor,
        data={"year": report.cycle.year, "state": report.state.code},
    )
    notify(
        secretariat_users(),
        key=f"report:{report.pk}:submitted:{report.submitted_at:%Y%m%d%H%M%S%f}",
        notice=Notice(
            gettext_lazy("%(state)s submitted its %(year)s implementation report"),
            gettext_lazy("Read the report and return it for correction if something is missing."),
            {"state": report.state.in_their_language("name"), "year": report.cycle.year},
        ),
        url=report.get_absolute_url(),
    )
    return report


@retry_on_deadlock
@transaction.atomic
def return_report(report: Report, *, actor: User, reason: str) -> Report:
    """The Secretariat returns a submitted report for correction, saying why."""
    if not actor.is_secretariat:
        raise ActionPlanError(_("Only the Secretariat returns a report."), code="forbidden")
    report = (
        Report.objects.select_for_update(of=("self",), no_key=True)
        .select_related("cycle", "state")
        .get(pk=report.pk)
    )
    reason = (reason or "").strip()
    if not selectors.may_return_report(actor, report):
        raise ActionPlanError(_("Only a submitted report can be returned."), code="conflict")
    if not report.cycle.takes_corrections:
        raise ActionPlanError(
            _("The review has gone to the SWG: reports no longer change."), code="conflict"
        )
    if not reason:
        raise ActionPlanError(_("Say what must be corrected."), field="reason")
    report.status = Report.Status.RETURNED
    report.returned_at = timezone.now()
    report.return_reason = reason
    report.save(update_fields=["status", "returned_at", "return_reason", "updated_at"])
    audit.log(report, "actionplan.report.returned", actor=actor, data={"reason": reason})
    notify(
        User.objects.filter(role=User.Role.FOCAL_POINT, state_id=report.state_id, is_active=True),
        key=f"report:{report.pk}:returned:{report.returned_at:%Y%m%d%H%M%S%f}",
        notice=Notice(
            gettext_lazy("Your %(year)s implementation report was returned for correction"),
            gettext_lazy(
                "The Secretariat asks: %(reason)s\nCorrect the report and submit it again."
            ),
            {"year": report.cycle.year, "reason": reason},
        ),
        url=report.get_absolute_url(),
    )
    return report
