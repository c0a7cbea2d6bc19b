"""The shared approval mechanism: consensus of the named states, answered once, per version."""

import pytest

from cica_portal import approvals
from cica_portal.approvals import ApprovalError
from cica_portal.models import ApprovalRequest, AuditRecord, Notification, StateAnswer

pytestmark = pytest.mark.django_db


@pytest.fixture
def subject(kz):
    # Any model can be a subject; a state is the simplest one that exists in every test.
    return kz


@pytest.fixture
def request_for_kz_and_ru(subject, kz, ru, secretariat, approver_kz, approver_ru):
    return approvals.open_request(
        subject,
        purpose="test",
        title="A new measure",
        content={"text": "v1"},
        states=[kz, ru],
        opened_by=secretariat,
    )


def test_it_asks_each_named_state_once(request_for_kz_and_ru, approver_kz, approver_ru):
    answers = request_for_kz_and_ru.current_answers()
    assert sorted(a.state.code for a in answers) == ["KZ", "RU"]
    assert all(a.is_pending for a in answers)
    assert Notification.objects.filter(recipient__in=[approver_kz, approver_ru]).count() == 2


def test_it_approves_when_the_last_state_approves(request_for_kz_and_ru, approver_kz, approver_ru):
    approvals.answer_request(
        request_for_kz_and_ru,
        approver=approver_kz,
        decision="approve",
        seen_hash=request_for_kz_and_ru.content_hash,
    )
    request_for_kz_and_ru.refresh_from_db()
    assert request_for_kz_and_ru.status == ApprovalRequest.Status.OPEN
    approvals.answer_request(
        request_for_kz_and_ru,
        approver=approver_ru,
        decision="approve",
        seen_hash=request_for_kz_and_ru.content_hash,
    )
    request_for_kz_and_ru.refresh_from_db()
    assert request_for_kz_and_ru.status == ApprovalRequest.Status.APPROVED
    answer = request_for_kz_and_ru.current_answers().get(state__code="RU")
    assert answer.answered_by == approver_ru
    assert answer.answered_at is not None


def test_one_objection_rejects(request_for_kz_and_ru, approver_kz):
    approvals.answer_request(
        request_for_kz_and_ru,
        approver=approver_kz,
        decision="object",
        comment="Not now",
        seen_hash=request_for_kz_and_ru.content_hash,
    )
    request_for_kz_and_ru.refresh_from_db()
    assert request_for_kz_and_ru.status == ApprovalRequest.Status.REJECTED


def test_a_state_answers_only_once(request_for_kz_and_ru, approver_kz):
    approvals.answer_request(
        request_for_kz_and_ru,
        approver=approver_kz,
        decision="approve",
        seen_hash=request_for_kz_and_ru.content_hash,
    )
    with pytest.raises(ApprovalError, match="already answered"):
        approvals.answer_request(
            request_for_kz_and_ru,
            approver=approver_kz,
            decision="object",
            seen_hash=request_for_kz_and_ru.content_hash,
        )


def test_a_state_not_named_cannot_answer(request_for_kz_and_ru, approver_cn):
    with pytest.raises(ApprovalError, match="not asked"):
        approvals.answer_request(
            request_for_kz_and_ru,
            approver=approver_cn,
            decision="approve",
            seen_hash=request_for_kz_and_ru.content_hash,
        )


def test_a_focal_point_cannot_answer_for_a_state(request_for_kz_and_ru, fp_kz):
    with pytest.raises(ApprovalError, match="release approver"):
        approvals.answer_request(
            request_for_kz_and_ru,
            approver=fp_kz,
            decision="approve",
            seen_hash=request_for_kz_and_ru.content_hash,
        )


def test_abstention_is_refused_under_plain_consensus(request_for_kz_and_ru, approver_kz):
    with pytest.raises(ApprovalError):
        approvals.answer_request(
            request_for_kz_and_ru,
            approver=approver_kz,
            decision="abstain",
            seen_hash=request_for_kz_and_ru.content_hash,
        )


def test_a_changed_text_voids_the_answers_given(request_for_kz_and_ru, approver_kz, approver_ru):
    approvals.answer_request(
        request_for_kz_and_ru,
        approver=approver_kz,
        decision="approve",
        seen_hash=request_for_kz_and_ru.content_hash,
    )
    revised = approvals.revise_request(request_for_kz_and_ru, content={"text": "v2"}, actor=None)
    assert revised.version == 2
    assert all(a.is_pending for a in revised.current_answers())
    old = StateAnswer.objects.get(request=revised, state__code="KZ", version=1)
    assert old.decision == "approve"
    assert old.voided_at is not None
    approvals.answer_request(
        revised, approver=approver_ru, decision="approve", seen_hash=revised.content_hash
    )
    revised.refresh_from_db()
    assert revised.status == ApprovalRequest.Status.OPEN  # KZ must answer the new text


def test_an_answer_to_a_text_that_changed_is_refused(request_for_kz_and_ru, approver_kz):
    seen = request_for_kz_and_ru.content_hash
    approvals.revise_request(request_for_kz_and_ru, content={"text": "v2"}, actor=None)
    with pytest.raises(ApprovalError, match="changed"):
        approvals.answer_request(
            request_for_kz_and_ru, approver=approver_kz, decision="approve", seen_hash=seen
        )


def test_every_answer_is_audited(request_for_kz_and_ru, approver_kz):
    approvals.answer_request(
        request_for_kz_and_ru,
        approver=approver_kz,
        decision="approve",
        seen_hash=request_for_kz_and_ru.content_hash,
    )
    record = AuditRecord.objects.get(action="approval.answer.approve")
    assert record.actor == approver_kz
    assert record.data["state"] == "KZ"


def test_the_inbox_shows_only_requests_waiting_for_my_state(
    request_for_kz_and_ru, approver_kz, approver_cn
):
    assert list(approvals.inbox_for(approver_kz)) == [request_for_kz_and_ru]
    assert list(approvals.inbox_for(approver_cn)) == []
    approvals.answer_request(
        request_for_kz_and_ru,
        approver=approver_kz,
        decision="approve",
        seen_hash=request_for_kz_and_ru.content_hash,
    )
    assert list(approvals.inbox_for(approver_kz)) == []


def test_an_approver_answers_through_the_web_form(client, request_for_kz_and_ru, approver_kz):
    client.force_login(approver_kz)
    url = f"/approvals/{request_for_kz_and_ru.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "decision": "approve",
            "comment": "Agreed",
            "seen_hash": request_for_kz_and_ru.content_hash,
        },
    )
    assert response.status_code == 302
    answer = request_for_kz_and_ru.current_answers().get(state__code="KZ")
    assert answer.decision == "approve"
    assert answer.comment == "Agreed"


def test_another_states_approver_gets_404(client, request_for_kz_and_ru, approver_cn):
    client.force_login(approver_cn)
    assert client.get(f"/approvals/{request_for_kz_and_ru.pk}/").status_code == 404


def test_expired_requests_close_once(request_for_kz_and_ru):
    from datetime import timedelta

    from django.utils import timezone

    later = timezone.now() + timedelta(days=1)
    ApprovalRequest.objects.filter(pk=request_for_kz_and_ru.pk).update(deadline=timezone.now())
    assert approvals.close_expired_requests(now=later) == 1
    assert approvals.close_expired_requests(now=later) == 0
    request_for_kz_and_ru.refresh_from_db()
    assert request_for_kz_and_ru.status == ApprovalRequest.Status.EXPIRED


def test_the_approvals_api_does_not_query_per_request(
    api_client, secretariat, kz, ru, django_assert_max_num_queries
):
    for n in range(30):
        approvals.open_request(
            kz,
            purpose="test",
            title=f"Measure {n}",
            content={"n": n},
            states=[kz, ru],
            opened_by=secretariat,
        )
    api_client.force_authenticate(secretariat)
    with django_assert_max_num_queries(12):
        response = api_client.get("/api/v1/approvals/?status=open")
    assert response.json()["count"] == 30
    assert len(response.json()["results"][0]["answers"]) == 2


def test_the_inbox_page_lists_the_soonest_deadline_first(client, kz, ru, secretariat, approver_kz):
    from datetime import timedelta

    from django.utils import timezone

    later, sooner = (
        approvals.open_request(
            kz,
            purpose="test",
            title=title,
            content={"text": title},
            states=[kz, ru],
            opened_by=secretariat,
            deadline=timezone.now() + timedelta(days=days),
        )
        for title, days in (("Later", 20), ("Sooner", 5))
    )
    client.force_login(approver_kz)
    page = client.get("/approvals/inbox/").context["page"]
    assert [r.pk for r in page.object_list] == [sooner.pk, later.pk]
    assert page.paginator.count == 2
    assert [r.pk for r in approvals.inbox_top(approver_kz, 1)] == [sooner.pk]


def test_the_approvals_list_count_follows_a_new_request_and_a_closing_at_once(
    client, kz, ru, secretariat, approver_kz
):
    client.force_login(secretariat)

    def counts():
        everything = client.get("/approvals/").context["page"].paginator.count
        open_ = client.get("/approvals/", {"status": "open"}).context["page"].paginator.count
        return everything, open_

    assert counts() == (0, 0)
    request = approvals.open_request(
        kz, purpose="test", title="T", content={"text": "t"}, states=[kz], opened_by=secretariat
    )
    assert counts() == (1, 1)
    approvals.answer_request(
        request, approver=approver_kz, decision="approve", seen_hash=request.content_hash
    )
    assert counts() == (1, 0)
