"""The letters' format: a template's text filled with a meeting's details, and the PDF drawn
from a letter's kept text (WeasyPrint; the fonts are the system's, DejaVu for Cyrillic)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation

from cica_portal.notifications import StrOrPromise

from .models import Delegate, Letter, Meeting

LETTERHEAD = Path(settings.BASE_DIR) / "static" / "img" / "favicon.svg"


class _Values(dict):
    """format_map's values: a placeholder the template may use but this letter has no value
    for (a state's letter has no delegate) reads as empty, never as an error."""

    def __missing__(self, key: str) -> str:
        return ""


# "16 March 2027", "16 марта 2027": a letter's style, and no "г." before a sentence's full stop.
LETTER_DATE = "j E Y"


def _day(value) -> str:
    return formats.date_format(value, LETTER_DATE)


def letter_values(
    meeting: Meeting,
    *,
    language: str,
    reference: str,
    recipient: StrOrPromise,
    delegate: Delegate | None = None,
    today=None,
) -> dict[str, str]:
    """The values of the fixed placeholders, in the letter's language."""
    from django.utils import timezone

    with translation.override(language):
        host = meeting.host_state.in_their_language("name") if meeting.host_state else ""
        deadline = meeting.registration_deadline
        return _Values(
            reference=reference,
            date=_day(today or timezone.localdate()),
            recipient=str(recipient),
            meeting=meeting.title,
            start=_day(meeting.local_start.date()),
            end=_day(meeting.local_end.date()),
            venue=meeting.venue,
            host=str(host),
            deadline=_day(deadline.astimezone(meeting.zone).date()) if deadline else "",
            delegate=delegate.name if delegate else "",
            delegate_position=delegate.position if delegate else "",
        )


def fill(text: str, values: dict[str, str]) -> str:
    """A template's text with its placeholders filled (the names were checked on saving)."""
    return text.format_map(values)


def render_pdf(letter: Letter) -> bytes:
    """The letter's PDF, drawn from its kept text: the same letter gives the same PDF."""
    from weasyprint import HTML  # imported here: Pango is loaded only by who draws a letter

    paragraphs = [part.strip() for part in letter.body.split("\n\n") if part.strip()]
    with translation.override(letter.language):
        html = render_to_string(
            "meetings/letter_pdf.html",
            {
                "letter": letter,
                "paragraphs": paragraphs,
                "letterhead": LETTERHEAD.as_uri(),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
