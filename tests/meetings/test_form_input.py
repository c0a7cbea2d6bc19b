"""The meetings' forms answer any input with a form error, never a 500."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cica_portal.models import Area
from meetings import services
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(fp_kz):
    return services.request_training(
        by=fp_kz,
        area=Area.objects.get(number=1),
        topic="Risk analysis at border crossings",
        preferred_period="first half of 2027",
        expected_participants=25,
    )


@pytest.mark.parametrize("zone", ["x" * 300, "Asia/" + "y" * 300])
def test_a_time_zone_no_file_can_be_named_after_is_a_form_error(
    client, training, secretariat, zone
):
    """Before: zoneinfo looked the 300-character name up on disk, the OSError (file name too
    long) was not caught, and scheduling was a 500."""
    client.force_login(secretariat)
    url = reverse("meetings:training-decide", args=[training.pk, "schedule"])
    data = {
        "title": "Training seminar",
        "start": "2027-04-12T09:00",
        "end": "2027-04-14T17:00",
        "time_zone": zone,
        "format": "online",
        "online_link": "https://meet.example.org/x",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "time_zone" in response.context["schedule_form"].errors
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    "month", ["99999999999999999999-01", "2027-99999999999999999999", "9999-12", "0001-01"]
)
def test_a_month_too_far_away_for_a_date_shows_the_current_month(client, fp_kz, month):
    """Before: date() raised OverflowError, not ValueError, and the calendar was a 500 (found
    by tests/security/test_form_fuzz.py); so did the months either side of year 1 or 9999."""
    client.force_login(fp_kz)
    response = client.get(reverse("meetings:calendar"), {"month": month})
    assert response.status_code == 200
    assert response.context["first"] == timezone.localdate().replace(day=1)


def test_a_registration_claiming_thousands_of_delegates_builds_at_most_fifty_forms(client, fp_kz):
    """Before: Django built (and the page rendered) up to 1,050 delegate forms for any posted
    TOTAL_FORMS: a third of a second of work per request, found by the form fuzzer."""
    from .factories import MeetingFactory

    meeting = MeetingFactory()
    client.force_login(fp_kz)
    data = {
        "delegates-TOTAL_FORMS": "100000",
        "delegates-INITIAL_FORMS": "0",
        "delegates-0-name": "Head",
        "delegates-0-role": "head",
    }
    response = client.post(reverse("meetings:register", args=[meeting.pk]), data)
    assert response.status_code in (200, 400)
    assert len(response.context["formset"].forms) <= 50  # the most delegates a state may send
    assert response.context["formset"].non_form_errors()
    assert not meeting.registrations.exists()
