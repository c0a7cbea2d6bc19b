"""Reminder jobs over many requests cost a fixed number of queries per batch, not per person."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cica_portal import approvals
from cica_portal.models import Notification
from portal_site.management.commands.generate_scale_data import generate


def _remind() -> tuple[int, int]:
    """(queries, notices) of one run of the consent reminder, ten days ahead (when the
    generated pending consents fall due)."""
    before = Notification.objects.count()
    with CaptureQueriesContext(connection) as queries:
        approvals.remind_pending_answers(now=timezone.now() + timedelta(days=10))
    return len(queries), Notification.objects.count() - before


@pytest.mark.django_db
def test_it_reminds_of_ten_times_more_consents_in_the_same_number_of_queries():
    generate(shares=300, seed=3, states=["KZ", "RU", "CN"])
    few_queries, few = _remind()
    generate(shares=3000, seed=4, states=["KZ", "RU", "CN"])
    many_queries, many = _remind()

    assert few > 0
    assert many >= 3 * few
    # The cycle, the reports, the states, the people, one batch of notices, the stages' count.
    assert many_queries == few_queries <= 12


@pytest.mark.django_db
def test_a_second_run_sends_nothing_again():
    generate(shares=300, seed=5, states=["KZ", "RU", "CN"])
    _queries, first = _remind()
    _queries, second = _remind()

    assert first > 0
    assert second == 0


def _review_reminder_queries() -> tuple[int, int]:
    """(queries, notices) of one run of the annual-review reminder."""
    from actionplan.services import send_review_reminders

    before = Notification.objects.count()
    with CaptureQueriesContext(connection) as queries:
        send_review_reminders()
    return len(queries), Notification.objects.count() - before


@pytest.mark.django_db
def test_the_annual_review_reminder_costs_the_same_queries_for_three_states_as_for_twenty():
    from cica_portal.models import State
    from tests.actionplan.factories import ReviewCycleFactory
    from tests.factories import FocalPointUserFactory

    states = list(State.objects.members().order_by("code")[:20])
    for member in states[:3]:
        FocalPointUserFactory(username=f"fp-{member.code}", state=member)
    ReviewCycleFactory(deadline_in=3)
    few_queries, few = _review_reminder_queries()
    Notification.objects.all().delete()
    for member in states[3:]:
        for n in range(2):
            FocalPointUserFactory(username=f"fp-{member.code}-{n}", state=member)
    many_queries, many = _review_reminder_queries()

    assert few == 3
    assert many == 3 + 17 * 2
    # The cycle, the reports, the states, the people, one batch of notices, the stages' count.
    assert many_queries == few_queries <= 12
