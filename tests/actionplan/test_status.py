"""Every item's status moves by a Secretariat decision or by member states' approval, recorded."""

import pytest

from actionplan import services
from actionplan.models import ItemStatusChange, PlanItem
from actionplan.services import ActionPlanError
from cica_portal import approvals
from cica_portal.models import ApprovalRequest, AuditRecord, State

from .factories import approve_by_all


@pytest.fixture
def item(plan):
    return PlanItem.objects.get(area__number=1, kind="issue", number=2)


@pytest.mark.django_db
def test_the_secretariat_moves_a_status_with_a_reason_recorded(item, secretariat):
    services.change_status(
        item, to_status="deferred", actor=secretariat, reason="No consensus", basis="SOC 2026"
    )
    item.refresh_from_db()
    change = item.status_changes.first()
    assert item.status == "deferred"
    assert (change.from_status, change.to_status, change.by, change.reason, change.via) == (
        "under_consideration",
        "deferred",
        secretariat,
        "No consensus",
        "decision",
    )
    assert AuditRecord.objects.filter(
        action="actionplan.item.status_changed", object_id=str(item.pk)
    ).exists()


@pytest.mark.django_db
def test_a_decision_needs_a_reason(item, secretariat):
    with pytest.raises(ActionPlanError) as error:
        services.change_status(item, to_status="deferred", actor=secretariat, reason="  ")
    assert error.value.field == "reason"


@pytest.mark.django_db
def test_a_decision_names_the_meeting_or_decision_it_rests_on(item, secretariat):
    with pytest.raises(ActionPlanError) as error:
        services.change_status(item, to_status="deferred", actor=secretariat, reason="Later")
    assert error.value.field == "basis"
    item.refresh_from_db()
    assert item.status == "under_consideration"
    assert not item.status_changes.filter(via="decision").exists()


@pytest.mark.django_db
def test_a_decision_resting_on_a_meeting_shows_it_in_the_history(client, item, secretariat, fp_kz):
    from datetime import timedelta

    from django.utils import timezone

    from tests.meetings.factories import MeetingFactory

    soc = MeetingFactory(
        title="Senior Officials Committee 2026",
        start=timezone.now() - timedelta(days=3),
        end=timezone.now() - timedelta(days=2),
    )
    client.force_login(secretariat)
    form = client.get(f"/plan/items/{item.pk}/status/").context["form"]
    assert soc in form.fields["basis_meeting"].queryset
    response = client.post(
        f"/plan/items/{item.pk}/status/",
        {"to_status": "approved", "reason": "Agreed", "basis_meeting": soc.pk},
    )
    assert response.status_code == 302
    change = item.status_changes.get(via="decision")
    assert change.basis_meeting == soc
    client.force_login(fp_kz)
    body = client.get(f"/plan/items/{item.pk}/").content.decode()
    assert "Rests on:" in body
    assert "Senior Officials Committee 2026" in body


@pytest.mark.django_db
def test_the_status_form_asks_what_the_decision_rests_on_and_keeps_the_text(
    client, item, secretariat
):
    client.force_login(secretariat)
    response = client.post(
        f"/plan/items/{item.pk}/status/", {"to_status": "completed", "reason": "Done at last"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["basis"]
    assert response.context["form"]["reason"].value() == "Done at last"
    item.refresh_from_db()
    assert item.status == "under_consideration"


@pytest.mark.django_db
def test_only_the_secretariat_decides(item, fp_kz):
    with pytest.raises(ActionPlanError) as error:
        services.change_status(item, to_status="completed", actor=fp_kz, reason="done")
    assert error.value.code == "forbidden"


@pytest.mark.django_db
def test_the_status_form_records_the_decision(client, item, secretariat):
    client.force_login(secretariat)
    response = client.post(
        f"/plan/items/{item.pk}/status/",
        {"to_status": "in_implementation", "reason": "Agreed", "basis": "SOC 2026, decision 3"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "in_implementation"


@pytest.mark.django_db
def test_the_status_form_shows_a_missing_reason_and_keeps_the_choice(client, item, secretariat):
    client.force_login(secretariat)
    response = client.post(f"/plan/items/{item.pk}/status/", {"to_status": "completed"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert response.context["form"]["to_status"].value() == "completed"
    item.refresh_from_db()
    assert item.status == "under_consideration"


@pytest.mark.django_db
def test_a_focal_point_may_not_open_the_status_form(client, item, fp_kz):
    client.force_login(fp_kz)
    assert client.get(f"/plan/items/{item.pk}/status/").status_code == 403
    assert client.post(f"/plan/items/{item.pk}/approval/").status_code == 403


@pytest.mark.django_db
def test_putting_to_approval_refuses_get(client, item, secretariat):
    client.force_login(secretariat)
    assert client.get(f"/plan/items/{item.pk}/approval/").status_code == 405


@pytest.mark.django_db
def test_the_secretariat_puts_an_item_to_all_member_states(client, item, secretariat):
    client.force_login(secretariat)
    response = client.post(f"/plan/items/{item.pk}/approval/")
    request = ApprovalRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/approvals/{request.pk}/"
    assert set(request.required_states.all()) == set(State.objects.members())
    assert request.required_states.count() == 28
    assert request.rule == "consensus"
    assert request.deadline is not None


@pytest.mark.django_db
def test_consensus_moves_the_item_to_approved_with_the_approval_in_its_history(item, secretariat):
    request = services.put_to_approval(item, actor=secretariat)
    approve_by_all(request)
    item.refresh_from_db()
    assert request.status == "approved"
    assert item.status == "approved"
    change = item.status_changes.first()
    assert change.via == ItemStatusChange.Via.APPROVAL
    assert change.approval == request


@pytest.mark.django_db
def test_an_objection_leaves_the_item_under_consideration(item, secretariat, approver_kz):
    request = services.put_to_approval(item, actor=secretariat)
    approvals.answer_request(
        request,
        approver=approver_kz,
        decision="object",
        comment="No",
        seen_hash=request.content_hash,
    )
    item.refresh_from_db()
    assert item.status == "under_consideration"


@pytest.mark.django_db
def test_no_decision_while_the_member_states_are_asked(item, secretariat):
    services.put_to_approval(item, actor=secretariat)
    with pytest.raises(ActionPlanError) as error:
        services.change_status(
            item, to_status="completed", actor=secretariat, reason="x", basis="b"
        )
    assert error.value.code == "conflict"
    with pytest.raises(ActionPlanError):
        services.put_to_approval(item, actor=secretariat)
    services.withdraw_item_approval(item, actor=secretariat)
    services.change_status(item, to_status="deferred", actor=secretariat, reason="later", basis="b")


@pytest.mark.django_db
def test_the_approval_page_shows_the_item_to_an_approver(client, item, secretariat, approver_kz):
    request = services.put_to_approval(item, actor=secretariat)
    client.force_login(approver_kz)
    response = client.get(f"/approvals/{request.pk}/")
    assert response.status_code == 200
    assert item.text in response.content.decode()
    response = client.post(
        f"/approvals/{request.pk}/",
        {"decision": "approve", "comment": "ok", "seen_hash": request.content_hash},
    )
    assert response.status_code == 302
    assert request.current_answers().get(state__code="KZ").decision == "approve"
