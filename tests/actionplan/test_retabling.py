"""A refused request can be tabled again by whoever opened it: a new version with its history."""

import pytest

from actionplan import services
from actionplan.models import PlanItem
from cica_portal import approvals
from cica_portal.approvals import ApprovalError
from cica_portal.models import ApprovalRequest, AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused(plan, secretariat, approver_kz):
    item = PlanItem.objects.get(area__number=1, kind="issue", number=2)
    request = services.put_to_approval(item, actor=secretariat)
    approvals.answer_request(
        request,
        approver=approver_kz,
        decision="object",
        comment="Not now.",
        seen_hash=request.content_hash,
    )
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.REJECTED
    return request


def test_whoever_opened_it_tables_it_again_as_a_new_version_linked_to_the_old(refused, secretariat):
    new = approvals.retable_request(refused, actor=secretariat)
    assert new.pk != refused.pk
    assert new.previous == refused
    assert new.is_open
    assert new.deadline is not None
    assert set(new.required_states.all()) == set(refused.required_states.all())
    assert new.content_hash == refused.content_hash  # the same text, asked again
    assert all(answer.is_pending for answer in new.current_answers())
    assert approvals.history_of(new) == [refused]
    assert refused.current_answers().get(state__code="KZ").comment == "Not now."  # kept
    assert AuditRecord.objects.filter(action="approval.retabled").count() == 1


def test_it_is_tabled_again_once(refused, secretariat):
    approvals.retable_request(refused, actor=secretariat)
    with pytest.raises(ApprovalError) as error:
        approvals.retable_request(refused, actor=secretariat)
    assert error.value.code == "forbidden"
    assert ApprovalRequest.objects.count() == 2


def test_nobody_else_tables_it_again(refused, approver_kz, fp_kz):
    for person in (approver_kz, fp_kz):
        assert not approvals.may_retable(person, refused)
        with pytest.raises(ApprovalError):
            approvals.retable_request(refused, actor=person)
    assert ApprovalRequest.objects.count() == 1


def test_an_open_or_approved_request_is_not_tabled_again(plan, secretariat):
    item = PlanItem.objects.get(area__number=1, kind="issue", number=2)
    request = services.put_to_approval(item, actor=secretariat)
    assert not approvals.may_retable(secretariat, request)
    with pytest.raises(ApprovalError):
        approvals.retable_request(request, actor=secretariat)


def test_the_page_shows_the_earlier_version(client, refused, secretariat):
    new = approvals.retable_request(refused, actor=secretariat)
    client.force_login(secretariat)
    page = client.get(f"/approvals/{new.pk}/").content.decode()
    assert f'href="/approvals/{refused.pk}/"' in page
    old_page = client.get(f"/approvals/{refused.pk}/").content.decode()
    assert f'href="/approvals/{new.pk}/"' in old_page


def test_the_opener_tables_it_again_from_the_page_and_a_second_click_is_refused(
    client, refused, secretariat
):
    client.force_login(secretariat)
    assert "Table it again" in client.get(f"/approvals/{refused.pk}/").content.decode()
    response = client.post(f"/approvals/{refused.pk}/retable/")
    new = ApprovalRequest.objects.get(previous=refused)
    assert response["Location"] == f"/approvals/{new.pk}/"
    assert client.post(f"/approvals/{refused.pk}/retable/").status_code == 403
    assert client.get(f"/approvals/{refused.pk}/retable/").status_code == 405
    assert ApprovalRequest.objects.count() == 2


def test_someone_elses_request_is_404_and_a_state_may_not_retable(client, refused, approver_kz):
    client.force_login(approver_kz)
    assert client.post("/approvals/999999/retable/").status_code == 404
    assert client.post(f"/approvals/{refused.pk}/retable/").status_code == 403
