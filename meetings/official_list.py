"""The official list of participants as a PDF (WeasyPrint, in English or Russian) and as CSV."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from . import selectors
from .letters import LETTERHEAD
from .models import Meeting, OfficialListVersion


def render_pdf(
    meeting: Meeting, language: str, version: OfficialListVersion | None = None
) -> bytes:
    """The list in the language asked for (names as the states gave them): a publication's
    lines as published, else the list as it stands now."""
    from weasyprint import HTML  # imported here: Pango is loaded only by who draws a PDF

    with translation.override(language):
        html = render_to_string(
            "meetings/official_list_pdf.html",
            {
                "meeting": meeting,
                "groups": selectors.official_list_groups(
                    meeting, version.lines if version else None
                ),
                "version": version,
                "letterhead": LETTERHEAD.as_uri(),
                "language": language,
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def render_csv(meeting: Meeting, lines: list[dict] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [_("Group"), _("State or body"), _("Name"), _("Position"), _("Role"), _("Checked in")]
    )
    for heading, registrations in selectors.official_list_groups(meeting, lines):
        for registration in registrations:
            for delegate in registration["delegates"]:
                checked_in_at = delegate["checked_in_at"]
                writer.writerow(
                    [
                        heading,
                        _safe(str(registration["participant_name"])),
                        _safe(delegate["name"]),
                        _safe(delegate["position"]),
                        delegate["role_label"],
                        checked_in_at.isoformat() if checked_in_at else "",
                    ]
                )
    return buffer.getvalue()
