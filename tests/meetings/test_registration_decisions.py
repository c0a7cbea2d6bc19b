"""The registration form fits the meeting; withdrawals ask first and tell the Secretariat; the
Secretariat returns or declines a delegation with a reason and is reminded of unconfirmed ones."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cica_portal.models import Notification
from meetings import services
from meetings.models import Meeting, Registration
from meetings.services.errors import MeetingError

from .factories import DelegateFactory, MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

HEAD = {"name": "Head of the national police", "position": "General", "role": "head"}
EXPERT = {"name": "Border expert", "position": "Colonel", "role": "expert"}


def delegate_rows_shown(client, meeting) -> int:
    response = client.get(reverse("meetings:register", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode().count("<legend>")


def test_the_form_offers_as_many_delegate_rows_as_the_cap_allows(client, fp_kz):
    client.force_login(fp_kz)
    assert delegate_rows_shown(client, MeetingFactory(max_delegates_per_state=6)) == 6
    assert delegate_rows_shown(client, MeetingFactory(max_delegates_per_state=None)) == 3


def test_the_form_adds_only_the_rows_left_under_the_cap_to_a_registered_delegation(client, fp_kz):
    meeting = MeetingFactory(max_delegates_per_state=5)
    services.register_delegation(meeting, by=fp_kz, delegates=[HEAD, EXPERT])
    client.force_login(fp_kz)
    assert delegate_rows_shown(client, meeting) == 5


@pytest.mark.parametrize("closed", ["cancelled", "past"])
def test_a_closed_or_past_meeting_shows_why_and_no_form(client, fp_kz, closed):
    if closed == "cancelled":
        meeting = MeetingFactory(status=Meeting.Status.CANCELLED)
    else:
        start = timezone.now() - timedelta(days=2)
        meeting = MeetingFactory(start=start, end=start + timedelta(hours=8))
    client.force_login(fp_kz)
    url = reverse("meetings:register", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "<legend>" not in page
    assert 'role="status"' in page
    response = client.post(url, {"delegates-TOTAL_FORMS": "1", "delegates-0-name": "X"})
    assert response.status_code == 409
    assert not Registration.objects.exists()


def test_withdrawing_asks_first_and_then_tells_the_secretariat(client, fp_kz, secretariat):
    meeting = MeetingFactory()
    registration = services.register_delegation(meeting, by=fp_kz, delegates=[HEAD])
    services.confirm_registration(registration, by=secretariat)
    client.force_login(fp_kz)
    url = reverse("meetings:registration-withdraw", args=[registration.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Withdraw the delegation?" in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert client.post(url).status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.WITHDRAWN
    notice = Notification.objects.get(
        recipient=secretariat, subject__startswith="Delegation withdrawn"
    )
    assert meeting.title in notice.subject


def test_a_returned_delegation_can_be_changed_and_registered_again(client, fp_kz, secretariat):
    meeting = MeetingFactory()
    registration = services.register_delegation(meeting, by=fp_kz, delegates=[HEAD])
    client.force_login(secretariat)
    url = reverse("meetings:registration-decide", args=[registration.pk])
    response = client.post(url, {"action": "return", "reason": "Name the head's position"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.RETURNED
    assert registration.decision_reason == "Name the head's position"
    notice = Notification.objects.get(recipient=fp_kz, subject__startswith="Delegation returned")
    assert "Name the head's position." in notice.body
    services.register_delegation(meeting, by=fp_kz, delegates=[HEAD, EXPERT])
    registration.refresh_from_db()
    assert registration.status == Registration.Status.SUBMITTED
    assert registration.decision_reason == ""


def test_a_declined_delegation_cannot_be_registered_again(client, fp_kz, secretariat):
    meeting = MeetingFactory()
    registration = services.register_delegation(meeting, by=fp_kz, delegates=[HEAD])
    services.decline_registration(registration, by=secretariat, reason="Not a member state body")
    assert Notification.objects.filter(recipient=fp_kz, subject__startswith="Delegation declined")
    with pytest.raises(MeetingError, match="declined"):
        services.register_delegation(meeting, by=fp_kz, delegates=[HEAD])
    client.force_login(fp_kz)
    page = client.get(reverse("meetings:register", args=[meeting.pk])).content.decode()
    assert "<legend>" not in page
    assert "declined" in page
    participants = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Not a member state body" in participants


def test_a_decision_without_a_reason_is_a_form_error_and_changes_nothing(
    client, fp_kz, secretariat
):
    registration = services.register_delegation(MeetingFactory(), by=fp_kz, delegates=[HEAD])
    client.force_login(secretariat)
    url = reverse("meetings:registration-decide", args=[registration.pk])
    response = client.post(url, {"action": "decline", "reason": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.SUBMITTED


def test_only_the_secretariat_decides_on_a_registration(client, fp_kz, approver_kz):
    registration = services.register_delegation(MeetingFactory(), by=fp_kz, delegates=[HEAD])
    with pytest.raises(MeetingError, match="Only the Secretariat"):
        services.return_registration(registration, by=approver_kz, reason="No")
    client.force_login(fp_kz)
    url = reverse("meetings:registration-decide", args=[registration.pk])
    assert client.post(url, {"action": "decline", "reason": "No"}).status_code == 403


def test_a_declined_delegation_leaves_the_participants_and_gets_no_seat(fp_kz, secretariat):
    from meetings import selectors

    meeting = MeetingFactory()
    registration = services.register_delegation(meeting, by=fp_kz, delegates=[HEAD])
    services.decline_registration(registration, by=secretariat, reason="Late")
    assert list(selectors.participants_of(meeting)) == []
    assert list(selectors.registrations_answered(meeting)) == [registration]


def test_the_secretariat_is_reminded_once_a_day_of_delegations_waiting_two_days(
    fp_kz, fp_ru, secretariat
):
    meeting = MeetingFactory()
    old = RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    RegistrationFactory(meeting=meeting, registered_by=fp_ru)  # registered just now
    DelegateFactory(registration=old)
    Registration.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=3))
    assert services.remind_unconfirmed_registrations() == 1
    assert services.remind_unconfirmed_registrations() == 0  # the same day: already told
    notice = Notification.objects.get(recipient=secretariat)
    assert "Kazakhstan" in notice.body
    assert "Russia" not in notice.body
    assert services.remind_unconfirmed_registrations(now=timezone.now() + timedelta(days=1)) == 1
