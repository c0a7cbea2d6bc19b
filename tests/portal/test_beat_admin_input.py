"""The admin's cron schedules: a value the form refuses is a form error, never a 500."""

import pytest
from django_celery_beat.models import CrontabSchedule

from tests.factories import SecretariatFactory

pytestmark = pytest.mark.django_db


def test_a_cron_value_the_form_refuses_is_a_form_error(client):
    """Before: the page shown again computed the schedule in words from the refused value;
    celery's parser raised ParseException and the page was a 500 (found by the form fuzzer)."""
    client.force_login(SecretariatFactory(username="root", is_superuser=True, is_staff=True))
    before = CrontabSchedule.objects.count()  # the portal's own schedules are there already
    data = {
        "minute": "-1",
        "hour": "*",
        "day_of_week": "*",
        "day_of_month": "*",
        "month_of_year": "*",
        "timezone": "UTC",
    }
    response = client.post("/admin/django_celery_beat/crontabschedule/add/", data)
    assert response.status_code == 200
    assert "minute" in response.context["adminform"].form.errors
    assert CrontabSchedule.objects.count() == before


def test_a_valid_schedule_still_shows_in_words(client):
    client.force_login(SecretariatFactory(username="root", is_superuser=True, is_staff=True))
    schedule = CrontabSchedule.objects.create(minute="0", hour="4", day_of_month="7")
    page = client.get(f"/admin/django_celery_beat/crontabschedule/{schedule.pk}/change/")
    assert page.status_code == 200
    assert "At 04:00" in page.content.decode()
