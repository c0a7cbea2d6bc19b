"""Thin Celery wrappers: the work is in services; a conditional UPDATE makes reruns harmless."""

from celery import shared_task

from . import services


@shared_task(name="exchange.remind_withdrawal_receipts")
def remind_withdrawal_receipts() -> int:
    return services.remind_withdrawal_receipts()
