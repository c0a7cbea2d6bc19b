"""Sending a request for information, answering it (in full, in part, refusing with a reason),
and who may see it: the sending state, the states it names, the Secretariat only when allowed."""

import pytest
from django.urls import reverse

from cica_portal.models import AuditRecord, Notification
from inquiries import selectors, services
from inquiries.models import RequestedState
from inquiries.services import InquiryError
from tests.factories import FocalPointUserFactory, api_token_for, state

from .factories import part_of, send

pytestmark = pytest.mark.django_db


def test_it_sends_a_request_and_tells_the_requested_states_focal_points(fp_kz, fp_ru, fp_cn):
    request = send(fp_kz, to=("RU", "CN"))
    assert request.requesting_state.code == "KZ"
    assert sorted(p.state.code for p in request.requested_states.all()) == ["CN", "RU"]
    told = Notification.objects.filter(key__startswith="inquiries:", key__endswith=":received")
    assert set(told.values_list("recipient__username", flat=True)) == {
        fp_ru.username,
        fp_cn.username,
    }
    assert AuditRecord.objects.filter(action="inquiries.request.sent").count() == 1


def test_a_state_does_not_send_a_request_to_itself(fp_kz):
    with pytest.raises(InquiryError) as refused:
        send(fp_kz, to=("KZ",))
    assert refused.value.field == "states"


def test_an_approver_does_not_send_requests(approver_kz):
    with pytest.raises(InquiryError) as refused:
        send(approver_kz)
    assert refused.value.code == "forbidden"


def test_an_urgent_request_says_why(fp_kz):
    with pytest.raises(InquiryError) as refused:
        send(fp_kz, urgency="urgent", urgency_reason="")
    assert refused.value.field == "urgency_reason"


def test_a_request_is_tied_only_to_a_share_the_sender_may_read(fp_kz):
    with pytest.raises(InquiryError) as refused:
        send(fp_kz, share_id=999999)
    assert refused.value.field == "share"


def test_it_records_a_full_answer_and_tells_the_requester(sent, fp_ru, fp_kz):
    part = services.answer_request(
        part_of(sent, "RU"), by=fp_ru, outcome="answer", answer="Owned by Mr X since 2019."
    )
    assert part.status == RequestedState.Status.ANSWERED
    assert part.released_at is not None
    assert Notification.objects.filter(
        recipient=fp_kz, key=f"inquiries:{part.pk}:answered"
    ).exists()


def test_a_partial_answer_names_the_reason_for_what_it_withholds(sent, fp_ru):
    with pytest.raises(InquiryError) as refused:
        services.answer_request(
            part_of(sent, "RU"), by=fp_ru, outcome="partial", answer="Owner: X."
        )
    assert refused.value.field == "refusal_reason"
    part = services.answer_request(
        part_of(sent, "RU"),
        by=fp_ru,
        outcome="partial",
        answer="Owner: X.",
        refusal_reason="investigation",
    )
    assert part.status == RequestedState.Status.PARTIAL


def test_a_refusal_needs_a_reason_from_the_fixed_list(sent, fp_ru):
    with pytest.raises(InquiryError) as refused:
        services.answer_request(
            part_of(sent, "RU"), by=fp_ru, outcome="refuse", refusal_reason="no"
        )
    assert refused.value.field == "refusal_reason"
    part = services.answer_request(
        part_of(sent, "RU"), by=fp_ru, outcome="refuse", refusal_reason="national_security"
    )
    assert part.status == RequestedState.Status.REFUSED
    assert part.answer == ""


def test_only_the_requested_states_focal_point_answers(sent, fp_kz, approver_ru):
    for outsider in (fp_kz, approver_ru):
        with pytest.raises(InquiryError) as refused:
            services.answer_request(part_of(sent, "RU"), by=outsider, outcome="answer", answer="x")
        assert refused.value.code == "forbidden"


def test_an_answer_is_given_once(sent, fp_ru):
    services.answer_request(part_of(sent, "RU"), by=fp_ru, outcome="answer", answer="Once.")
    with pytest.raises(InquiryError) as refused:
        services.answer_request(part_of(sent, "RU"), by=fp_ru, outcome="answer", answer="Twice.")
    assert refused.value.code == "conflict"


# --- rights -------------------------------------------------------------------------------------


def test_a_request_is_seen_by_the_sender_and_the_states_it_names_only(
    fp_kz, fp_ru, fp_cn, approver_ru, approver_cn, secretariat
):
    request = send(fp_kz, to=("RU",))
    seeing = {
        user.username
        for user in (fp_kz, fp_ru, fp_cn, approver_ru, approver_cn, secretariat)
        if selectors.visible_requests(user).filter(pk=request.pk).exists()
    }
    assert seeing == {fp_kz.username, fp_ru.username, approver_ru.username}


def test_the_secretariat_sees_a_request_only_when_the_sender_allowed_it(fp_kz, fp_ru, secretariat):
    hidden = send(fp_kz)
    allowed = send(fp_kz, secretariat_may_read=True)
    assert list(selectors.visible_requests(secretariat)) == [allowed]
    assert hidden not in selectors.visible_requests(secretariat)


def test_a_requested_state_sees_neither_the_other_states_asked_nor_their_answers(
    fp_kz, fp_ru, fp_cn
):
    request = send(fp_kz, to=("RU", "CN"))
    services.answer_request(part_of(request, "CN"), by=fp_cn, outcome="answer", answer="CN-SECRET")
    assert [p.state.code for p in selectors.parts_for(fp_ru, request)] == ["RU"]
    assert [p.state.code for p in selectors.parts_for(fp_kz, request)] == ["CN", "RU"]
    client_ru = _client(fp_ru)
    page = client_ru.get(reverse("inquiries:detail", args=[request.pk]))
    assert page.status_code == 200
    assert b"CN-SECRET" not in page.content
    api = client_ru.get(f"/api/v1/information-requests/{request.pk}/")
    assert [p["state"] for p in api.json()["requested_states"]] == ["RU"]


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_another_states_request_is_404_on_page_and_api(fp_kz, fp_ru, api_client):
    request = send(fp_kz, to=("RU",))
    outsider = FocalPointUserFactory(username="fp-uz", state=state("UZ"))
    client = _client(outsider)
    assert client.get(reverse("inquiries:detail", args=[request.pk])).status_code == 404
    assert client.get(reverse("inquiries:answer", args=[request.pk])).status_code == 404
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(outsider)}")
    assert api_client.get(f"/api/v1/information-requests/{request.pk}/").status_code == 404
    answer = api_client.post(
        f"/api/v1/information-requests/{request.pk}/answer/",
        {"outcome": "answer", "answer": "x"},
        format="json",
    )
    assert answer.status_code == 404
    listed = api_client.get("/api/v1/information-requests/").json()
    assert listed["count"] == 0


def test_the_requester_reads_an_answer_only_once_it_is_released(fp_kz, fp_ru, approver_cn):
    request = send(fp_kz, to=("RU",))
    services.answer_request(
        part_of(request, "RU"),
        by=fp_ru,
        outcome="answer",
        answer="Held back ANSWER-MARK",
        third_states=[state("CN")],
    )
    page = _client(fp_kz).get(reverse("inquiries:detail", args=[request.pk]))
    assert b"ANSWER-MARK" not in page.content
    assert (
        b"ANSWER-MARK" in _client(fp_ru).get(reverse("inquiries:detail", args=[request.pk])).content
    )


# --- pages and API ------------------------------------------------------------------------------


def test_the_pages_send_and_answer_a_request(fp_kz, fp_ru):
    sender = _client(fp_kz)
    response = sender.post(
        reverse("inquiries:new"),
        {
            "states": [state("RU").pk],
            "subject": "Page request",
            "purpose": "An investigation.",
            "legal_grounds": "Agreement.",
            "questions": "Who?",
            "urgency": "routine",
            "handling_codes": ["H0"],
        },
    )
    assert response.status_code == 302
    request = selectors.visible_requests(fp_kz).get(subject="Page request")
    answerer = _client(fp_ru)
    form = answerer.get(reverse("inquiries:answer", args=[request.pk]))
    assert form.status_code == 200
    done = answerer.post(
        reverse("inquiries:answer", args=[request.pk]),
        {"outcome": "refuse", "refusal_reason": "not_held"},
    )
    assert done.status_code == 302
    assert part_of(request, "RU").status == RequestedState.Status.REFUSED
    listing = sender.get(reverse("inquiries:index"), {"box": "sent", "status": "refused"})
    assert b"Page request" in listing.content


def test_the_new_request_form_names_the_field_it_refuses(fp_kz):
    response = _client(fp_kz).post(
        reverse("inquiries:new"),
        {
            "states": [state("RU").pk],
            "subject": "x",
            "purpose": "y",
            "legal_grounds": "z",
            "questions": "q",
            "urgency": "urgent",
        },
    )
    assert response.status_code == 200
    assert "urgency_reason" in response.context["form"].errors


def test_an_approver_may_not_open_the_new_request_form(approver_kz):
    assert _client(approver_kz).get(reverse("inquiries:new")).status_code == 403


def test_the_api_sends_and_answers_and_names_bad_fields(fp_kz, fp_ru, api_client):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(fp_kz)}")
    bad = api_client.post(
        "/api/v1/information-requests/",
        {
            "states": ["XX"],
            "subject": "s",
            "purpose": "p",
            "legal_grounds": "l",
            "questions": "q",
            "urgency": "standard",
        },
        format="json",
    )
    assert bad.status_code == 400
    assert "states" in bad.json()
    created = api_client.post(
        "/api/v1/information-requests/",
        {
            "states": ["RU"],
            "subject": "s",
            "purpose": "p",
            "legal_grounds": "l",
            "questions": "q",
            "urgency": "standard",
            "handling_codes": ["H2"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["requested_states"][0]["state"] == "RU"
    assert api_client.get("/api/v1/information-requests/?urgency=soon").status_code == 400
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(fp_ru)}")
    missing = api_client.post(
        f"/api/v1/information-requests/{pk}/answer/", {"outcome": "refuse"}, format="json"
    )
    assert missing.status_code == 400
    assert "refusal_reason" in missing.json()
    answered = api_client.post(
        f"/api/v1/information-requests/{pk}/answer/",
        {"outcome": "answer", "answer": "The owner is X."},
        format="json",
    )
    assert answered.status_code == 200
    assert answered.json()["requested_states"][0]["status"] == "answered"
