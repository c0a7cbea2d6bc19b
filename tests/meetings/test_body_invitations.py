"""International bodies: the member states agree, a letter goes to the body's contact point
(that is "sent"), its answer is recorded, an accepted body registers its delegation, and a body
refused can be proposed again with a new request, the history kept."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cica_portal import approvals
from cica_portal.models import AuditRecord, Notification, Organisation, State
from meetings import services
from meetings.models import Invitation, Letter, LetterKind, Registration
from meetings.services import MeetingError

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
def meeting():
    return MeetingFactory(title="Experts meeting on border control")


@pytest.fixture
def iom():
    return Organisation.objects.get(code__iexact="iom")


def _answer_all(invitation, approvers, decision="approve"):
    request = invitation.approval
    for approver in approvers:
        if request.status != "open":
            break
        approvals.answer_request(
            request,
            approver=approver,
            decision=decision,
            comment="Not now" if decision == "object" else "",
            seen_hash=request.content_hash,
        )
        request.refresh_from_db()
    invitation.refresh_from_db()
    return invitation


@pytest.fixture
def agreed(meeting, iom, secretariat, approvers):
    invitation = services.invite_organisation(
        meeting, iom, by=secretariat, contact_email="protocol@iom.example"
    )
    return _answer_all(invitation, approvers)


def test_an_invitation_opened_from_the_meeting_page_has_the_approvals_default_deadline(
    meeting, iom, secretariat, client
):
    client.force_login(secretariat)
    response = client.post(reverse("meetings:invite", args=[meeting.pk]), {"organisation": iom.pk})
    assert response.status_code == 302
    invitation = Invitation.objects.get(meeting=meeting)
    deadline = invitation.approval.deadline
    assert deadline is not None
    assert abs(deadline - min(approvals.default_deadline(), meeting.start)) < timedelta(minutes=1)


def test_agreed_is_not_sent_until_the_letter_goes_to_the_contact_point(agreed, secretariat):
    assert agreed.status == Invitation.Status.AGREED
    sent = services.send_invitation_letter(agreed, by=secretariat, language="ru")
    assert sent.status == Invitation.Status.SENT
    assert sent.sent_at is not None
    assert sent.answer_due is not None
    letter = sent.letter
    assert letter.kind == LetterKind.BODY_INVITATION
    assert letter.sent_to == "protocol@iom.example"
    assert letter.state is None
    assert "Приглашение" in letter.subject
    assert AuditRecord.objects.filter(action="meetings.invitation.sent").exists()
    services.email_letter(letter.pk)
    [message] = mail.outbox
    assert message.to == ["protocol@iom.example"]
    assert message.attachments[0][0].endswith("-ru.pdf")


def test_a_letter_needs_the_contact_points_email(meeting, iom, secretariat, approvers, client):
    invitation = _answer_all(services.invite_organisation(meeting, iom, by=secretariat), approvers)
    client.force_login(secretariat)
    url = reverse("meetings:invitation-send", args=[invitation.pk])
    response = client.post(url, {"language": "en", "contact_email": ""})
    assert response.status_code == 400
    assert "contact_email" in response.context["form"].errors
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.AGREED


def test_the_answer_is_recorded_and_an_accepted_body_registers_its_delegation(
    agreed, secretariat, client
):
    services.send_invitation_letter(agreed, by=secretariat, language="en")
    client.force_login(secretariat)
    url = reverse("meetings:invitation-answer", args=[agreed.pk])
    assert client.post(url, {"answer": "accepted", "note": "Letter of 3 March"}).status_code == 302
    agreed.refresh_from_db()
    assert agreed.status == Invitation.Status.ACCEPTED
    assert agreed.answered_at is not None
    line = services.register_body_delegation(
        agreed, by=secretariat, delegates=[{"name": "IOM Regional Director", "role": "head"}]
    )
    assert line.organisation_id == agreed.organisation_id
    assert line.state is None
    assert line.status == Registration.Status.CONFIRMED
    assert line.validated_at is not None
    assert line.group == "body"


def test_a_body_that_was_not_sent_an_invitation_cannot_answer(agreed, secretariat):
    with pytest.raises(MeetingError):
        services.record_invitation_answer(agreed, by=secretariat, accepted=True)


def test_a_refused_body_is_proposed_again_with_a_new_request_and_the_history_kept(
    meeting, iom, secretariat, approvers, client
):
    first = services.invite_organisation(meeting, iom, by=secretariat)
    first = _answer_all(first, approvers[:1], decision="object")
    assert first.status == Invitation.Status.NOT_AGREED
    client.force_login(secretariat)
    response = client.post(reverse("meetings:invitation-propose-again", args=[first.pk]))
    assert response.status_code == 302
    second = Invitation.objects.get(meeting=meeting, previous=first)
    assert second.status == Invitation.Status.AWAITING_APPROVAL
    assert second.approval_id != first.approval_id
    assert Invitation.objects.filter(meeting=meeting, organisation=iom).count() == 2
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "proposed again" in page
    # Proposing the first one again a second time is refused: the new proposal is live.
    assert (
        client.post(reverse("meetings:invitation-propose-again", args=[first.pk])).status_code
        == 404
    )


def test_a_live_proposal_cannot_be_doubled(meeting, iom, secretariat):
    services.invite_organisation(meeting, iom, by=secretariat)
    with pytest.raises(MeetingError, match="already proposed"):
        services.invite_organisation(meeting, iom, by=secretariat)


def test_the_secretariat_is_reminded_once_of_an_overdue_answer(agreed, secretariat):
    services.send_invitation_letter(agreed, by=secretariat, language="en")
    later = timezone.now() + timedelta(days=400)
    assert services.remind_unanswered_invitations(now=later) == 1
    assert services.remind_unanswered_invitations(now=later) == 0
    assert Notification.objects.filter(
        recipient=secretariat, key=f"meetings:invitation:{agreed.pk}:answer-overdue"
    ).exists()


def test_a_focal_point_cannot_send_or_read_a_bodys_letter(agreed, secretariat, fp_kz, client):
    services.send_invitation_letter(agreed, by=secretariat, language="en")
    letter = Letter.objects.get(kind=LetterKind.BODY_INVITATION)
    client.force_login(fp_kz)
    assert client.get(reverse("meetings:letter-pdf", args=[letter.pk])).status_code == 404
    assert client.get(reverse("meetings:invitation-send", args=[agreed.pk])).status_code == 403
