"""A request opened without a deadline gets the default one, and so its reminders; a meeting's
invitation is due before the meeting starts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cica_portal import approvals
from cica_portal.models import Notification, Organisation
from meetings import services as meetings
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_a_request_without_a_deadline_gets_the_default_days(settings, kz, secretariat):
    settings.APPROVAL_DEFAULT_DAYS = 10
    before = timezone.now()
    request = approvals.open_request(
        kz, purpose="test", title="t", content={}, states=[kz], opened_by=secretariat
    )
    assert before + timedelta(days=10) <= request.deadline <= timezone.now() + timedelta(days=10)


def test_a_deadline_given_is_kept(kz, secretariat):
    wanted = timezone.now() + timedelta(days=3)
    request = approvals.open_request(
        kz,
        purpose="test",
        title="t",
        content={},
        states=[kz],
        opened_by=secretariat,
        deadline=wanted,
    )
    assert request.deadline == wanted


def test_an_invitation_is_due_by_the_meeting_start_and_its_approvers_are_reminded(
    secretariat, approver_kz
):
    meeting = MeetingFactory(start=timezone.now() + timedelta(days=2, hours=1))
    interpol = Organisation.objects.get(code__iexact="interpol")
    invitation = meetings.invite_organisation(meeting, interpol, by=secretariat)
    request = invitation.approval
    assert request.deadline == meeting.start  # sooner than the 30 days' default
    assert approvals.remind_pending_answers() >= 1
    assert Notification.objects.filter(
        recipient=approver_kz, key=f"approval:{request.pk}:v1:reminder"
    ).exists()


def test_an_invitation_to_a_distant_meeting_gets_the_default(settings, secretariat):
    settings.APPROVAL_DEFAULT_DAYS = 30
    meeting = MeetingFactory(start=timezone.now() + timedelta(days=200))
    interpol = Organisation.objects.get(code__iexact="interpol")
    request = meetings.invite_organisation(meeting, interpol, by=secretariat).approval
    assert request.deadline < meeting.start
    assert request.deadline - timezone.now() > timedelta(days=29)
