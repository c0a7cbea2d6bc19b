"""Every notice's email arrives exactly once, eventually: through a mail server that refuses
for a while, a worker killed in the middle of a batch, a job killed between its writes.

The broker and the worker are played here by `run_queued_emails`, which takes the email tasks
the outbox holds and runs them as a worker would; time passes by moving every notice's
times back (`pass_time`), so an outage of hours takes no time.
"""

from __future__ import annotations

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F
from django.utils import timezone

from cica_portal import notifications, outbox
from cica_portal.models import Notification, OutboxMessage
from tests.factories import FocalPointUserFactory, state

pytestmark = [pytest.mark.django_db]

EMAIL_TASK = "cica_portal.email_notification"


class MailServer:
    """What the fake backend talks to: it refuses while `down`, dies (like a killed worker)
    at the `die_at`-th message, and keeps every message it accepted."""

    down = False
    die_at: int | None = None
    calls = 0
    accepted: list = []

    @classmethod
    def reset(cls):
        cls.down, cls.die_at, cls.calls, cls.accepted = False, None, 0, []


class FlakyBackend(BaseEmailBackend):
    def send_messages(self, messages):
        MailServer.calls += 1
        if MailServer.die_at is not None and MailServer.calls == MailServer.die_at:
            raise SystemExit("worker killed while sending")  # not an Exception: nothing catches it
        if MailServer.down:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        MailServer.accepted.extend(messages)
        return len(messages)


@pytest.fixture(autouse=True)
def _flaky_mail(settings):
    MailServer.reset()
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    yield
    MailServer.reset()


@pytest.fixture
def people(db):
    kz = state("KZ")
    return [FocalPointUserFactory(username=f"fp-{n}", state=kz) for n in range(8)]


def run_queued_emails() -> int:
    """The broker hands every queued email task to a worker, which runs it."""
    ran = 0
    for message in OutboxMessage.objects.filter(task_name=EMAIL_TASK, sent_at=None).order_by("pk"):
        OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now())
        notifications.email_notification(*message.args)
        ran += 1
    return ran


def pass_time(delta: timedelta) -> None:
    """As if `delta` had passed: every time a notice holds moves back by it."""
    Notification.objects.update(
        created_at=F("created_at") - delta,
        email_next_at=F("email_next_at") - delta,
        email_claimed_until=F("email_claimed_until") - delta,
    )


def sweep_after(delta: timedelta) -> int:
    pass_time(delta)
    queued = notifications.sweep_unsent_emails()
    run_queued_emails()
    return queued


def received() -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in MailServer.accepted:
        for address in message.to:
            counts[address] = counts.get(address, 0) + 1
    return counts


def test_it_delivers_every_notice_once_through_a_mail_server_down_for_hours(people):
    notices = notifications.notify(people, key="outage", notice=notifications.Notice("S", "B"))
    MailServer.down = True
    run_queued_emails()  # the normal path: every try refused
    assert received() == {}
    for _ in range(0, 6 * 60, 5):  # six hours of sweeps while the server stays down
        sweep_after(timedelta(minutes=5))
    assert received() == {}
    assert Notification.objects.filter(email_status="pending").count() == len(notices)
    MailServer.down = False
    for _ in range(0, 2 * 60, 5):
        sweep_after(timedelta(minutes=5))
    assert received() == {person.email: 1 for person in people}
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}


def test_a_worker_killed_mid_batch_loses_none_and_sends_none_twice(people):
    notifications.notify(people, key="killed", notice=notifications.Notice("S", "B"))
    MailServer.die_at = 4
    with pytest.raises(SystemExit):
        run_queued_emails()  # three sent, the fourth claimed and never finished, four untouched
    assert len(received()) == 3
    MailServer.die_at = None
    # The broker gives the unacknowledged tasks to another worker (late acknowledgement) ...
    OutboxMessage.objects.filter(task_name=EMAIL_TASK).update(sent_at=None)
    run_queued_emails()
    # ... which sends what is not sent yet, except the one whose lease is still held
    assert len(received()) == len(people) - 1
    # ... and once the dead worker's lease is over, the sweep sends that one too.
    assert sweep_after(notifications.EMAIL_LEASE + timedelta(minutes=1)) == 1
    sweep_after(timedelta(hours=1))
    assert received() == {person.email: 1 for person in people}


def test_a_job_killed_between_its_writes_leaves_nothing_its_rerun_would_skip(people, monkeypatch):
    real = outbox.enqueue_many

    def killed(*args, **kwargs):
        raise RuntimeError("killed after the notices were written")

    monkeypatch.setattr(outbox, "enqueue_many", killed)
    with pytest.raises(RuntimeError):
        notifications.notify(people, key="reminder", notice=notifications.Notice("S", "B"))
    assert not Notification.objects.filter(key="reminder").exists()  # one transaction: none
    monkeypatch.setattr(outbox, "enqueue_many", real)
    assert len(
        notifications.notify(people, key="reminder", notice=notifications.Notice("S", "B"))
    ) == len(people)
    run_queued_emails()
    assert received() == {person.email: 1 for person in people}


def test_the_sweep_sends_a_notice_whose_task_the_broker_lost(people):
    notifications.notify(people[:2], key="lost", notice=notifications.Notice("S", "B"))
    OutboxMessage.objects.all().delete()  # Redis restarted without persistence: tasks gone
    assert notifications.sweep_unsent_emails() == 0  # not before the normal path had its turn
    pass_time(notifications.FIRST_SWEEP_AFTER + timedelta(seconds=1))
    assert notifications.sweep_unsent_emails() == 2
    assert notifications.sweep_unsent_emails() == 0  # queued once per backoff step
    run_queued_emails()
    assert received() == {people[0].email: 1, people[1].email: 1}


def test_a_notice_claimed_by_a_worker_is_not_sent_by_another(people):
    (notice,) = notifications.notify(
        people[:1], key="claimed", notice=notifications.Notice("S", "B")
    )
    Notification.objects.filter(pk=notice.pk).update(
        email_claimed_until=timezone.now() + timedelta(minutes=1)
    )
    assert notifications.email_notification(notice.pk) is False
    assert received() == {}


def test_after_the_last_attempt_it_is_failed_counted_and_filtered_in_the_admin(people, client):
    from tests.factories import SecretariatFactory

    notifications.notify(people[:1], key="doomed", notice=notifications.Notice("Doomed", "B"))
    MailServer.down = True
    for _ in range(48):
        sweep_after(timedelta(hours=1))
    notice = Notification.objects.get(key="doomed")
    assert notice.email_status == "failed"
    assert notice.email_attempts == notifications.EMAIL_MAX_ATTEMPTS
    assert "Connection unexpectedly closed" in notice.email_error
    assert notifications.delivery_counts()["failed"] == 1
    admin = SecretariatFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get("/admin/cica_portal/notification/?email_status__exact=failed")
    assert page.status_code == 200
    assert [n.pk for n in page.context["cl"].result_list] == [notice.pk]
    assert "Doomed" not in page.content.decode()  # another person's notice: only its delivery
    page = client.get("/admin/cica_portal/notification/?email_status__exact=sent")
    assert notice.pk not in [n.pk for n in page.context["cl"].result_list]
