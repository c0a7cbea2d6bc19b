"""Reminders: once per person per occasion, bounded queries, the Secretariat told of gaps."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cica_portal.models import Notification
from meetings import services, tasks

from ..factories import FocalPointUserFactory, state
from .factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_it_reminds_unregistered_states_of_the_deadline_once(fp_kz, fp_ru, fp_cn):
    meeting = MeetingFactory(registration_deadline=timezone.now() + timedelta(days=3))
    RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    assert services.remind_registration_deadlines() == 2
    assert services.remind_registration_deadlines() == 0
    notified = set(Notification.objects.values_list("recipient__username", flat=True))
    assert notified == {"fp-ru", "fp-cn"}


def test_a_deadline_far_away_is_not_reminded_yet(fp_kz):
    MeetingFactory(registration_deadline=timezone.now() + timedelta(days=30))
    assert services.remind_registration_deadlines() == 0


def test_it_reminds_registered_states_of_the_meeting_once(fp_kz, fp_ru):
    meeting = MeetingFactory(start=timezone.now() + timedelta(days=2), registration_deadline=None)
    RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    assert tasks.remind_upcoming_meetings() == 1
    assert tasks.remind_upcoming_meetings() == 0
    assert Notification.objects.get().recipient == fp_kz


def test_the_secretariat_is_told_who_did_not_register(fp_kz, fp_ru, secretariat):
    meeting = MeetingFactory(registration_deadline=timezone.now() - timedelta(hours=2))
    RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    assert tasks.report_missing_registrations() == 1
    assert tasks.report_missing_registrations() == 0
    notice = Notification.objects.get(recipient=secretariat)
    assert "Russia" in notice.body
    assert "Kazakhstan" not in notice.body


def test_reminder_queries_do_not_grow_with_states_or_people(django_assert_max_num_queries):
    meeting = MeetingFactory(registration_deadline=timezone.now() + timedelta(days=3))
    FocalPointUserFactory(username="fp-kz", state=state("KZ"))
    with django_assert_max_num_queries(20) as few:
        services.remind_registration_deadlines()
    Notification.objects.all().delete()
    for code in ["RU", "CN", "IN", "PK", "TH", "MN", "QA", "EG"]:
        FocalPointUserFactory(username=f"fp-{code.lower()}", state=state(code))
    with django_assert_max_num_queries(len(few.captured_queries)):
        services.remind_registration_deadlines()
    assert (
        Notification.objects.filter(key=f"meetings:{meeting.pk}:registration-deadline").count() == 9
    )


def test_beat_runs_every_reminder_daily():
    names = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {
        "meetings.remind_registration_deadlines",
        "meetings.remind_upcoming_meetings",
        "meetings.report_missing_registrations",
    } <= names
