"""The decision register as CSV and xlsx: the entries a person may read, as the list shows."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import UTC
from io import BytesIO, StringIO
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from cica_portal import spreadsheets
from cica_portal.models import RegisteredDecision

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIMIT = 10000  # rows in one export; the register grows by a few hundred a year


def _headers() -> list[str]:
    return [
        _("Number"),
        _("Date (UTC)"),
        _("Kind"),
        _("Area"),
        _("Title"),
        _("Text"),
        _("SHA-256 of the text"),
        _("Basis"),
    ]


def _rows(entries: Iterable[RegisteredDecision]) -> Iterable[list[Any]]:
    for entry in entries:
        yield spreadsheets.row(
            [
                entry.number,
                entry.decided_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                str(entry.get_kind_display()),
                entry.area.roman if entry.area else "",
                entry.title,
                entry.text,
                entry.text_hash,
                entry.basis,
            ]
        )


def _attachment(response: HttpResponse, extension: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="decision-register.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(entries: Iterable[RegisteredDecision]) -> HttpResponse:
    buffer = StringIO()
    writer = csv.writer(buffer)
    writer.writerow(spreadsheets.row(_headers()))
    writer.writerows(_rows(entries))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    return _attachment(response, "csv")


def xlsx_response(entries: Iterable[RegisteredDecision]) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = spreadsheets.sheet_title(_("Decision register"), fallback="Decisions")
    sheet.append(spreadsheets.row(_headers()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(entries):
        sheet.append(row)
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX), "xlsx")
