"""A beat scheduler that runs the schedule exactly once even when two beat processes start.

Each tick, a beat must hold a lease row (a conditional UPDATE that only one process can win);
the other waits as a hot standby and takes over when the lease expires.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

from .models import BeatLease

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


class SingleBeatScheduler(DatabaseScheduler):
    def __init__(self, *args, **kwargs):
        self.holder = f"{socket.gethostname()}:{os.getpid()}"
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        if not acquire_lease(self.holder):
            return min(self.max_interval, 5)
        return super().tick(*args, **kwargs)
