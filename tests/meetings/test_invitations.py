"""International bodies take part only when the member states agree: consensus of all."""

import pytest
from django.urls import reverse

from cica_portal import approvals
from cica_portal.models import ApprovalRequest, AuditRecord, Notification, Organisation, State
from meetings import services
from meetings.models import Invitation, Kind

from ..factories import ApproverFactory
from .factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def approvers(db):
    return [
        ApproverFactory(username=f"approver-{s.code.lower()}", state=s)
        for s in State.objects.members().order_by("code")
    ]


@pytest.fixture
def chiefs_meeting():
    return MeetingFactory(title="CICA Chiefs of Police meeting", kind=Kind.CHIEFS_OF_POLICE)


@pytest.fixture
def interpol():
    return Organisation.objects.get(code__iexact="interpol")


def test_it_is_agreed_when_the_last_member_state_approves_and_unsent_until_its_letter(
    chiefs_meeting, interpol, secretariat, approvers
):
    invitation = services.invite_organisation(chiefs_meeting, interpol, by=secretariat)
    request = invitation.approval
    assert request.required_states.count() == State.objects.members().count() == len(approvers)
    *all_but_last, last = approvers
    for approver in all_but_last:
        approvals.answer_request(
            request, approver=approver, decision="approve", seen_hash=request.content_hash
        )
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.AWAITING_APPROVAL
        assert invitation.sent_at is None
    approvals.answer_request(
        request, approver=last, decision="approve", seen_hash=request.content_hash
    )
    invitation.refresh_from_db()
    # "Sent" means a letter went to the body (tests/meetings/test_body_invitations.py).
    assert invitation.status == Invitation.Status.AGREED
    assert invitation.sent_at is None
    assert Notification.objects.filter(
        recipient=secretariat, key=f"meetings:invitation:{invitation.pk}:agreed"
    ).exists()
    assert AuditRecord.objects.filter(action="meetings.invitation.agreed").exists()


def test_one_objection_means_it_is_never_sent(chiefs_meeting, interpol, secretariat, approvers):
    invitation = services.invite_organisation(chiefs_meeting, interpol, by=secretariat)
    approvals.answer_request(
        invitation.approval,
        approver=approvers[0],
        decision="object",
        comment="Not agreed",
        seen_hash=invitation.approval.content_hash,
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.NOT_AGREED
    assert invitation.sent_at is None
    assert invitation.approval.status == ApprovalRequest.Status.REJECTED


def test_the_same_body_is_not_proposed_twice(chiefs_meeting, interpol, secretariat):
    services.invite_organisation(chiefs_meeting, interpol, by=secretariat)
    with pytest.raises(services.MeetingError):
        services.invite_organisation(chiefs_meeting, interpol, by=secretariat)


def test_the_approval_page_shows_the_invitation_to_an_approver(
    client, chiefs_meeting, interpol, secretariat, approver_kz
):
    invitation = services.invite_organisation(
        chiefs_meeting, interpol, by=secretariat, message="Lost and stolen documents database"
    )
    client.force_login(approver_kz)
    response = client.get(reverse("approval-detail", args=[invitation.approval.pk]))
    assert response.status_code == 200
    assert b"Lost and stolen documents database" in response.content


def test_the_secretariat_invites_from_the_meeting_page(
    client, chiefs_meeting, interpol, secretariat
):
    client.force_login(secretariat)
    url = reverse("meetings:invite", args=[chiefs_meeting.pk])
    response = client.post(url, {"organisation": interpol.pk, "message": "Why"})
    assert response.status_code == 302
    assert Invitation.objects.get().status == Invitation.Status.AWAITING_APPROVAL


def test_a_focal_point_may_not_invite(client, chiefs_meeting, interpol, fp_kz):
    client.force_login(fp_kz)
    url = reverse("meetings:invite", args=[chiefs_meeting.pk])
    assert client.post(url, {"organisation": interpol.pk}).status_code == 403
    assert not Invitation.objects.exists()


def test_the_invite_page_takes_only_post(client, chiefs_meeting, secretariat):
    client.force_login(secretariat)
    assert client.get(reverse("meetings:invite", args=[chiefs_meeting.pk])).status_code == 405


def test_the_invite_page_refuses_an_unknown_body(client, chiefs_meeting, secretariat):
    client.force_login(secretariat)
    url = reverse("meetings:invite", args=[chiefs_meeting.pk])
    response = client.post(url, {"organisation": 99999})
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_the_invite_page_404s_for_a_missing_meeting(client, secretariat, interpol):
    client.force_login(secretariat)
    url = reverse("meetings:invite", args=[4242])
    assert client.post(url, {"organisation": interpol.pk}).status_code == 404
