"""Thin Celery wrappers: the work is in services; the notification key makes reruns harmless."""

from celery import shared_task

from . import services


@shared_task(name="meetings.remind_registration_deadlines")
def remind_registration_deadlines() -> int:
    return services.remind_registration_deadlines()


@shared_task(name="meetings.remind_upcoming_meetings")
def remind_upcoming_meetings() -> int:
    return services.remind_upcoming_meetings()


@shared_task(name="meetings.report_missing_registrations")
def report_missing_registrations() -> int:
    return services.report_missing_registrations()


@shared_task(name="meetings.remind_unconfirmed_registrations")
def remind_unconfirmed_registrations() -> int:
    return services.remind_unconfirmed_registrations()


@shared_task(
    name="meetings.email_letter",
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=8,
)
def email_letter(letter_pk: int) -> bool:
    return services.email_letter(letter_pk)


@shared_task(name="meetings.remind_unanswered_invitations")
def remind_unanswered_invitations() -> int:
    return services.remind_unanswered_invitations()
