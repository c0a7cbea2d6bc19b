"""The consolidated review as a spreadsheet: one sheet per view, plain values, no formulas."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from cica_portal import spreadsheets

from .models import ReviewCycle

BOLD = Font(bold=True)


def _sheet(workbook, title, header, rows):
    sheet = workbook.create_sheet(title=spreadsheets.sheet_title(title))
    sheet.append(spreadsheets.row(header))
    for cell in sheet[1]:
        cell.font = BOLD
    for values in rows:
        sheet.append(spreadsheets.row(values))
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJ", (14, 40, 18, 14, 14, 14, 14, 14, 14, 14), strict=False):
        sheet.column_dimensions[column].width = width
    return sheet


def review_workbook(cycle: ReviewCycle, context: dict) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = spreadsheets.sheet_title(_("Summary"))
    summary.append(spreadsheets.row([_("CICA Action Plan: implementation review"), cycle.year]))
    summary["A1"].font = BOLD
    for label, value in (
        (_("Report deadline"), cycle.report_deadline),
        (_("SWG stage"), f"{cycle.swg_start} – {cycle.swg_end}"),
        (_("SOC stage"), f"{cycle.soc_start} – {cycle.soc_end}"),
        (_("States that submitted"), len(context["submitted"])),
        (_("States without a submitted report"), len(context["missing"])),
        (_("Generated"), timezone.now().strftime("%Y-%m-%d %H:%M UTC")),
    ):
        summary.append(spreadsheets.row([label, value]))
    summary.column_dimensions["A"].width = 36
    summary.column_dimensions["B"].width = 30

    _sheet(
        workbook,
        _("By area"),
        [_("Item"), _("Text"), _("Kind"), _("Status"), _("Progress %")],
        [
            (
                item.label,
                item.title or item.text,
                item.get_kind_display(),
                item.get_status_display(),
                item.progress,
            )
            for row in context["areas"]
            for item in row.items
        ],
    )
    _sheet(
        workbook,
        _("By state"),
        [
            _("Code"),
            _("State"),
            _("Report"),
            _("Submitted"),
            _("Completed"),
            _("In progress"),
            _("Not started"),
            _("Not applicable"),
        ],
        [
            (
                row.state.code,
                row.state.name_en,
                row.report.get_status_display() if row.report else _("Missing"),
                row.report.submitted_at.strftime("%Y-%m-%d")
                if row.report and row.report.submitted_at
                else "",
                row.progress["completed"],
                row.progress["in_progress"],
                row.progress["not_started"],
                row.progress["not_applicable"],
            )
            for row in context["rows"]
        ],
    )
    _sheet(
        workbook,
        _("Open approvals"),
        [_("Request"), _("Title"), _("Deadline"), _("Answered"), _("Asked")],
        [
            (
                request.pk,
                request.title,
                request.deadline.strftime("%Y-%m-%d") if request.deadline else "",
                request.answered,
                request.asked,
            )
            for request in context["open_approvals"]
        ],
    )
    # The sections other apps contribute, each on a sheet of its own: the first row the headings.
    for rendered in context.get("review_sections", ()):
        if rendered.section.rows is None:
            continue
        rows = rendered.section.rows(rendered.figures)
        if rows:
            _sheet(workbook, str(rendered.title), rows[0], rows[1:])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
