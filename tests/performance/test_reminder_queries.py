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
    assert many_queries == few_queries <= 8


@pytest.mark.django_db
def test_a_second_run_sends_nothing_again():
    generate(shares=300, seed=5, states=["KZ", "RU", "CN"])
    _queries, first = _remind()
    _queries, second = _remind()

    assert first > 0
    assert second == 0
