"""iCalendar for meetings: times in UTC (ending in Z), with the venue's zone named in the text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC

from django.conf import settings
from django.urls import reverse
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


class _Urls:
    """The meeting page's address for any id, built once per calendar instead of a URL
    reversal per event."""

    def __init__(self) -> None:
        marker = 987654321
        self._parts = f"{settings.SITE_URL}{reverse('meetings:detail', args=[marker])}".split(
            str(marker)
        )

    def __call__(self, pk: int) -> str:
        return str(pk).join(self._parts)


def _labels() -> tuple[dict, dict]:
    """Kind and status labels in the active language, once per calendar: a model's
    get_..._display() hashes its whole list of lazy choices on each call, which cost a feed
    of a thousand meetings about a second."""
    kinds = {value: str(label) for value, label in Meeting._meta.get_field("kind").flatchoices}
    return kinds, {value: str(label) for value, label in Meeting.Status.choices}


def _event_lines(
    meeting: Meeting, stamp: str, url: str, extra: tuple[str, ...] = (), labels=None
) -> list[str]:
    """The VEVENT of one meeting, written directly: the icalendar library's object model costs
    milliseconds per event, which a feed of a thousand meetings cannot afford
    (docs/PERFORMANCE.md)."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{_text(f'meeting-{meeting.pk}@cica-portal')}",
        f"SEQUENCE:{meeting.sequence}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{_utc(meeting.start)}",
        f"DTEND:{_utc(meeting.end)}",
        f"SUMMARY:{_text(meeting.title)}",
        *extra,
    ]
    location = ", ".join(
        part
        for part in (meeting.venue, meeting.host_state.name_en if meeting.host_state else "")
        if part
    )
    if location:
        lines.append(f"LOCATION:{_text(location)}")
    kinds, statuses = labels or _labels()
    description = [
        kinds.get(meeting.kind, meeting.kind),
        f"Local time zone: {meeting.time_zone}",
        f"Status: {statuses.get(meeting.status, meeting.status)}",
    ]
    if meeting.online_link:
        description.append(f"Online: {meeting.online_link}")
        # RFC 7986 5.11: the link a calendar program offers as "join".
        lines.append(f"CONFERENCE;VALUE=URI;FEATURE=VIDEO;LABEL=Online:{_uri(meeting.online_link)}")
    description.append(url)
    lines += [
        "DESCRIPTION:" + _text("\n".join(str(line) for line in description)),
        f"URL:{_uri(url)}",
        f"STATUS:{ICS_STATUS.get(meeting.status, 'CONFIRMED')}",
        f"LAST-MODIFIED:{_utc(meeting.updated_at)}",
        "END:VEVENT",
    ]
    return lines


# How often a subscribed calendar program should fetch the feed again (RFC 7986 5.7; Outlook
# and Google read X-PUBLISHED-TTL): the feed's own Cache-Control says 15 minutes.
REFRESH = "PT1H"


def calendar_for(
    meetings: Iterable[Meeting],
    *,
    name: str = "CICA meetings",
    method: str = "",
    extra: tuple[str, ...] = (),
) -> bytes:
    """A VCALENDAR of these meetings. `method` is RFC 5546's (PUBLISH, CANCEL) for a calendar
    sent by email; a feed or a download carries none."""
    stamp = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
    ]
    if method:
        lines.append(f"METHOD:{method}")
    lines += [
        f"NAME:{_text(name)}",
        f"X-WR-CALNAME:{_text(name)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
    ]
    url_of, labels = _Urls(), _labels()
    for meeting in meetings:
        lines += _event_lines(meeting, stamp, url_of(meeting.pk), extra, labels)
    lines.append("END:VCALENDAR")
    return b"".join(_fold(line) for line in lines)


def invitation_for(meeting: Meeting, *, attendee: str = "") -> bytes:
    """The .ics an email about this meeting carries: CANCEL once it is cancelled, else PUBLISH
    (RFC 5546 3.2.1 and 3.2.5), from the Secretariat as ORGANIZER: the same UID and SEQUENCE
    as the feed, so a calendar that imported either updates the one event."""
    method = "CANCEL" if meeting.status == Meeting.Status.CANCELLED else "PUBLISH"
    extra = [f"ORGANIZER;CN=CICA Secretariat:mailto:{_uri(_address(settings.DEFAULT_FROM_EMAIL))}"]
    if attendee and method == "CANCEL":
        extra.append(f"ATTENDEE:mailto:{_uri(attendee)}")
    return calendar_for([meeting], name=meeting.title, method=method, extra=tuple(extra))


def _address(sender: str) -> str:
    """The bare address of a From value such as 'CICA portal <portal@example.org>'."""
    return sender.rsplit("<", 1)[-1].rstrip(">").strip()


# Notices about one meeting (meetings/services) whose email carries its .ics: a change of
# status (cancelled, postponed, confirmed) or of date or place, and a delegation confirmed.
_MEETING_KEY = re.compile(r"^meetings:(\d+):(status|changed):")
_REGISTRATION_KEY = re.compile(r"^meetings:registration:(\d+):confirmed:")


def attachments_for_notice(notice) -> list[tuple[str, bytes, str]]:
    """The meeting's .ics (PUBLISH, or CANCEL once cancelled) for the notices that concern it."""
    from .models import Registration

    meeting = None
    if match := _MEETING_KEY.match(notice.key):
        meeting = Meeting.objects.select_related("host_state").filter(pk=match[1]).first()
    elif match := _REGISTRATION_KEY.match(notice.key):
        registration = Registration.objects.select_related("meeting__host_state").filter(
            pk=match[1]
        )
        meeting = registration[0].meeting if registration else None
    if meeting is None:
        return []
    method = "CANCEL" if meeting.status == Meeting.Status.CANCELLED else "PUBLISH"
    content = invitation_for(meeting, attendee=notice.recipient.email)
    return [(f"meeting-{meeting.pk}.ics", content, f"text/calendar; method={method}")]
