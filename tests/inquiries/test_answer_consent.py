"""An answer carrying information of third states is put to those states' approval (purpose
"inquiries.answer") and reaches the requester only when every one of them consents."""

import pytest
from django.test import Client
from django.urls import reverse

from cica_portal import approvals
from cica_portal.models import ApprovalRequest, Notification
from inquiries import services
from inquiries.models import RequestedState
from inquiries.services import InquiryError
from tests.factories import ApproverFactory, api_token_for, state

from .factories import part_of, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def approver_uz(db):
    return ApproverFactory(username="approver-uz", state=state("UZ"))


@pytest.fixture
def held(fp_kz, fp_ru, approver_cn, approver_uz):
    """RU's answer carries information of China and Uzbekistan."""
    request = send(fp_kz, to=("RU",))
    return services.answer_request(
        part_of(request, "RU"),
        by=fp_ru,
        outcome="answer",
        answer="Crossed with a Chinese and an Uzbek national. THIRD-MARK",
        third_states=[state("CN"), state("UZ")],
    )


def _decide(part, approver, decision):
    part.refresh_from_db()
    approvals.answer_request(
        part.approval,
        approver=approver,
        decision=decision,
        comment="" if decision == "approve" else "Our information stays with us.",
        seen_hash=part.approval.content_hash,
    )
    part.refresh_from_db()
    return part


def test_an_answer_with_third_states_information_waits_for_their_consent(held, fp_kz, approver_cn):
    assert held.status == RequestedState.Status.AWAITING_CONSENT
    assert held.consent == RequestedState.Consent.PENDING
    assert held.approval.purpose == "inquiries.answer"
    assert sorted(s.code for s in held.approval.required_states.all()) == ["CN", "UZ"]
    assert Notification.objects.filter(recipient=approver_cn, key__startswith="approval:").exists()
    assert not Notification.objects.filter(recipient=fp_kz, key__endswith=":answered").exists()


def test_the_requester_does_not_read_an_answer_awaiting_consent(held, fp_kz, api_client):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(fp_kz)}")
    body = api_client.get(f"/api/v1/information-requests/{held.request_id}/").json()
    assert body["requested_states"][0]["answer"] is None
    assert body["requested_states"][0]["status"] == "awaiting_consent"
    assert b"THIRD-MARK" not in api_client.get("/api/v1/information-requests/").content


def test_it_is_released_to_the_requester_when_every_third_state_consents(
    held, fp_kz, approver_cn, approver_uz
):
    part = _decide(held, approver_cn, "approve")
    assert part.status == RequestedState.Status.AWAITING_CONSENT  # Uzbekistan has not answered
    part = _decide(part, approver_uz, "approve")
    assert part.status == RequestedState.Status.ANSWERED
    assert part.consent == RequestedState.Consent.APPROVED
    assert part.released_at is not None
    assert Notification.objects.filter(
        recipient=fp_kz, key=f"inquiries:{part.pk}:answered"
    ).exists()
    client = Client()
    client.force_login(fp_kz)
    page = client.get(reverse("inquiries:detail", args=[part.request_id]))
    assert b"THIRD-MARK" in page.content


def test_one_refusal_keeps_the_answer_from_the_requester_and_asks_for_a_new_one(
    held, fp_kz, fp_ru, approver_cn
):
    part = _decide(held, approver_cn, "object")
    assert part.approval.status == ApprovalRequest.Status.REJECTED
    assert part.status == RequestedState.Status.PENDING
    assert part.consent == RequestedState.Consent.DECLINED
    assert Notification.objects.filter(
        recipient=fp_ru, key=f"approval:{part.approval_id}:closed"
    ).exists()
    assert not Notification.objects.filter(recipient=fp_kz, key__endswith=":answered").exists()
    # RU answers again, without the third states' information: released at once.
    again = services.answer_request(
        part, by=fp_ru, outcome="partial", answer="Crossed.", refusal_reason="national_law"
    )
    assert again.status == RequestedState.Status.PARTIAL


def test_the_consent_request_is_shown_to_the_answering_and_third_states_only(
    held, fp_kz, fp_ru, approver_cn, approver_ru
):
    # The approvals' lists show a request to the states it asks; its subject (the answer) is
    # readable by those and by the answering state, never by the requester.
    for user, asked in ((approver_cn, True), (approver_ru, False), (fp_kz, False)):
        visible = approvals.requests_visible_to(user).filter(pk=held.approval_id).exists()
        assert visible is asked, user.username
    for user, reads in ((approver_cn, True), (fp_ru, True), (fp_kz, False)):
        assert approvals.may_read_subject(user, held.approval) is reads, user.username
    client = Client()
    client.force_login(fp_kz)
    assert client.get(reverse("approval-detail", args=[held.approval_id])).status_code == 404


def test_the_requesting_and_answering_states_are_not_third_states(fp_kz, fp_ru):
    request = send(fp_kz, to=("RU",))
    part = services.answer_request(
        part_of(request, "RU"),
        by=fp_ru,
        outcome="answer",
        answer="Only our own and your information.",
        third_states=[state("KZ"), state("RU")],
    )
    assert part.status == RequestedState.Status.ANSWERED
    assert part.approval is None


def test_a_refusal_carries_no_third_states_information(fp_kz, fp_ru):
    request = send(fp_kz, to=("RU",))
    part = services.answer_request(
        part_of(request, "RU"),
        by=fp_ru,
        outcome="refuse",
        refusal_reason="judicial",
        third_states=[state("CN")],
    )
    assert part.status == RequestedState.Status.REFUSED
    assert part.approval is None


def test_an_observer_state_is_refused_as_a_third_state(fp_kz, fp_ru):
    from cica_portal.models import State

    observer = State.objects.filter(status=State.Status.OBSERVER).first()
    request = send(fp_kz, to=("RU",))
    with pytest.raises(InquiryError) as refused:
        services.answer_request(
            part_of(request, "RU"), by=fp_ru, outcome="answer", answer="x", third_states=[observer]
        )
    assert refused.value.field == "third_states"
