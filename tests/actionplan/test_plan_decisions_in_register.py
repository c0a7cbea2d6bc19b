"""A Secretariat decision on a plan item enters the decision register with its basis; an item
moved by the member states' approval enters once, as the approval's decision."""

import pytest

from actionplan import services
from actionplan.models import PlanItem
from cica_portal.models import RegisteredDecision

from .factories import approve_by_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(plan):
    return PlanItem.objects.get(area__number=2, kind="issue", number=2)


def test_a_secretariat_decision_on_an_item_enters_the_register_with_its_basis(
    client, item, secretariat, fp_kz
):
    services.change_status(
        item, to_status="deferred", actor=secretariat, reason="Postponed to 2028", basis="SOC/26/3"
    )
    entry = RegisteredDecision.objects.get()
    assert entry.kind == RegisteredDecision.Kind.PLAN_DECISION
    assert entry.subject == item
    assert entry.area.number == 2
    assert entry.text == "Postponed to 2028"
    assert entry.basis == "SOC/26/3"
    assert item.label in entry.title
    client.force_login(fp_kz)
    page = client.get(f"/decisions/{entry.pk}/").content.decode()
    assert item.get_absolute_url() in page
    assert client.get("/decisions/", {"area": "2"}).content.decode().count(entry.number) == 1
    assert entry.number not in client.get("/decisions/", {"area": "1"}).content.decode()


def test_a_refused_status_change_enters_nothing(item, secretariat):
    with pytest.raises(services.ActionPlanError):
        services.change_status(item, to_status="deferred", actor=secretariat, reason="x")
    assert not RegisteredDecision.objects.exists()


def test_an_item_approved_by_the_member_states_enters_once_as_their_decision(item, secretariat):
    request = services.put_to_approval(item, actor=secretariat)
    approve_by_all(request)
    entry = RegisteredDecision.objects.get()
    assert entry.kind == RegisteredDecision.Kind.CONSENSUS_ADOPTED
    assert entry.approval == request
    assert entry.subject == item
    assert entry.area.number == 2
