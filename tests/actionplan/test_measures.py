"""A new measure enters the plan only when every member state approves it."""

import pytest

from actionplan import selectors, services
from actionplan.models import MeasureProposal, PlanItem
from actionplan.services import ActionPlanError
from cica_portal import approvals
from cica_portal.models import ApprovalRequest, Area

from .factories import approve_by_all


def propose(user, **extra):
    data = {"area": Area.objects.get(number=4), "title": "Hotline", "text": "A 24-hour hotline."}
    return services.propose_measure(proposer=user, **{**data, **extra})


def request_of(proposal):
    return services.proposals.request_of(proposal)


@pytest.mark.django_db
def test_a_proposal_asks_all_member_states_and_stays_out_of_the_plan(plan, fp_kz):
    proposal = propose(fp_kz)
    request = request_of(proposal)
    assert request.required_states.count() == 28
    assert request.is_open
    assert proposal.state.code == "KZ"
    assert proposal.status == "pending"
    assert not PlanItem.objects.filter(kind="measure").exists()


@pytest.mark.django_db
def test_consensus_puts_the_measure_into_the_plan(client, plan, fp_kz):
    proposal = propose(fp_kz)
    approve_by_all(request_of(proposal))
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    item = proposal.item
    assert (item.kind, item.status, item.number, item.text) == (
        "measure",
        "approved",
        1,
        "A 24-hour hotline.",
    )
    assert item.proposed_by_state.code == "KZ"
    client.force_login(fp_kz)
    assert "Hotline" in client.get("/plan/").content.decode()


@pytest.mark.django_db
def test_an_objection_keeps_it_out_and_the_proposer_sees_it_rejected(
    plan, fp_kz, fp_ru, approver_cn
):
    proposal = propose(fp_kz)
    approvals.answer_request(
        request_of(proposal),
        approver=approver_cn,
        decision="object",
        comment="Not agreed",
        seen_hash=request_of(proposal).content_hash,
    )
    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    assert proposal.item is None
    assert not PlanItem.objects.filter(kind="measure").exists()
    assert proposal in selectors.proposals_visible_to(fp_kz)
    assert proposal not in selectors.proposals_visible_to(fp_ru)


@pytest.mark.django_db
def test_an_expired_proposal_stays_visible_to_its_state_as_expired(plan, fp_kz):
    from datetime import timedelta

    from django.utils import timezone

    proposal = propose(fp_kz)
    ApprovalRequest.objects.update(deadline=timezone.now() - timedelta(minutes=1))
    approvals.close_expired_requests()
    proposal.refresh_from_db()
    assert proposal.status == "expired"
    assert proposal in selectors.proposals_visible_to(fp_kz)


@pytest.mark.django_db
def test_the_secretariat_cannot_propose_for_a_state(plan, secretariat):
    with pytest.raises(ActionPlanError):
        propose(secretariat)


@pytest.mark.django_db
def test_the_proposal_form_proposes_for_the_users_own_state(client, plan, approver_ru):
    client.force_login(approver_ru)
    area = Area.objects.get(number=2)
    response = client.post(
        "/plan/measures/propose/",
        {
            "area": area.pk,
            "title": "Joint training",
            "text": "Annual joint training.",
            "state": "KZ",
        },
    )
    proposal = MeasureProposal.objects.get()
    assert response.status_code == 302
    assert proposal.state.code == "RU"
    assert proposal.proposed_by == approver_ru


@pytest.mark.django_db
def test_the_proposal_form_keeps_what_was_typed_when_the_text_is_missing(client, plan, fp_kz):
    client.force_login(fp_kz)
    response = client.post("/plan/measures/propose/", {"area": "", "title": "Kept"})
    assert response.status_code == 200
    assert response.context["form"]["title"].value() == "Kept"
    assert not MeasureProposal.objects.exists()


@pytest.mark.django_db
def test_the_secretariat_may_not_open_the_proposal_form(client, plan, secretariat):
    client.force_login(secretariat)
    assert client.get("/plan/measures/propose/").status_code == 403


@pytest.mark.django_db
def test_another_states_rejected_proposal_is_404(client, plan, fp_kz, fp_ru, approver_cn):
    proposal = propose(fp_kz)
    approvals.answer_request(
        request_of(proposal),
        approver=approver_cn,
        decision="object",
        comment="Not agreed",
        seen_hash=request_of(proposal).content_hash,
    )
    client.force_login(fp_ru)
    assert client.get(f"/plan/measures/{proposal.pk}/").status_code == 404
    client.force_login(fp_kz)
    response = client.get(f"/plan/measures/{proposal.pk}/")
    assert response.status_code == 200
    assert "Not approved" in response.content.decode()


@pytest.mark.django_db
def test_the_proposing_state_withdraws_its_pending_proposal(client, plan, fp_kz, fp_ru):
    proposal = propose(fp_kz)
    client.force_login(fp_ru)
    assert client.post(f"/plan/measures/{proposal.pk}/withdraw/").status_code == 403
    client.force_login(fp_kz)
    assert client.get(f"/plan/measures/{proposal.pk}/withdraw/").status_code == 405
    client.post(f"/plan/measures/{proposal.pk}/withdraw/")
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"
    assert request_of(proposal).status == "withdrawn"
