"""A beat scheduler that runs the schedule exactly once even when two beat processes start.

Each tick, a beat must hold a lease row (a conditional UPDATE that only one process can win);
the other waits as a hot standby and takes over when the lease expires.

Exactly once per period across that failover: each job's last run is recorded (BeatRun) in
the transaction that hands it to the broker, and a job is sent only if, by that record, it is
due. A standby that takes over with its own, older idea of the last runs (django-celery-beat
saves them every few minutes) therefore skips what the dead holder already ran this period.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

from .models import BeatLease, BeatRun

logger = logging.getLogger(__name__)

LEASE_NAME = "celery-beat"
LEASE_SECONDS = 30


def acquire_lease(holder: str, *, seconds: int = LEASE_SECONDS, name: str = LEASE_NAME) -> bool:
    """Take or renew the lease; True for exactly one holder at a time."""
    now = timezone.now()
    until = now + timedelta(seconds=seconds)
    won = (
        BeatLease.objects.filter(name=name)
        .filter(Q(holder=holder) | Q(expires_at__lt=now))
        .update(holder=holder, expires_at=until)
    )
    if won:
        return True
    try:
        with transaction.atomic():
            BeatLease.objects.create(name=name, holder=holder, expires_at=until)
    except IntegrityError:
        return False
    return True


def claim_run(name: str, schedule, *, holder: str = "", now: datetime | None = None) -> bool:
    """True (and the run recorded) if the job is due by its recorded last run; call it in the
    transaction that sends the job, so a failed send records nothing."""
    now = now or timezone.now()
    BeatRun.objects.get_or_create(name=name)
    run = BeatRun.objects.select_for_update(of=("self",), no_key=True).get(name=name)
    if run.last_run_at is not None and not schedule.is_due(run.last_run_at).is_due:
        return False
    run.last_run_at, run.holder = now, holder
    run.save(update_fields=["last_run_at", "holder"])
    return True


class SingleBeatScheduler(DatabaseScheduler):
    def __init__(self, *args, **kwargs):
        self.holder = f"{socket.gethostname()}:{os.getpid()}"
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        if not acquire_lease(self.holder):
            return min(self.max_interval, 5)
        return super().tick(*args, **kwargs)

    def apply_entry(self, entry, producer=None):
        try:
            with transaction.atomic():
                if not claim_run(entry.name, entry.schedule, holder=self.holder):
                    logger.info("Beat: %s already ran this period; not sent again", entry.name)
                    return
                self.apply_async(entry, producer=producer, advance=False)
        except Exception as error:  # not recorded: the next tick (or the standby) sends it
            logger.error("Beat: %s not sent: %s", entry.name, error)
