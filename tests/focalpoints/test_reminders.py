"""Reminders of ending terms: once per person per occasion, in bounded queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cica_portal.models import Notification
from focalpoints import services, tasks
from tests.factories import FocalPointUserFactory, state
from tests.focalpoints.factories import FocalPointFactory

pytestmark = pytest.mark.django_db


def test_it_reminds_the_focal_point_and_the_approvers_once(fp_kz, approver_kz, approver_ru, kz):
    today = timezone.localdate()
    entry = FocalPointFactory(state=kz, user=fp_kz, term_end=today + datetime.timedelta(days=45))
    FocalPointFactory(state=kz, role="deputy", term_end=today + datetime.timedelta(days=90))
    assert services.remind_term_ends() == 2
    key = f"fp:{entry.pk}:term-ends:{entry.term_end.isoformat()}"
    assert set(
        Notification.objects.filter(key=key).values_list("recipient__username", flat=True)
    ) == {
        "fp-kz",
        "approver-kz",
    }
    assert services.remind_term_ends() == 0
    assert tasks.remind_term_ends.run() == 0  # the task is the same service


def test_a_renewed_term_is_a_new_occasion(fp_kz, approver_kz, kz):
    today = timezone.localdate()
    entry = FocalPointFactory(state=kz, user=fp_kz, term_end=today + datetime.timedelta(days=10))
    services.remind_term_ends()
    entry.term_end = today + datetime.timedelta(days=50)
    entry.save()
    assert services.remind_term_ends() == 2


def test_reminder_queries_do_not_grow_with_entries(approver_kz):
    today = timezone.localdate()

    def make(n, start):
        for i in range(n):
            user = FocalPointUserFactory(username=f"fp-x{start + i}", state=state("KZ"))
            FocalPointFactory(
                state=user.state,
                user=user,
                role="deputy",
                term_end=today + datetime.timedelta(days=20),
            )

    make(3, 0)
    services.remind_term_ends()
    with CaptureQueriesContext(connection) as few:
        services.remind_term_ends()
    make(30, 100)
    services.remind_term_ends()
    with CaptureQueriesContext(connection) as many:
        services.remind_term_ends()
    assert len(few.captured_queries) == len(many.captured_queries)


def test_the_daily_schedules_exist():
    names = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"focalpoints.remind_term_ends", "focalpoints.end_expired_terms"} <= names
