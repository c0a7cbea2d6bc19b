"""Thin Celery wrappers; the logic lives in services and a second run does no harm."""

from celery import shared_task

from . import services


@shared_task(
    name="focalpoints.remind_term_ends", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def remind_term_ends() -> int:
    return services.remind_term_ends()


@shared_task(
    name="focalpoints.end_expired_terms",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def end_expired_terms() -> int:
    return services.end_expired_terms()
