"""Send Celery tasks through an outbox written in the caller's transaction.

`delay_on_commit` loses the task (and shows the user a 500) when the broker is down at commit
time. Here the task is a row committed with the change; the relay hands it to the broker
right after the commit and, if that fails, the periodic `relay_outbox` task tries again.

A broker that fails slowly (it accepts connections but does not answer, so each try waits for
the socket timeout) would make every request that enqueues wait that long. After such a slow
failure, the relays that run after a request's commit pause for a while and leave the messages
to the periodic relay, which always tries.
"""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

SLOW_FAILURE_SECONDS = 1.0  # a broker failure slower than this pauses the after-commit relays
PAUSE_SECONDS = 30.0
_paused_until = 0.0  # time.monotonic() before which after-commit relays leave work to beat


def enqueue(task_name: str, *args) -> OutboxMessage:
    """Record a task to run once this transaction commits; never raises for a broker fault."""
    message = OutboxMessage.objects.create(task_name=task_name, args=list(args))
    transaction.on_commit(lambda: relay([message.pk]))
    return message


def enqueue_many(task_name: str, arg_lists: list[list]) -> list[OutboxMessage]:
    """Record many calls of one task in one insert; relayed together after the commit."""
    if not arg_lists:
        return []
    messages = OutboxMessage.objects.bulk_create(
        [OutboxMessage(task_name=task_name, args=list(args)) for args in arg_lists]
    )
    pks = [message.pk for message in messages]
    transaction.on_commit(lambda: relay(pks))
    return messages


def broker_app():
    """The Celery app that relays hand tasks to (one place, so tests can point it elsewhere):
    the project's (portal_site.celery), which makes itself the current app when it loads."""
    from celery import current_app

    return current_app._get_current_object()


def relay(pks: list[int] | None = None, limit: int = 500) -> int:
    """Hand unsent messages to the broker; return how many it took.

    `pks` names the messages of one commit (the after-commit relay); without it, every unsent
    message is tried (the periodic relay).
    """
    global _paused_until
    if pks is not None and time.monotonic() < _paused_until:
        logger.info(
            "Outbox: broker failing slowly; %d message(s) left to the periodic relay", len(pks)
        )
        return 0
    app = broker_app()
    sent = 0
    with transaction.atomic():
        queryset = OutboxMessage.objects.filter(sent_at=None).order_by("pk")
        if pks is not None:
            queryset = queryset.filter(pk__in=pks)
        messages = list(
            queryset.select_for_update(skip_locked=True, of=("self",), no_key=True)[:limit]
        )
        for message in messages:
            started = time.monotonic()
            try:
                app.send_task(message.task_name, args=message.args, retry=False)
            except Exception as error:
                logger.warning("Outbox: broker refused %s: %s", message, error)
                if time.monotonic() - started > SLOW_FAILURE_SECONDS:
                    _paused_until = time.monotonic() + PAUSE_SECONDS
                OutboxMessage.objects.filter(pk=message.pk).update(
                    attempts=message.attempts + 1, last_error=str(error)[:500]
                )
                break
            OutboxMessage.objects.filter(pk=message.pk).update(
                sent_at=timezone.now(), attempts=message.attempts + 1
            )
            sent += 1
    return sent
