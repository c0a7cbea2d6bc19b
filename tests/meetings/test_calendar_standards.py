"""Calendars as RFC 5545, 5546 and 7986 say: every upcoming meeting in the feed, SEQUENCE that
grows with each move, cancellations kept, and emails that carry the .ics. Each calendar is read
back by two independent parsers (icalendar and vobject)."""

from datetime import timedelta

import pytest
import vobject
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cica_portal import notifications
from cica_portal.models import Notification
from meetings import services
from meetings.ics import calendar_for
from meetings.models import Meeting

from .factories import MeetingFactory, RegistrationFactory, in_days

pytestmark = pytest.mark.django_db


def both_parsers(content: bytes) -> tuple[list, list]:
    """The VEVENTs as icalendar and as vobject read them."""
    events = Calendar.from_ical(content).walk("VEVENT")
    other = vobject.readOne(content.decode())
    return events, list(getattr(other, "vevent_list", []))


def feed_of(client, user) -> bytes:
    token = services.reset_calendar_token(user)
    response = client.get(reverse("meetings:feed", args=[token]))
    assert response.status_code == 200
    return response.content


def test_it_carries_every_upcoming_meeting_in_the_feed(client, fp_kz):
    # More than the 500 the feed used to stop at, all in the future.
    Meeting.objects.bulk_create(
        MeetingFactory.build(start=in_days(days), end=in_days(days) + timedelta(hours=8))
        for days in range(1, 602)
    )
    MeetingFactory(start=in_days(-400), end=in_days(-400) + timedelta(hours=8), title="Old")
    events, parsed = both_parsers(feed_of(client, fp_kz))
    assert len(events) == len(parsed) == 601
    assert "Old" not in {str(event["summary"]) for event in events}


def test_it_keeps_a_cancelled_meeting_as_cancelled(client, fp_kz, secretariat):
    meeting = MeetingFactory(title="Cancelled seminar")
    services.change_status(meeting, Meeting.Status.CANCELLED, by=secretariat)
    events, parsed = both_parsers(feed_of(client, fp_kz))
    (event,) = [e for e in events if str(e["summary"]) == "Cancelled seminar"]
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 1
    (other,) = [e for e in parsed if e.summary.value == "Cancelled seminar"]
    assert other.status.value == "CANCELLED"


def test_it_names_the_feed_and_says_how_often_to_refresh_it(client, fp_kz):
    MeetingFactory()
    content = feed_of(client, fp_kz)
    calendar = Calendar.from_ical(content)
    assert str(calendar["name"]) == "CICA meetings"
    assert calendar["refresh-interval"].dt == timedelta(hours=1)
    assert "METHOD" not in calendar  # a feed is no iTIP message
    assert vobject.readOne(content.decode()).contents["name"][0].value == "CICA meetings"


def test_it_grows_the_sequence_on_every_change_of_date_or_place(secretariat):
    meeting = MeetingFactory()
    assert meeting.sequence == 0
    services.update_meeting(meeting, by=secretariat, start=meeting.start + timedelta(days=1),
                            end=meeting.end + timedelta(days=1))  # fmt: skip
    services.update_meeting(meeting, by=secretariat, venue="Ankara")
    services.update_meeting(meeting, by=secretariat, title="A new title only")
    meeting.refresh_from_db()
    assert meeting.sequence == 2
    (event,) = Calendar.from_ical(calendar_for([meeting])).walk("VEVENT")
    assert int(event["sequence"]) == 2


def test_it_offers_the_online_link_as_conference(client, fp_kz):
    meeting = MeetingFactory(online_link="https://video.example.org/soc?id=12&pw=a;b")
    client.force_login(fp_kz)
    content = client.get(reverse("meetings:ics", args=[meeting.pk])).content
    events, parsed = both_parsers(content)
    assert str(events[0]["conference"]) == "https://video.example.org/soc?id=12&pw=a;b"
    assert events[0]["conference"].params["FEATURE"] == "VIDEO"
    assert parsed[0].conference.value == "https://video.example.org/soc?id=12&pw=a;b"


def _email_for(user) -> mail.EmailMessage:
    for notice in Notification.objects.filter(recipient=user):
        notifications.email_notification(notice.pk)
    (message,) = [m for m in mail.outbox if m.to == [user.email]][-1:]
    return message


def _ics_of(message) -> bytes:
    (name, content, mimetype), *_ = message.attachments
    assert name.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    return content.encode() if isinstance(content, str) else content


def test_it_attaches_the_ics_to_the_confirmation_of_a_delegation(secretariat):
    registration = RegistrationFactory()
    services.confirm_registration(registration, by=secretariat)
    content = _ics_of(_email_for(registration.registered_by))
    calendar = Calendar.from_ical(content)
    assert str(calendar["method"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"meeting-{registration.meeting.pk}@cica-portal"
    assert "organizer" in event
    assert vobject.readOne(content.decode()).method.value == "PUBLISH"


def test_it_attaches_the_new_ics_when_the_date_or_place_changes(secretariat):
    registration = RegistrationFactory()
    meeting = registration.meeting
    services.update_meeting(meeting, by=secretariat, venue="Baku")
    message = _email_for(registration.registered_by)
    assert "Baku" in message.body
    (event,) = Calendar.from_ical(_ics_of(message)).walk("VEVENT")
    assert int(event["sequence"]) == 1
    assert "Baku" in str(event["location"])


def test_it_sends_a_cancel_when_the_meeting_is_cancelled(secretariat):
    registration = RegistrationFactory()
    services.change_status(registration.meeting, Meeting.Status.CANCELLED, by=secretariat)
    content = _ics_of(_email_for(registration.registered_by))
    calendar = Calendar.from_ical(content)
    assert str(calendar["method"]) == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 1
    other = vobject.readOne(content.decode())
    assert other.method.value == "CANCEL"
    assert other.vevent.sequence.value == "1"


def test_it_sends_other_notices_without_attachments(fp_kz):
    (notice,) = notifications.notify(
        [fp_kz], key="occasion-plain", notice=notifications.Notice("S", "B")
    )
    notifications.email_notification(notice.pk)
    assert mail.outbox[-1].attachments == []


def test_it_refuses_a_second_attachment_provider_for_the_same_keys():
    with pytest.raises(ValueError, match="already registered"):
        notifications.register_attachments("meetings:", lambda notice: [])


def test_it_shows_a_whole_year_of_meetings_on_one_page(client, fp_kz):
    year = timezone.now().year + 1
    Meeting.objects.bulk_create(
        MeetingFactory.build(
            start=timezone.datetime(year, 1, 2, tzinfo=timezone.get_current_timezone())
            + timedelta(days=days),
            end=timezone.datetime(year, 1, 2, 8, tzinfo=timezone.get_current_timezone())
            + timedelta(days=days),
        )
        for days in range(0, 360, 9)
    )
    client.force_login(fp_kz)
    response = client.get(reverse("meetings:list"), {"year": year})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 40
    assert not response.context["page"].has_other_pages()


def test_it_ignores_a_year_it_cannot_hold(client, fp_kz):
    client.force_login(fp_kz)
    for value in ("99999", "abcd", "1066", "-2027"):
        response = client.get(reverse("meetings:list"), {"year": value})
        assert response.status_code == 200
        assert response.context["year"] is None
