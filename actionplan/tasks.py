"""Thin Celery wrappers for the annual review: no arguments, the work in services, idempotent."""

from celery import shared_task

from . import services


@shared_task(name="actionplan.open_due_cycles")
def open_due_cycles() -> int:
    opened = services.open_due_cycles()
    services.close_finished_cycles()
    return opened


@shared_task(name="actionplan.send_review_reminders", autoretry_for=(OSError,), max_retries=3)
def send_review_reminders() -> int:
    return services.send_review_reminders()
