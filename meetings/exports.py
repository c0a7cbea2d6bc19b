"""The participant list as a spreadsheet, for the page and the admin action."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from cica_portal import spreadsheets

from .models import Meeting
from .selectors import participants_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def participants_workbook(meetings: list[Meeting]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for meeting in meetings:
        sheet = workbook.create_sheet(
            title=spreadsheets.sheet_title(f"{meeting.pk} {meeting.title}")
        )
        headers = [
            _("State"),
            _("Name"),
            _("Position"),
            _("Role"),
            _("Interpretation into"),
            _("Dietary needs"),
            _("Access needs"),
            _("Registration status"),
        ]
        sheet.append(spreadsheets.row(str(h) for h in headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for registration in participants_of(meeting):
            for delegate in registration.delegates.all():
                sheet.append(
                    spreadsheets.row(
                        [
                            registration.state.name_en
                            if registration.state_id
                            else registration.organisation.name_en,
                            delegate.name,
                            delegate.position,
                            str(delegate.get_role_display()),
                            str(delegate.get_interpretation_display() or ""),
                            delegate.dietary,
                            delegate.access,
                            str(registration.get_status_display()),
                        ]
                    )
                )
        sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def participants_response(meetings: list[Meeting]) -> HttpResponse:
    name = slugify(meetings[0].title) if len(meetings) == 1 else "participants"
    response = HttpResponse(participants_workbook(meetings), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name or "participants"}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
