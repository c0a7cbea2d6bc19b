"""The network's notices are kinds on the preferences page: what asks for action is always
emailed at once; the news of a verification may wait for a digest; all show on the
notifications page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cica_portal import notice_kinds, notice_preferences
from cica_portal.errors import DomainError
from cica_portal.models import Notification
from focalpoints import services
from focalpoints.models import FocalPoint
from tests.focalpoints.factories import FocalPointFactory

pytestmark = pytest.mark.django_db

KEYS = {
    "fp:12:confirm:2026:2026-W07": ("focalpoints.confirmation", True),
    "fp:commtest:31": ("focalpoints.communication_test", True),
    "fp:commtest:31:escalated": ("focalpoints.communication_test_escalated", True),
    "fp:12:nominated": ("focalpoints.to_verify", True),
    "fp:12:resubmitted:4": ("focalpoints.to_verify", True),
    "fp:12:changes:5": ("focalpoints.to_verify", True),
    "fp:12:returned:3": ("focalpoints.returned", True),
    "fp:12:term-ends:2026-12-31": ("focalpoints.term_ends", True),
    "fp:12:stale:20251015090000": ("focalpoints.stale", True),
    "fp:12:verified:20260214093000123456": ("focalpoints.verified", False),
}


@pytest.mark.parametrize("key", sorted(KEYS))
def test_it_knows_the_kind_of_each_key_the_network_writes(key):
    kind = notice_kinds.for_key(key)
    assert kind is not None, key
    assert (kind.name, kind.needs_action) == KEYS[key]


def test_a_confirmation_reminder_is_emailed_at_once_even_to_who_chose_a_digest(fp_kz, secretariat):
    FocalPointFactory(user=fp_kz)
    # The page offers only "immediately" for it; the service refuses anything else.
    with pytest.raises(DomainError):
        notice_preferences.set_notice_preference(
            fp_kz, "focalpoints.confirmation", "weekly", by=fp_kz
        )
    services.open_campaign(actor=secretariat, year=2026)
    (reminder,) = Notification.objects.filter(recipient=fp_kz, key__contains=":confirm:")
    assert reminder.kind == "focalpoints.confirmation"
    assert reminder.email_status == "pending"


def test_the_news_of_a_verification_may_wait_for_the_weekly_digest(approver_kz, secretariat):
    notice_preferences.set_notice_preference(
        approver_kz, "focalpoints.verified", "weekly", by=approver_kz
    )
    entry = FocalPointFactory(status="nominated", areas=[2])
    services.verify(entry, actor=secretariat)
    (news,) = Notification.objects.filter(recipient=approver_kz, key__contains=":verified:")
    assert news.kind == "focalpoints.verified"
    assert news.email_status == "weekly"


def test_the_network_kinds_are_on_the_preferences_and_notifications_pages(
    fp_kz, secretariat, client
):
    FocalPointFactory(user=fp_kz)
    client.force_login(fp_kz)
    preferences = client.get(reverse("notice-preferences")).content.decode()
    assert "Focal points verified and in the directory" in preferences
    assert "Communication tests to acknowledge" in preferences
    services.start_communication_test(actor=secretariat)
    page = client.get(reverse("notifications"), {"kind": "focalpoints.communication_test"})
    assert page.status_code == 200
    assert [n.subject for n in page.context["page"].object_list] == [
        "Communication test: please acknowledge"
    ]


def test_an_entry_gone_stale_is_told_once_to_its_focal_point_and_approver(
    fp_kz, approver_kz, monkeypatch
):
    confirmed = datetime.datetime(2025, 10, 15, 9, 0, tzinfo=datetime.UTC)
    entry = FocalPointFactory(
        user=fp_kz, term_start=datetime.date(2025, 1, 1), term_end=datetime.date(2030, 1, 1)
    )
    FocalPoint.objects.filter(pk=entry.pk).update(last_confirmed_at=confirmed)
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(2026, 11, 15, 8, 0, tzinfo=datetime.UTC)
    )
    assert services.tell_stale_entries() == 0  # a month short of 13: not stale yet
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(2026, 11, 16, 8, 0, tzinfo=datetime.UTC)
    )
    assert services.tell_stale_entries() == 2
    assert services.tell_stale_entries() == 0  # the next day's run: nothing new
    told = Notification.objects.filter(key__contains=":stale:")
    assert set(told.values_list("recipient__username", flat=True)) == {"fp-kz", "approver-kz"}
    assert {n.kind for n in told} == {"focalpoints.stale"}
    assert {n.email_status for n in told} == {"pending"}


def test_stale_entries_are_told_daily_by_beat():
    assert PeriodicTask.objects.filter(task="focalpoints.tell_stale_entries", enabled=True).exists()
