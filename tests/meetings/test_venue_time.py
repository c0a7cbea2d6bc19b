"""Point 4 of issue 23: every time of a meeting is entered and shown in the venue's zone, with
the reader's own time beside it where the two differ; the admin and the portal agree."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse

from meetings.models import Meeting
from tests.factories import SecretariatAdminFactory

from .factories import MeetingFactory
from .test_admin import inline_management, meeting_fields

pytestmark = pytest.mark.django_db
ASTANA = ZoneInfo("Asia/Almaty")


def next_year_day(month: int = 3, day: int = 16) -> datetime:
    return datetime(datetime.now(UTC).year + 1, month, day, 9, tzinfo=ASTANA)


@pytest.fixture
def staff_client(client):
    client.force_login(SecretariatAdminFactory(username="secretariat-zones"))
    return client


def admin_time(page, field: str) -> str:
    """The time of day the admin's page shows in a date-and-time field."""
    found = re.search(rf'name="{field}_1" value="([^"]*)"', page.content.decode())
    assert found, f"no {field} time on the page"
    return found.group(1)


def add_in_the_admin(client, **overrides) -> Meeting:
    add = reverse("admin:meetings_meeting_add")
    data = {**inline_management(client.get(add)), **meeting_fields(next_year_day(), **overrides)}
    response = client.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Meeting.objects.get(title=data["title"])


def test_it_stores_nine_in_the_morning_in_astana_as_four_utc_and_shows_nine_again(
    staff_client, fp_ru
):
    meeting = add_in_the_admin(staff_client, start_1="09:00", end_1="17:00")
    day = next_year_day()
    assert meeting.start == datetime(day.year, 3, 16, 4, tzinfo=UTC)
    change = staff_client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    assert admin_time(change, "start") == "09:00:00"
    assert admin_time(change, "end") == "17:00:00"
    staff_client.force_login(fp_ru)
    page = staff_client.get(meeting.get_absolute_url()).content.decode()
    assert "09:00 (Asia/Almaty, UTC+05:00)" in page


def test_it_reads_the_admins_times_in_the_venues_zone_not_the_secretariats(staff_client):
    meeting = add_in_the_admin(
        staff_client, start_1="09:00", end_1="17:00", time_zone="Europe/Istanbul"
    )
    assert meeting.start.astimezone(ZoneInfo("Europe/Istanbul")).hour == 9
    assert meeting.start.astimezone(UTC).hour == 6
    change = staff_client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    assert admin_time(change, "start") == "09:00:00"


def test_an_unknown_zone_posted_in_the_admin_is_a_form_error_not_a_crash(staff_client):
    add = reverse("admin:meetings_meeting_add")
    data = {
        **inline_management(staff_client.get(add)),
        **meeting_fields(next_year_day(), time_zone="Mars/Olympus"),
    }
    response = staff_client.post(add, data)
    assert response.status_code == 200
    assert "Unknown time zone" in response.content.decode()
    assert not Meeting.objects.exists()


def render(user, meeting, moment) -> str:
    template = Template("{% load venue_time %}{% venue_time moment meeting %}")
    return template.render(Context({"user": user, "meeting": meeting, "moment": moment}))


def test_it_shows_the_readers_own_time_beside_the_venues_when_they_differ(fp_ru):
    fp_ru.time_zone = "Europe/Moscow"
    meeting = MeetingFactory(start=next_year_day(), time_zone="Asia/Almaty")
    shown = render(fp_ru, meeting, meeting.start)
    assert "09:00 (Asia/Almaty, UTC+05:00)" in shown
    assert "your time" in shown
    assert "07:00 (Europe/Moscow, UTC+03:00)" in shown


def test_it_shows_only_the_venues_time_when_the_reader_is_on_the_same_clock(fp_kz):
    fp_kz.time_zone = "Asia/Almaty"
    meeting = MeetingFactory(start=next_year_day(), time_zone="Asia/Almaty")
    shown = render(fp_kz, meeting, meeting.start)
    assert "09:00 (Asia/Almaty, UTC+05:00)" in shown
    assert "your time" not in shown


def test_the_meeting_page_shows_the_end_and_the_deadline_in_the_venues_zone(client, fp_kz):
    start = datetime(datetime.now(UTC).year + 1, 5, 25, 10, tzinfo=ZoneInfo("Asia/Baku"))
    meeting = MeetingFactory(
        start=start,
        end=start + timedelta(days=1, hours=8),
        time_zone="Asia/Baku",
        registration_deadline=start - timedelta(days=14),
    )
    client.force_login(fp_kz)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "10:00 (Asia/Baku, UTC+04:00)" in page
    assert "18:00 (Asia/Baku, UTC+04:00)" in page
    assert "11:00 (Asia/Almaty, UTC+05:00)" in page  # the reader's, beside it
