"""Digests: the previous day (or week) in the person's zone, grouped by subject, newest first,
in their language, sent exactly once per period however many runs try."""

import re
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import translation

from cica_portal import digests, notice_preferences, notifications
from cica_portal.models import NoticeDigest, Notification, OutboxMessage
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")  # UTC+05:00 all year


def local(*args):
    return datetime(*args, tzinfo=ALMATY)


@pytest.fixture
def reader(fp_kz):
    fp_kz.time_zone = "Asia/Almaty"
    fp_kz.save(update_fields=["time_zone"])
    for kind in ("exchange.released", "meetings.changed", "meetings.upcoming"):
        notice_preferences.set_notice_preference(fp_kz, kind, "daily", by=fp_kz)
    return fp_kz


def held(user, key, at, *, subject="S", url="/exchange/shares/1/"):
    """A notice held for the digest, written at `at` (the clock frozen there)."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        (notice,) = notifications.notify(
            [user], key=key, notice=notifications.Notice(subject, "Body of " + subject), url=url
        )
    assert notice.email_status in ("daily", "weekly")
    return notice


def test_the_last_day_and_week_are_the_persons_own(reader):
    now = local(2026, 12, 3, 0, 30)  # a Thursday, just after midnight in Almaty
    day = digests.last_period(reader, "daily", now)
    assert (day.start, day.end) == (local(2026, 12, 2), local(2026, 12, 3))
    week = digests.last_period(reader, "weekly", now)
    assert (week.start, week.end) == (local(2026, 11, 23), local(2026, 11, 30))
    # 20:00 UTC on 2 December is already 3 December in Almaty: the 2nd is the last day there.
    utc_evening = datetime(2026, 12, 2, 20, 0, tzinfo=ZoneInfo("UTC"))
    assert digests.last_period(reader, "daily", utc_evening).starts_on.isoformat() == "2026-12-02"


def test_a_daily_digest_covers_exactly_the_previous_day(reader):
    before = held(reader, "exchange:share:1:released", local(2026, 12, 1, 23, 59), subject="Dec1")
    first = held(reader, "exchange:share:2:released", local(2026, 12, 2, 0, 0), subject="Start")
    last = held(reader, "exchange:share:3:released", local(2026, 12, 2, 23, 59), subject="End")
    after = held(reader, "exchange:share:4:released", local(2026, 12, 3, 0, 0), subject="Dec3")

    assert digests.send_digest(reader.pk, "daily", "2026-12-01", now=local(2026, 12, 2, 0, 30))
    assert digests.send_digest(reader.pk, "daily", "2026-12-02", now=local(2026, 12, 3, 0, 30))

    assert len(mail.outbox) == 2
    on_the_1st, on_the_2nd = (message.body for message in mail.outbox)
    assert "Dec1" in on_the_1st
    assert "Start" not in on_the_1st
    assert "Start" in on_the_2nd
    assert "End" in on_the_2nd
    assert "Dec1" not in on_the_2nd
    assert "Dec3" not in on_the_2nd
    for notice in (before, first, last):
        notice.refresh_from_db()
        assert notice.email_status == "sent"
        assert notice.digest is not None
    after.refresh_from_db()
    assert after.email_status == "daily"  # waits for the 3rd's digest


def test_a_day_not_over_yet_is_not_sent(reader):
    held(reader, "exchange:share:1:released", local(2026, 12, 3, 9, 0))
    assert digests.due_digests(local(2026, 12, 3, 18, 0)) == []
    assert not digests.send_digest(reader.pk, "daily", "2026-12-03", now=local(2026, 12, 3, 18))
    assert not NoticeDigest.objects.exists()


def test_a_digest_groups_by_subject_newest_first(reader):
    share, meeting = "/exchange/shares/1/", "/meetings/5/"
    held(reader, "exchange:share:1:released", local(2026, 12, 2, 9), subject="Share one", url=share)
    held(reader, "meetings:5:changed:1", local(2026, 12, 2, 10), subject="Moved", url=meeting)
    held(reader, "meetings:5:upcoming", local(2026, 12, 2, 11), subject="Coming", url=meeting)
    digests.send_digest(reader.pk, "daily", "2026-12-02", now=local(2026, 12, 3, 1))
    (message,) = mail.outbox
    body = message.body
    # The meeting's group first (its newest notice is the newest), its notices newest first.
    assert body.index("== Coming ==") < body.index("== Share one ==")
    assert body.index("Coming") < body.index("Moved") < body.index("Share one")
    assert body.count("== ") == 2
    assert "3 notices" in message.subject
    assert "Asia/Almaty" in body  # times in the reader's zone, named


def test_a_digest_is_written_in_the_persons_language(reader):
    reader.language = "ru"
    reader.save(update_fields=["language"])
    held(reader, "exchange:share:1:released", local(2026, 12, 2, 9))
    digests.send_digest(reader.pk, "daily", "2026-12-02", now=local(2026, 12, 3, 1))
    (message,) = mail.outbox
    with translation.override("ru"):
        expected = translation.gettext("Choose how you receive each kind:")
    assert expected != "Choose how you receive each kind:"
    assert expected in message.body
    assert "Your daily digest" not in message.subject


def test_a_weekly_digest_covers_monday_to_sunday(reader):
    notice_preferences.set_notice_preference(reader, "exchange.released", "weekly", by=reader)
    inside = held(reader, "exchange:share:1:released", local(2026, 11, 29, 23, 0), subject="Sun")
    later = held(reader, "exchange:share:2:released", local(2026, 11, 30, 8, 0), subject="Mon")
    assert digests.due_digests(local(2026, 12, 3, 1)) == [(reader.pk, "weekly", "2026-11-23")]
    assert digests.send_digest(reader.pk, "weekly", "2026-11-23", now=local(2026, 12, 3, 1))
    (message,) = mail.outbox
    assert "Sun" in message.body
    assert "Mon" not in message.body
    inside.refresh_from_db()
    later.refresh_from_db()
    assert (inside.email_status, later.email_status) == ("sent", "weekly")


def test_a_digest_run_twice_is_sent_once(reader):
    held(reader, "exchange:share:1:released", local(2026, 12, 2, 9))
    now = local(2026, 12, 3, 1)
    assert digests.due_digests(now) == [(reader.pk, "daily", "2026-12-02")]
    assert digests.send_digest(reader.pk, "daily", "2026-12-02", now=now) is True
    assert digests.send_digest(reader.pk, "daily", "2026-12-02", now=now) is False
    assert digests.due_digests(now) == []
    assert len(mail.outbox) == 1
    assert NoticeDigest.objects.get().count == 1


def test_the_beat_job_queues_one_task_per_digest_due(reader, fp_ru):
    notice_preferences.set_notice_preference(fp_ru, "exchange.released", "daily", by=fp_ru)
    held(reader, "exchange:share:1:released", local(2026, 12, 2, 9))
    held(fp_ru, "exchange:share:1:released", local(2026, 12, 2, 9))
    with mock.patch("cica_portal.outbox.relay"):
        assert digests.send_due_digests(local(2026, 12, 3, 6)) == 2
    queued = OutboxMessage.objects.filter(task_name="cica_portal.send_digest")
    assert sorted(m.args[0] for m in queued) == sorted([reader.pk, fp_ru.pk])


def test_a_worker_killed_after_its_claim_is_taken_over_once_its_lease_ends(reader):
    held(reader, "exchange:share:1:released", local(2026, 12, 2, 9))
    now = local(2026, 12, 3, 1)
    claim = NoticeDigest.objects.create(
        user=reader,
        period="daily",
        starts_on=now.date() - timedelta(days=1),
        status="sending",
        claimed_until=now + timedelta(minutes=5),
        attempts=1,
    )
    assert digests.send_digest(reader.pk, "daily", "2026-12-02", now=now) is False  # still held
    later = now + timedelta(minutes=11)
    assert digests.due_digests(later) == [(reader.pk, "daily", "2026-12-02")]
    assert digests.send_digest(reader.pk, "daily", "2026-12-02", now=later) is True
    claim.refresh_from_db()
    assert (claim.status, claim.attempts, len(mail.outbox)) == ("sent", 2, 1)


def test_a_mail_server_fault_leaves_the_digest_to_the_next_run(reader):
    held(reader, "exchange:share:1:released", local(2026, 12, 2, 9))
    now = local(2026, 12, 3, 1)
    with mock.patch("cica_portal.digests.send_mail", side_effect=OSError("smtp down")):
        assert digests.send_digest(reader.pk, "daily", "2026-12-02", now=now) is False
    assert Notification.objects.get().email_status == "daily"
    assert digests.send_digest(reader.pk, "daily", "2026-12-02", now=now + timedelta(hours=1))
    assert len(mail.outbox) == 1


def test_the_digest_carries_a_working_unsubscribe_link_per_kind(reader, client):
    held(reader, "exchange:share:1:released", local(2026, 12, 2, 9))
    held(reader, "meetings:5:upcoming", local(2026, 12, 2, 10), url="/meetings/5/")
    digests.send_digest(reader.pk, "daily", "2026-12-02", now=local(2026, 12, 3, 1))
    links = re.findall(r"(/account/notifications/unsubscribe/[^/\s]+/)", mail.outbox[0].body)
    assert len(links) == 2
    for link in links:
        assert client.get(link).status_code == 200
    assert client.post(links[0]).status_code == 200
    assert reader.notice_preferences.get(kind="exchange.released").delivery == "portal"
    assert reader.notice_preferences.get(kind="meetings.upcoming").delivery == "daily"
    assert reverse("notice-unsubscribe", args=["x"]).startswith("/account/notifications/")


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_beats_and_workers_at_once_send_one_digest(fp_kz):
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL's concurrent transactions")
    notice_preferences.set_notice_preference(fp_kz, "exchange.released", "daily", by=fp_kz)
    for n in range(3):
        held(
            fp_kz, f"exchange:share:{n}:released", datetime(2026, 12, 2, 9, tzinfo=ZoneInfo("UTC"))
        )
    now = datetime(2026, 12, 3, 6, tzinfo=ZoneInfo("UTC"))
    sent = []

    def run():
        sent.append(digests.send_digest(fp_kz.pk, "daily", "2026-12-02", now=now))

    errors = run_together(run, run, run, run)
    assert errors == []
    assert sent.count(True) == 1
    assert len(mail.outbox) == 1
    assert NoticeDigest.objects.get().count == 3
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}
