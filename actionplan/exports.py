"""The consolidated review as a spreadsheet (one sheet per view, plain values, no formulas) and
as PDF."""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from django.template.loader import render_to_string
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
        (_("Stage"), cycle.get_stage_display()),
        (_("States that submitted"), len(context["submitted"])),
        (_("States without a submitted report"), len(context["missing"])),
        (_("Secretariat's summary"), cycle.summary),
        (_("Secretariat's conclusions"), cycle.conclusions),
        (_("SWG's conclusions"), cycle.swg_conclusions),
        (_("Hash of the consolidated text (SHA-256)"), context["content_hash"]),
        (_("Hash of the text adopted by the SOC"), cycle.adopted_hash),
        (_("Audit chain head"), f"#{context['head_seq']} {context['head_hash']}"),
        (_("Generated"), timezone.now().strftime("%Y-%m-%d %H:%M UTC")),
    ):
        summary.append(spreadsheets.row([label, value]))
    summary.column_dimensions["A"].width = 36
    summary.column_dimensions["B"].width = 80

    _sheet(
        workbook,
        _("By area"),
        [
            _("Item"),
            _("Text"),
            _("Kind"),
            _("Completed"),
            _("In progress"),
            _("Not started"),
            _("Not applicable"),
            _("Progress %"),
            *[str(year) for year in context["years"] if year != cycle.year],
        ],
        [
            (
                row.item.label,
                row.item.title or row.item.text,
                row.item.get_kind_display(),
                row.counts["completed"],
                row.counts["in_progress"],
                row.counts["not_started"],
                row.counts["not_applicable"],
                row.percent,
                *[f.percent if f.entries else "" for f in row.history if f.year != cycle.year],
            )
            for block in context["blocks"]
            for row in block.items
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
        _("What states wrote"),
        [_("Item"), _("Code"), _("State"), _("Status"), _("Narrative")],
        [
            (
                entry.item.label,
                entry.report.state.code,
                entry.report.state.name_en,
                entry.get_progress_display(),
                entry.narrative,
            )
            for entry in context["entries"]
            if entry.narrative.strip()
        ],
    )
    _sheet(
        workbook,
        _("Previous years"),
        [_("Area"), *[str(year) for year in context["years"]]],
        [
            (_("Reports submitted"), *[figure.reports for figure in context["totals"]]),
            (_("All areas"), *[figure.percent for figure in context["totals"]]),
            *[
                (str(block.area), *[figure.percent for figure in block.history])
                for block in context["blocks"]
            ],
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


def review_pdf(cycle: ReviewCycle, context: dict) -> bytes:
    """The consolidated review as PDF (WeasyPrint, the system's DejaVu fonts for Cyrillic), in
    the active language, with the text's hash and the audit chain's head on every page."""
    from weasyprint import HTML  # imported here: Pango is loaded only by who draws a PDF

    html = render_to_string(
        "actionplan/review_pdf.html",
        {**context, "cycle": cycle, "widths": range(0, 101, 5), "now": timezone.now()},
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
