"""iCalendar for meetings: times in UTC (ending in Z), with the venue's zone named in the text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC

from django.conf import settings
from django.utils import timezone

from .models import Meeting

PRODID = "-//CICA//Cooperation portal meetings//EN"
ICS_STATUS = {
    Meeting.Status.PLANNED: "TENTATIVE",
    Meeting.Status.POSTPONED: "TENTATIVE",
    Meeting.Status.CANCELLED: "CANCELLED",
}


# RFC 5545 3.1 forbids control characters in a content line other than tab; a bare CR or LF
# would end the line and start a property of the writer's choosing.
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _text(value: str) -> str:
    """A TEXT value, escaped as RFC 5545 3.3.11 says: every line break becomes \\n and no other
    control character remains."""
    value = _LINE_BREAK.sub("\n", str(value))
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROL.sub("", value.replace("\n", "\\n"))


def _uri(value: str) -> str:
    """A URI value: no control character, no space, nothing to escape (RFC 5545 3.3.13)."""
    return re.sub(r"[\x00-\x20\x7f]", "", str(value))


def _utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> bytes:
    """One content line, folded at 75 octets (continuations start with a space)."""
    data = line.encode()
    if len(data) <= 75:
        return data + b"\r\n"
    parts, current, size = [], [], 0
    for char in line:  # never split a multi-byte character
        width = len(char.encode())
        if size + width > (75 if not parts else 74):
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts).encode() + b"\r\n"


def _event_lines(meeting: Meeting, stamp: str) -> list[str]:
    """The VEVENT of one meeting, written directly: the icalendar library's object model costs
    milliseconds per event, which a feed of 500 meetings cannot afford (docs/PERFORMANCE.md)."""
    url = f"{settings.SITE_URL}{meeting.get_absolute_url()}"
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{_text(meeting.title)}",
        f"DTSTART:{_utc(meeting.start)}",
        f"DTEND:{_utc(meeting.end)}",
        f"DTSTAMP:{stamp}",
        f"UID:{_text(f'meeting-{meeting.pk}@cica-portal')}",
    ]
    location = ", ".join(
        part
        for part in (meeting.venue, meeting.host_state.name_en if meeting.host_state else "")
        if part
    )
    if location:
        lines.append(f"LOCATION:{_text(location)}")
    description = [
        meeting.get_kind_display(),
        f"Local time zone: {meeting.time_zone}",
        f"Status: {meeting.get_status_display()}",
    ]
    if meeting.online_link:
        description.append(f"Online: {meeting.online_link}")
    description.append(url)
    lines += [
        "DESCRIPTION:" + _text("\n".join(str(line) for line in description)),
        f"URL:{_uri(url)}",
        f"STATUS:{ICS_STATUS.get(meeting.status, 'CONFIRMED')}",
        f"LAST-MODIFIED:{_utc(meeting.updated_at)}",
        "END:VEVENT",
    ]
    return lines


def calendar_for(meetings: Iterable[Meeting], *, name: str = "CICA meetings") -> bytes:
    stamp = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(name)}",
    ]
    for meeting in meetings:
        lines += _event_lines(meeting, stamp)
    lines.append("END:VCALENDAR")
    return b"".join(_fold(line) for line in lines)
