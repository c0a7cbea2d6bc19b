"""The participants' spreadsheet and the calendar files work for whatever text people typed.

A sheet title cannot hold : \\ / ? * [ ], a cell cannot hold control characters, and a text that
starts like a formula must stay text; in an .ics file a bare CR or LF would end the line and
start a property of the writer's choosing.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook

from meetings.ics import calendar_for

from .factories import DelegateFactory, MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _participants(client, secretariat, meeting):
    client.force_login(secretariat)
    response = client.get(reverse("meetings:participants-xlsx", args=[meeting.pk]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def test_a_meeting_title_with_a_colon_exports_its_participants(client, secretariat, fp_kz):
    """Before: openpyxl refused the sheet title and the export was a 500."""
    meeting = MeetingFactory(title="CICA: Seminar [draft] on A/B? *Notes* \\ 2027")
    DelegateFactory(registration=RegistrationFactory(meeting=meeting, registered_by=fp_kz))
    workbook = _participants(client, secretariat, meeting)
    (title,) = workbook.sheetnames
    assert title.startswith(f"{meeting.pk} CICA- Seminar -draft-")
    assert len(title) <= 31
    assert not set(title) & set(":\\/?*[]")


@pytest.mark.parametrize("title", ["''", "'Quoted title'"])
def test_a_title_that_would_end_the_sheet_name_with_an_apostrophe_is_trimmed(
    client, secretariat, fp_kz, title
):
    meeting = MeetingFactory(title=title)
    workbook = _participants(client, secretariat, meeting)
    (name,) = workbook.sheetnames
    assert name
    assert not name.startswith("'")
    assert not name.endswith("'")


def test_control_characters_in_a_delegates_details_do_not_break_the_export(
    client, secretariat, fp_kz
):
    """Before: openpyxl raised IllegalCharacterError for the vertical tab: a 500."""
    meeting = MeetingFactory(title="Seminar\x0b 2027")
    registration = RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    DelegateFactory(registration=registration, name="Ivan\x0bov\x1b", dietary="Halal\x07")
    sheet = _participants(client, secretariat, meeting).active
    row = [cell.value for cell in sheet[2]]
    assert row[1] == "Ivanov"
    assert row[5] == "Halal"


def test_text_that_starts_like_a_formula_stays_text(client, secretariat, fp_kz):
    meeting = MeetingFactory()
    registration = RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    DelegateFactory(
        registration=registration, name="=HYPERLINK(1)", position="\t=1+1", access="@SUM(A1)"
    )
    row = [cell.value for cell in _participants(client, secretariat, meeting).active[2]]
    assert row[1] == "'=HYPERLINK(1)"
    assert row[2] == "'\t=1+1"
    assert row[6] == "'@SUM(A1)"


# --- iCalendar -------------------------------------------------------------------------------


def _lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def test_a_bare_carriage_return_or_line_feed_never_reaches_an_ics_line(settings):
    """Before: a bare CR in a title stayed in the SUMMARY line, where many clients end it."""
    settings.SITE_URL = "https://portal.example\r\nATTENDEE:mailto:x@evil.example"
    meeting = MeetingFactory(
        title="Seminar\rATTENDEE:mailto:a@evil.example",
        venue="Astana\nORGANIZER:mailto:b@evil.example\x0b\x1b",
        online_link="https://meet.example/x\r\nX-EVIL:1",
    )
    data = calendar_for([meeting], name="Feed\u2028X-EVIL:2")
    for line in _lines(data):
        assert b"\r" not in line
        assert b"\n" not in line
        assert not any(byte < 0x20 and byte != 0x09 for byte in line.lstrip(b" "))
        assert not line.startswith((b"ATTENDEE", b"ORGANIZER", b"X-EVIL"))
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(event["summary"]) == "Seminar\nATTENDEE:mailto:a@evil.example"
    assert str(event["location"]).startswith("Astana\nORGANIZER:mailto:b@evil.example")
    assert "\r" not in str(event["url"])
    assert "\n" not in str(event["url"])
    assert str(event["uid"]) == f"meeting-{meeting.pk}@cica-portal"


def test_long_ics_lines_fold_at_75_octets_and_unfold_to_the_text(client, fp_kz):
    title = "Семинар по вопросам полиции, " * 5 + "😀" * 30  # within the 200 characters
    meeting = MeetingFactory(title=title, venue="Astana; Hall A, Floor 2\\3")
    client.force_login(fp_kz)
    data = client.get(reverse("meetings:ics", args=[meeting.pk])).content
    for line in _lines(data):
        assert len(line) <= 75
        line.decode()  # a fold never splits a character
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(event["summary"]) == title
    assert str(event["location"]).startswith("Astana; Hall A, Floor 2\\3")
