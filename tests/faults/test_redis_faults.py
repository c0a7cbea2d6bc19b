"""With Redis stopped or hung, actions still succeed, and their emails go out once when it is back.

Each test starts its own `redis-server` (or a silent socket that plays a hung one) on a spare
loopback port and points the outbox's Celery app at it; the machine's Redis is never touched.
"""

import threading
import time

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail

import cica_portal.tasks  # noqa: F401 - registers the tasks the worker runs
from cica_portal import approvals, notifications, outbox
from cica_portal.models import Notification, OutboxMessage

from .servers import RedisServer, SilentServer, redis_available

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not redis_available(), reason="redis-server is not installed"),
]

# What settings.py gives Celery whenever REDIS_URL is set (the same bounded socket timeouts).
REDIS_TRANSPORT_OPTIONS = settings.CELERY_BROKER_TRANSPORT_OPTIONS or {
    "socket_timeout": 3,
    "socket_connect_timeout": 3,
    "max_retries": 1,
    "visibility_timeout": 3600,
}


def celery_app_for(url: str) -> Celery:
    """The portal's Celery configuration, pointed at our throwaway broker."""
    app = Celery("cica_faults", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=url, broker_transport_options=REDIS_TRANSPORT_OPTIONS)
    return app


@pytest.fixture(autouse=True)
def _relays_not_paused(monkeypatch):
    monkeypatch.setattr(outbox, "_paused_until", 0.0)


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(monkeypatch, redis_server):
    app = celery_app_for(redis_server.url)
    monkeypatch.setattr(outbox, "broker_app", lambda: app)
    yield app
    app.close()


@pytest.fixture
def task_runs():
    """Names of the tasks the worker finished, in order."""
    runs: list[str] = []
    lock = threading.Lock()

    def record(sender=None, **kwargs):
        with lock:
            runs.append(sender.name)

    task_postrun.connect(record, weak=False)
    yield runs
    task_postrun.disconnect(record)


def wait_until(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def open_request_for(kz, secretariat):
    return approvals.open_request(
        kz,
        purpose="test",
        title="A measure for the fault drill",
        content={"text": "v1"},
        states=[kz],
        opened_by=secretariat,
    )


def test_with_redis_stopped_an_answer_is_recorded_and_emailed_once_when_redis_is_back(
    client, broker, redis_server, task_runs, kz, secretariat, approver_kz
):
    redis_server.stop()

    # A consent is asked (a service) and given (a web request) while the broker is down.
    request = open_request_for(kz, secretariat)
    client.force_login(approver_kz)
    started = time.monotonic()
    response = client.post(
        f"/approvals/{request.pk}/",
        {"decision": "approve", "comment": "Agreed", "seen_hash": request.content_hash},
    )
    assert response.status_code == 302, "the user sees no error"
    assert time.monotonic() - started < 10
    request.refresh_from_db()
    assert request.status == "approved"
    notices = Notification.objects.filter(key__startswith=f"approval:{request.pk}:")
    assert {n.recipient.username for n in notices} == {"approver-kz", "secretariat"}
    kept = OutboxMessage.objects.filter(task_name="cica_portal.email_notification", sent_at=None)
    assert kept.count() == 2
    assert kept.filter(attempts__gte=1).exclude(last_error="").exists()

    # Redis comes back: the periodic relay (what beat runs) hands the tasks over, once.
    redis_server.start()
    assert outbox.relay() == 2
    assert outbox.relay() == 0
    # A relay that sends a message twice (say it crashed before marking it sent) is harmless.
    OutboxMessage.objects.filter(task_name="cica_portal.email_notification").update(sent_at=None)
    assert outbox.relay() == 2

    with start_worker(broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        wait_until(lambda: task_runs.count("cica_portal.email_notification") == 4)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([approver_kz.email, secretariat.email])
    assert all(n.emailed_at for n in Notification.objects.filter(pk__in=[n.pk for n in notices]))
    assert not OutboxMessage.objects.filter(sent_at=None).exists()


def test_the_email_task_sent_twice_sends_one_email(broker, task_runs, fp_kz):
    (notice,) = notifications.notify(
        [fp_kz], key="faults-twice", notice=notifications.Notice("S", "B")
    )
    broker.send_task("cica_portal.email_notification", args=[notice.pk])  # a duplicate delivery
    with start_worker(broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        wait_until(lambda: task_runs.count("cica_portal.email_notification") == 2)
    assert len(mail.outbox) == 1


def test_a_hung_redis_costs_a_bounded_wait_and_keeps_the_message(
    client, monkeypatch, kz, secretariat, approver_kz
):
    silent = SilentServer()
    app = celery_app_for(silent.url)
    monkeypatch.setattr(outbox, "broker_app", lambda: app)
    try:
        started = time.monotonic()
        request = open_request_for(kz, secretariat)  # its after-commit relay meets the hung broker
        assert time.monotonic() - started < 10

        # After that slow failure, requests no longer wait for the broker: beat's relay retries.
        client.force_login(approver_kz)
        started = time.monotonic()
        response = client.post(
            f"/approvals/{request.pk}/",
            {"decision": "approve", "comment": "", "seen_hash": request.content_hash},
        )
        assert response.status_code == 302
        assert time.monotonic() - started < 2

        started = time.monotonic()
        assert outbox.relay() == 0
        assert time.monotonic() - started < 10
        assert OutboxMessage.objects.filter(sent_at=None).count() == 2
        assert silent.accepted, "the relay did reach the hung server"
    finally:
        app.close()
        silent.close()
