"""Thin Celery wrappers: the work is in services; a conditional UPDATE makes reruns harmless."""

from celery import shared_task

from . import services


@shared_task(name="exchange.remind_withdrawal_receipts")
def remind_withdrawal_receipts() -> int:
    return services.remind_withdrawal_receipts()


@shared_task(name="exchange.remind_open_document_hits")
def remind_open_document_hits() -> int:
    from . import document_services

    return document_services.remind_open_hits()


@shared_task(name="exchange.remind_sltd")
def remind_sltd() -> int:
    from . import document_services

    return document_services.remind_sltd()
