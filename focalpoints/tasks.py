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


@shared_task(
    name="focalpoints.send_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=8
)
def send_email(address: str, subject: str, body: str) -> None:
    services.send_email(address, subject, body)


@shared_task(
    name="focalpoints.send_urgent_mail",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=8,
)
def send_urgent_mail(mail_id: int) -> bool:
    return services.send_urgent_mail(mail_id)


@shared_task(
    name="focalpoints.send_activation", autoretry_for=(OSError,), retry_backoff=True, max_retries=8
)
def send_activation(activation_id: int) -> bool:
    return services.send_activation(activation_id)


@shared_task(
    name="focalpoints.send_test_message",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=8,
)
def send_test_message(message_id: int) -> bool:
    return services.send_test_message(message_id)


@shared_task(name="focalpoints.escalate_unanswered_tests")
def escalate_unanswered_tests() -> int:
    return services.escalate_unanswered()


@shared_task(name="focalpoints.run_scheduled_communication_test")
def run_scheduled_communication_test() -> int | None:
    test = services.run_scheduled_test()
    return test.pk if test else None


@shared_task(name="focalpoints.remind_unconfirmed")
def remind_unconfirmed() -> int:
    return services.remind_unconfirmed()


@shared_task(name="focalpoints.tell_stale_entries")
def tell_stale_entries() -> int:
    return services.tell_stale_entries()
