"""Two beat processes never both run the schedule."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from cica_portal.beat import acquire_lease
from cica_portal.models import BeatLease


@pytest.mark.django_db
def test_only_one_beat_holds_the_lease():
    assert acquire_lease("beat-a") is True
    assert acquire_lease("beat-b") is False
    assert acquire_lease("beat-a") is True  # renewal


@pytest.mark.django_db
def test_the_standby_takes_over_when_the_lease_expires():
    acquire_lease("beat-a")
    BeatLease.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert acquire_lease("beat-b") is True
    assert acquire_lease("beat-a") is False


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_beats_starting_at_once_get_one_lease():
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL's concurrent transactions")
    results, barrier = {}, threading.Barrier(4)

    def start(name):
        barrier.wait()
        results[name] = acquire_lease(name)
        connection.close()

    threads = [threading.Thread(target=start, args=(f"beat-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results.values()) == 1
