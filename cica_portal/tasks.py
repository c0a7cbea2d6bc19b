"""Thin Celery wrappers: ids in, the work in a service, safe to run twice."""

from celery import shared_task

from . import approvals, audit_anchors, digests, notifications, outbox


@shared_task(name="cica_portal.email_notification")
def email_notification(notification_id: int) -> bool:
    """No retries of its own: a failure is recorded on the notice, and the sweep below tries
    again with a backoff that outlasts an outage of hours."""
    return notifications.email_notification(notification_id)


@shared_task(name="cica_portal.sweep_unsent_emails")
def sweep_unsent_emails() -> int:
    return notifications.sweep_unsent_emails()


@shared_task(name="cica_portal.send_due_digests")
def send_due_digests() -> int:
    """Hourly: queue the daily and weekly digests whose period has ended in each person's zone."""
    return digests.send_due_digests()


@shared_task(name="cica_portal.send_digest")
def send_digest(user_id: int, period: str, starts_on: str) -> bool:
    """Safe to run twice, or on two workers at once: the digest's unique row is the claim."""
    return digests.send_digest(user_id, period, starts_on)


@shared_task(name="cica_portal.relay_outbox")
def relay_outbox() -> int:
    return outbox.relay()


@shared_task(name="cica_portal.close_expired_approvals")
def close_expired_approvals() -> int:
    return approvals.close_expired_requests()


@shared_task(name="cica_portal.adopt_expired_silences")
def adopt_expired_silences() -> int:
    """Every minute: a text whose silence ended unbroken is adopted (dated by its instant)."""
    return approvals.adopt_expired_silences()


@shared_task(name="cica_portal.remind_pending_approvals")
def remind_pending_approvals() -> int:
    return approvals.remind_pending_answers()


@shared_task(name="cica_portal.anchor_audit_log")
def anchor_audit_log() -> int | None:
    """Every 15 minutes: the last record's seq, or None when it was anchored already."""
    anchor = audit_anchors.anchor()
    return anchor.seq if anchor else None


@shared_task(name="cica_portal.ping")
def ping(marker: str) -> str:
    """Used by the health check and the tests to prove that a worker runs tasks."""
    from django.core.cache import cache

    cache.set(f"ping:{marker}", "pong", 300)
    return marker
