"""The network's notices are kinds on the preferences page: what asks for action is always
emailed at once; the news of a verification may wait for a digest; all show on the
notifications page."""

import pytest
from django.urls import reverse

from cica_portal import notice_kinds, notice_preferences
from cica_portal.errors import DomainError
from cica_portal.models import Notification
from focalpoints import services
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
