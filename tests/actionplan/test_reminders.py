"""Reminders with Celery beat: each person once per occasion, even with concurrent runs."""

import datetime
import threading
import time
import uuid

import pytest
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from actionplan import services
from actionplan.models import ReviewCycle
from actionplan.services.review import reminder_threshold
from cica_portal.models import Notification
from tests.factories import FocalPointUserFactory, SecretariatFactory, state

from .factories import ReviewCycleFactory


def today():
    return timezone.localdate()


@pytest.fixture
def people(db):
    """Two focal points in KZ, one in RU and CN, and two Secretariat staff."""
    return {
        "kz": [
            FocalPointUserFactory(username="fp-kz", state=state("KZ")),
            FocalPointUserFactory(username="fp-kz-2", state=state("KZ")),
        ],
        "ru": FocalPointUserFactory(username="fp-ru", state=state("RU")),
        "cn": FocalPointUserFactory(username="fp-cn", state=state("CN")),
        "secretariat": [
            SecretariatFactory(username="secretariat"),
            SecretariatFactory(username="secretariat-2"),
        ],
    }


def test_it_picks_the_window_of_the_nearest_threshold():
    assert reminder_threshold(31, (30, 14, 3)) is None
    assert reminder_threshold(30, (30, 14, 3)) == 30
    assert reminder_threshold(20, (30, 14, 3)) == 30
    assert reminder_threshold(10, (30, 14, 3)) == 14
    assert reminder_threshold(0, (30, 14, 3)) == 3
    assert reminder_threshold(-1, (30, 14, 3)) is None


@pytest.mark.django_db
def test_it_reminds_the_focal_points_of_missing_reports_once(people):
    services.load_plan()
    cycle = ReviewCycleFactory(deadline_in=10)
    kz_report = services.start_report(cycle, actor=people["ru"])
    services.submit_report(kz_report, actor=people["ru"])
    services.send_review_reminders()
    key = f"review:{cycle.year}:report-missing:KZ:14"
    assert Notification.objects.filter(key=key).count() == 2
    assert (
        not Notification.objects.filter(recipient=people["ru"])
        .exclude(key__contains="opened")
        .filter(key__contains="report-missing")
        .exists()
    )
    assert Notification.objects.filter(recipient=people["cn"], key__endswith=":CN:14").exists()
    before = Notification.objects.count()
    assert services.send_review_reminders() == 0
    assert Notification.objects.count() == before


@pytest.mark.django_db
def test_each_threshold_is_its_own_occasion(people):
    cycle = ReviewCycleFactory(deadline_in=30)
    services.send_review_reminders(today())
    services.send_review_reminders(today() + datetime.timedelta(days=16))  # 14 days left
    services.send_review_reminders(today() + datetime.timedelta(days=28))  # 2 days left
    keys = set(people["cn"].notifications.values_list("key", flat=True))
    assert keys == {f"review:{cycle.year}:report-missing:CN:{d}" for d in (30, 14, 3)}


@pytest.mark.django_db
def test_it_reminds_the_secretariat_before_the_swg_and_soc_stages(people):
    cycle = ReviewCycleFactory(deadline_in=2)
    swg_eve = cycle.swg_start - datetime.timedelta(days=1)
    services.send_review_reminders(swg_eve)
    services.send_review_reminders(swg_eve)
    for user in people["secretariat"]:
        assert list(user.notifications.values_list("key", flat=True)) == [
            f"review:{cycle.year}:swg-starts:1"
        ]
    services.send_review_reminders(cycle.soc_start - datetime.timedelta(days=5))
    assert (
        people["secretariat"][0]
        .notifications.filter(key=f"review:{cycle.year}:soc-starts:7")
        .exists()
    )


@pytest.mark.django_db
def test_the_queries_do_not_grow_with_the_people(people, django_assert_max_num_queries):
    cycle = ReviewCycleFactory(deadline_in=3)
    services.send_review_reminders()
    Notification.objects.all().delete()
    for n in range(15):
        FocalPointUserFactory(username=f"fp-extra-{n}", state=state(["KZ", "RU", "CN"][n % 3]))
    # Bounded by the member states (one batch each), not by the people in them.
    with django_assert_max_num_queries(28 * 4 + 20):
        services.send_review_reminders()
    assert Notification.objects.filter(key__startswith=f"review:{cycle.year}").count() == 19


@pytest.mark.django_db
def test_a_planned_cycle_opens_when_due_once(people):
    cycle = ReviewCycleFactory(status="planned")
    assert services.open_due_cycles() == 1
    assert services.open_due_cycles() == 0
    cycle.refresh_from_db()
    assert cycle.status == "open"
    assert people["ru"].notifications.filter(key=f"review:{cycle.year}:opened").count() == 1


@pytest.mark.django_db
def test_a_cycle_not_yet_due_stays_planned(people):
    cycle = ReviewCycleFactory(status="planned", opens_on=today() + datetime.timedelta(days=3))
    assert services.open_due_cycles() == 0
    cycle.refresh_from_db()
    assert cycle.status == "planned"


@pytest.mark.django_db
def test_the_schedule_is_in_the_admin_editable_beat_tables():
    tasks = dict(PeriodicTask.objects.values_list("task", "enabled"))
    for name in (
        "actionplan.open_due_cycles",
        "actionplan.send_review_reminders",
        "cica_portal.remind_pending_approvals",
        "cica_portal.close_expired_approvals",
        "cica_portal.relay_outbox",
    ):
        assert tasks.get(name) is True, name
    relay = PeriodicTask.objects.get(task="cica_portal.relay_outbox")
    assert (relay.interval.every, relay.interval.period) == (30, "seconds")


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_runs_remind_each_person_once():
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL's concurrent transactions; SQLite serialises")
    FocalPointUserFactory(username="fp-kz", state=state("KZ"))
    FocalPointUserFactory(username="fp-kz-2", state=state("KZ"))
    FocalPointUserFactory(username="fp-cn", state=state("CN"))
    SecretariatFactory(username="secretariat")
    cycle = ReviewCycleFactory(status="planned", deadline_in=1)
    # the SWG starts tomorrow too: the Secretariat's reminder races as well
    ReviewCycle.objects.filter(pk=cycle.pk).update(
        report_deadline=today(), swg_start=today() + datetime.timedelta(days=1)
    )
    barrier, errors = threading.Barrier(2), []

    def run():
        try:
            barrier.wait()
            services.open_due_cycles()
            services.send_review_reminders()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    keys = list(Notification.objects.values_list("recipient__username", "key"))
    assert len(keys) == len(set(keys))
    assert ("fp-kz", f"review:{cycle.year}:report-missing:KZ:3") in keys
    assert ("fp-kz-2", f"review:{cycle.year}:opened") in keys
    assert ("secretariat", f"review:{cycle.year}:swg-starts:1") in keys
    from cica_portal.models import AuditRecord

    assert AuditRecord.objects.filter(action="actionplan.review.opened").count() == 1


@pytest.mark.services
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite has one writer: the worker's thread and the test lock each other out; "
    "CI runs this on PostgreSQL",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_the_reminders_once_even_when_sent_twice():
    from celery.contrib.testing.worker import start_worker

    from actionplan.tasks import send_review_reminders
    from portal_site.celery import app

    FocalPointUserFactory(username="fp-kz", state=state("KZ"))
    FocalPointUserFactory(username="fp-cn", state=state("CN"))
    cycle = ReviewCycleFactory(deadline_in=3)
    key = f"review:{cycle.year}:report-missing:KZ:3"
    # A queue of its own: the shared broker's default queue may hold other test processes'
    # messages, which this worker would otherwise run first (against the wrong database).
    queue = f"test-{uuid.uuid4().hex}"
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]
    ):
        send_review_reminders.apply_async(queue=queue)
        send_review_reminders.apply_async(queue=queue)
        for _ in range(150):
            if Notification.objects.filter(key=key).exists():
                break
            time.sleep(0.1)
        time.sleep(1)  # let the second run finish too
    assert Notification.objects.filter(key=key).count() == 1
    assert (
        Notification.objects.filter(key__startswith=f"review:{cycle.year}:report-missing").count()
        == 2
    )
