"""Month and list views, filters, the per-meeting .ics and the personal feed."""

import zoneinfo
from datetime import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from cica_portal.models import Area
from meetings import services
from meetings.models import Kind, Meeting

from ..factories import UserFactory
from .factories import MeetingFactory

pytestmark = pytest.mark.django_db

ISTANBUL = zoneinfo.ZoneInfo("Europe/Istanbul")


@pytest.fixture
def soc_session():
    meeting = MeetingFactory(
        title="SOC session 2027",
        kind=Kind.SOC_SESSION,
        start=datetime(2027, 3, 10, 10, 0, tzinfo=ISTANBUL),
        end=datetime(2027, 3, 11, 18, 0, tzinfo=ISTANBUL),
        time_zone="Europe/Istanbul",
        registration_deadline=None,
    )
    meeting.areas.set(Area.objects.filter(number__in=[1, 2]))
    return meeting


def test_the_month_view_puts_a_meeting_on_each_of_its_days(client, fp_kz, soc_session):
    client.force_login(fp_kz)
    response = client.get(reverse("meetings:calendar"), {"month": "2027-03"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="calendar"' in html
    assert "calendar__day--other-month" in html
    assert html.count("SOC session 2027") == 2


def test_the_month_view_filters_by_area_and_kind(client, fp_kz, soc_session):
    other = MeetingFactory(
        title="Terrorism experts",
        kind=Kind.TERRORISM_EXPERTS,
        start=soc_session.start,
        end=soc_session.end,
    )
    other.areas.set(Area.objects.filter(number=3))
    client.force_login(fp_kz)
    url = reverse("meetings:calendar")
    html = client.get(url, {"month": "2027-03", "area": 3}).content.decode()
    assert "Terrorism experts" in html
    assert "SOC session 2027" not in html
    html = client.get(url, {"month": "2027-03", "kind": "soc_session"}).content.decode()
    assert "Terrorism experts" not in html
    assert "SOC session 2027" in html


def test_the_month_view_survives_a_bad_month(client, fp_kz):
    client.force_login(fp_kz)
    assert client.get(reverse("meetings:calendar"), {"month": "2027-13"}).status_code == 200


def test_the_calendar_is_for_network_members(client):
    client.force_login(UserFactory())
    assert client.get(reverse("meetings:calendar")).status_code == 403


def test_the_calendar_takes_only_get(client, fp_kz):
    client.force_login(fp_kz)
    assert client.post(reverse("meetings:calendar")).status_code == 405


def test_the_list_view_does_not_grow_in_queries(client, fp_kz, django_assert_max_num_queries):
    for _ in range(3):
        MeetingFactory().areas.set(Area.objects.all())
    client.force_login(fp_kz)
    url = reverse("meetings:list")
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(10):
        MeetingFactory().areas.set(Area.objects.all())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('<th scope="row">') == 13


def test_the_month_view_does_not_grow_in_queries(client, fp_kz, django_assert_max_num_queries):
    client.force_login(fp_kz)
    start = datetime(2027, 5, 3, 9, tzinfo=ISTANBUL)
    MeetingFactory(start=start, end=start.replace(hour=17))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("meetings:calendar"), {"month": "2027-05"})
    for day in range(4, 20):
        MeetingFactory(start=start.replace(day=day), end=start.replace(day=day, hour=17))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("meetings:calendar"), {"month": "2027-05"})


def test_the_detail_page_gives_local_time_of_the_venue(client, fp_kz, soc_session):
    client.force_login(fp_kz)
    response = client.get(reverse("meetings:detail", args=[soc_session.pk]))
    assert response.status_code == 200
    assert "10 March 2027, 10:00" in response.content.decode()
    assert "Europe/Istanbul" in response.content.decode()


def test_the_detail_page_404s_for_a_missing_meeting(client, fp_kz):
    client.force_login(fp_kz)
    assert client.get(reverse("meetings:detail", args=[9999])).status_code == 404


def test_the_ics_parses_back_to_the_same_instant(client, fp_kz, soc_session):
    client.force_login(fp_kz)
    response = client.get(reverse("meetings:ics", args=[soc_session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert event.decoded("dtstart") == soc_session.start
    assert event.decoded("dtend") == soc_session.end
    assert event.decoded("dtstart").utcoffset().total_seconds() == 0
    assert event.decoded("dtstart").hour == 7  # 10:00 in Istanbul is 07:00 UTC
    assert str(event["summary"]) == "SOC session 2027"
    assert b"DTSTART:20270310T070000Z" in response.content


def test_the_personal_feed_needs_only_its_secret_address(client, fp_kz, soc_session):
    token = services.reset_calendar_token(fp_kz)
    MeetingFactory(title="Cancelled seminar", status=Meeting.Status.CANCELLED)
    response = client.get(reverse("meetings:feed", args=[token]))  # not logged in
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    titles = [str(e["summary"]) for e in events]
    assert "SOC session 2027" in titles
    assert "Cancelled seminar" in titles  # kept, as STATUS:CANCELLED


def test_a_reset_address_replaces_the_old_one(client, fp_kz):
    old = services.reset_calendar_token(fp_kz)
    client.force_login(fp_kz)
    response = client.post(reverse("meetings:feed-settings"))
    assert response.status_code == 302
    fp_kz.refresh_from_db()
    assert fp_kz.calendar_token
    assert fp_kz.calendar_token != old
    client.logout()
    assert client.get(reverse("meetings:feed", args=[old])).status_code == 404
    assert client.get(reverse("meetings:feed", args=[fp_kz.calendar_token])).status_code == 200


def test_a_guessed_or_empty_address_finds_nothing(client, fp_kz):
    assert client.get(reverse("meetings:feed", args=["x" * 43])).status_code == 404
    assert client.get("/meetings/feed/.ics").status_code == 404


def test_a_deactivated_user_loses_the_feed(client, fp_kz):
    token = services.reset_calendar_token(fp_kz)
    fp_kz.is_active = False
    fp_kz.save(update_fields=["is_active"])
    assert client.get(reverse("meetings:feed", args=[token])).status_code == 404


def test_the_feed_settings_page_shows_the_address(client, fp_kz):
    token = services.reset_calendar_token(fp_kz)
    client.force_login(fp_kz)
    response = client.get(reverse("meetings:feed-settings"))
    assert token in response.content.decode()


def test_the_dashboard_shows_upcoming_meetings_and_open_registrations(client, fp_kz):
    MeetingFactory(title="Chiefs of Police meeting")
    client.force_login(fp_kz)
    html = client.get(reverse("home")).content.decode()
    assert "Chiefs of Police meeting" in html
    assert "Registration open" in html
