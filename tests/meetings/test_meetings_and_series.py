"""Every kind of meeting, time zones, and series whose dates the portal proposes."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cica_portal.models import AuditRecord
from meetings import services
from meetings.models import Kind, Meeting, MeetingSeries, validate_time_zone

pytestmark = pytest.mark.django_db


def test_it_names_every_kind_of_meeting_the_plan_asks_for():
    assert set(Kind.values) >= {
        "border_experts",
        "chiefs_of_police",
        "police_seminar",
        "training_seminar",
        "terrorism_experts",
        "cica_iom_trafficking",
        "swg_session",
        "soc_session",
        "other",
    }
    assert set(Meeting.Status.values) == {
        "planned",
        "confirmed",
        "held",
        "report_published",
        "cancelled",
        "postponed",
    }


def test_it_refuses_an_unknown_time_zone():
    validate_time_zone("Asia/Almaty")
    with pytest.raises(ValidationError):
        validate_time_zone("Mars/Olympus")


@pytest.fixture
def police_series(secretariat):
    return services.create_series(
        by=secretariat,
        title="Seminar on police related issues",
        kind=Kind.POLICE_SEMINAR,
        first_date=date(2009, 4, 15),
        start_time=time(9, 30),
        duration_days=2,
        interval_months=6,
        occurrences=4,
        time_zone="Asia/Almaty",
    )


def test_it_proposes_twice_yearly_dates_in_the_series_time_zone(police_series):
    proposed = services.propose_occurrences(police_series)
    assert [start.date() for start, _ in proposed] == [
        date(2009, 4, 15),
        date(2009, 10, 15),
        date(2010, 4, 15),
        date(2010, 10, 15),
    ]
    start, end = proposed[0]
    assert (start.hour, start.minute, str(start.tzinfo)) == (9, 30, "Asia/Almaty")
    assert end.date() == date(2009, 4, 16)


def test_each_occurrence_becomes_its_own_meeting_once(police_series, secretariat):
    created = services.generate_occurrences(police_series, by=secretariat)
    assert len(created) == 4
    assert services.generate_occurrences(police_series, by=secretariat) == []
    assert police_series.meetings.count() == 4
    first = police_series.meetings.order_by("start").first()
    assert first.kind == Kind.POLICE_SEMINAR
    assert first.local_start.hour == 9
    assert first.start.utcoffset().total_seconds() == 0 or first.start.tzinfo is not None
    assert AuditRecord.objects.filter(action="meetings.series.generated").exists()


def test_the_generate_page_shows_the_proposed_dates_then_creates_those_confirmed(
    client, police_series, secretariat
):
    client.force_login(secretariat)
    url = reverse("meetings:series-generate", args=[police_series.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"2009-10-15" in response.content
    response = client.post(url, {"dates": ["2009-04-15", "2010-04-15"]})
    assert response.status_code == 302
    starts = sorted(m.local_start.date() for m in police_series.meetings.all())
    assert starts == [date(2009, 4, 15), date(2010, 4, 15)]


def test_the_generate_page_is_for_the_secretariat_only(client, police_series, fp_kz):
    client.force_login(fp_kz)
    url = reverse("meetings:series-generate", args=[police_series.pk])
    assert client.get(url).status_code == 403


def test_the_generate_page_refuses_an_empty_choice(client, police_series, secretariat):
    client.force_login(secretariat)
    url = reverse("meetings:series-generate", args=[police_series.pk])
    assert client.post(url, {}).status_code == 400
    assert not police_series.meetings.exists()


def test_the_generate_page_404s_for_a_missing_series(client, secretariat):
    client.force_login(secretariat)
    assert client.get(reverse("meetings:series-generate", args=[999])).status_code == 404


def test_a_series_needs_a_known_time_zone(secretariat):
    with pytest.raises(services.MeetingError):
        services.create_series(
            by=secretariat,
            title="X",
            kind=Kind.OTHER,
            first_date=date(2027, 1, 1),
            time_zone="Nowhere/Else",
        )
    assert not MeetingSeries.objects.exists()


def test_status_moves_only_along_allowed_paths(secretariat):
    from .factories import MeetingFactory

    meeting = MeetingFactory(status=Meeting.Status.PLANNED)
    services.change_status(meeting, Meeting.Status.HELD, by=secretariat)
    services.change_status(meeting, Meeting.Status.REPORT_PUBLISHED, by=secretariat)
    with pytest.raises(services.MeetingError):
        services.change_status(meeting, Meeting.Status.CANCELLED, by=secretariat)
