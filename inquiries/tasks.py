"""Thin Celery wrappers; the logic lives in services and a second run does no harm."""

from celery import shared_task

from . import services


@shared_task(
    name="inquiries.remind_overdue", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def remind_overdue() -> int:
    return services.remind_overdue()
