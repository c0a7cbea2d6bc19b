"""Beat exactly once per period across failover: when the beat holding the lease dies after
running a job, the standby that takes over does not run it again before its period is up."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from celery.schedules import crontab, schedule
from django.utils import timezone

from cica_portal.beat import SingleBeatScheduler, acquire_lease
from cica_portal.models import BeatLease, BeatRun

pytestmark = [pytest.mark.django_db]

EVERY_15_MINUTES = SimpleNamespace(name="anchor", schedule=schedule(timedelta(minutes=15)))


def beat(holder: str, *, broker_fails: bool = False) -> SingleBeatScheduler:
    """A beat process's scheduler, with the broker replaced by a list of what it was sent.

    Each one keeps its own idea of when jobs last ran, as a real standby does (it loaded the
    schedule when it started, and django-celery-beat saves last runs only every few minutes)."""
    scheduler = SingleBeatScheduler.__new__(SingleBeatScheduler)
    scheduler.holder = holder
    scheduler.sent = []

    def apply_async(entry, producer=None, advance=False):
        if broker_fails:
            raise ConnectionError("broker down")
        scheduler.sent.append(entry.name)

    scheduler.apply_async = apply_async
    return scheduler


def holder_dies():
    BeatLease.objects.update(expires_at=timezone.now() - timedelta(seconds=1))


def test_the_standby_does_not_rerun_a_job_the_dead_holder_ran_this_period():
    first = beat("node-1:100")
    assert acquire_lease(first.holder)
    first.apply_entry(EVERY_15_MINUTES)
    assert first.sent == ["anchor"]

    holder_dies()
    standby = beat("node-2:200")
    assert acquire_lease(standby.holder)
    standby.apply_entry(EVERY_15_MINUTES)  # its own schedule says due: it never saw the run
    assert standby.sent == []
    assert BeatRun.objects.get(name="anchor").holder == "node-1:100"


def test_the_standby_runs_the_job_once_its_period_is_up():
    first = beat("node-1:100")
    first.apply_entry(EVERY_15_MINUTES)
    holder_dies()
    standby = beat("node-2:200")
    BeatRun.objects.update(last_run_at=timezone.now() - timedelta(minutes=15, seconds=1))
    standby.apply_entry(EVERY_15_MINUTES)
    standby.apply_entry(EVERY_15_MINUTES)  # a second tick at once: still once
    assert standby.sent == ["anchor"]


def test_a_job_the_broker_refused_is_not_recorded_as_run():
    failing = beat("node-1:100", broker_fails=True)
    failing.apply_entry(EVERY_15_MINUTES)
    assert not BeatRun.objects.filter(name="anchor").exclude(last_run_at=None).exists()
    standby = beat("node-2:200")
    standby.apply_entry(EVERY_15_MINUTES)
    assert standby.sent == ["anchor"]


def test_a_crontab_job_runs_once_per_scheduled_time_across_failover():
    hourly = SimpleNamespace(name="hourly", schedule=crontab(minute=0))
    BeatRun.objects.create(name="hourly", last_run_at=timezone.now() - timedelta(hours=2))
    first = beat("node-1:100")
    first.apply_entry(hourly)  # the last run is two hours old: due
    holder_dies()
    standby = beat("node-2:200")
    standby.apply_entry(hourly)
    assert first.sent == ["hourly"]
    assert standby.sent == []
