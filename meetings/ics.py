"""iCalendar for meetings: times in UTC (ending in Z), with the venue's zone named in the text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Meeting

PRODID = "-//CICA//Cooperation portal meetings//EN"
ICS_STATUS = {
    Meeting.Status.PLANNED: "TENTATIVE",
    Meeting.Status.POSTPONED: "TENTATIVE",
    Meeting.Status.CANCELLED: "CANCELLED",
}


def _event(meeting: Meeting) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@cica-portal")
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", meeting.start.astimezone(UTC))
    event.add("dtend", meeting.end.astimezone(UTC))
    event.add("summary", meeting.title)
    location = ", ".join(
        part
        for part in (meeting.venue, meeting.host_state.name_en if meeting.host_state else "")
        if part
    )
    if location:
        event.add("location", location)
    description = [
        meeting.get_kind_display(),
        f"Local time zone: {meeting.time_zone}",
        f"Status: {meeting.get_status_display()}",
    ]
    if meeting.online_link:
        description.append(f"Online: {meeting.online_link}")
    description.append(f"{settings.SITE_URL}{meeting.get_absolute_url()}")
    event.add("description", "\n".join(str(line) for line in description))
    event.add("url", f"{settings.SITE_URL}{meeting.get_absolute_url()}")
    event.add("status", ICS_STATUS.get(meeting.status, "CONFIRMED"))
    event.add("last-modified", meeting.updated_at.astimezone(UTC))
    return event


def calendar_for(meetings: Iterable[Meeting], *, name: str = "CICA meetings") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(_event(meeting))
    return calendar.to_ical()
