"""The Secretariat records a decision taken at a meeting on the meeting's page: it enters the
decision register and may move a plan item by the Secretariat's decision resting on it."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from actionplan.models import PlanItem
from cica_portal.models import RegisteredDecision
from meetings.models import Meeting

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db):
    from actionplan.services import load_plan

    load_plan()


@pytest.fixture
def held(db):
    start = timezone.now() - timedelta(days=2)
    return MeetingFactory(
        title="SOC annual meeting", start=start, end=start + timedelta(hours=8), status="held"
    )


def _form(**overrides):
    data = {
        "title": "Seminar calendar for 2028",
        "text": "The SOC agreed the calendar of police seminars for 2028.",
        "token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {f"decision-{name}": value for name, value in data.items()}


def test_a_decision_taken_at_a_meeting_enters_the_register(client, secretariat, held, fp_ru):
    client.force_login(secretariat)
    assert (
        "Record a decision taken at this meeting"
        in client.get(f"/meetings/{held.pk}/").content.decode()
    )
    data = _form()
    response = client.post(f"/meetings/{held.pk}/decisions/", data)
    assert response.status_code == 302
    client.post(f"/meetings/{held.pk}/decisions/", data)  # sent twice: entered once
    entry = RegisteredDecision.objects.get()
    assert entry.kind == RegisteredDecision.Kind.MEETING_DECISION
    assert entry.subject == held
    assert entry.basis == str(held)
    client.force_login(fp_ru)
    page = client.get(f"/decisions/{entry.pk}/").content.decode()
    assert "The SOC agreed the calendar" in page
    assert held.get_absolute_url() in page
    assert "Record a decision" not in client.get(f"/meetings/{held.pk}/").content.decode()


def test_a_meeting_decision_may_move_a_plan_item_resting_on_it(client, secretariat, held, plan):
    item = PlanItem.objects.get(area__number=2, kind="issue", number=3)
    client.force_login(secretariat)
    response = client.post(
        f"/meetings/{held.pk}/decisions/", _form(item=item.pk, to_status="in_implementation")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "in_implementation"
    meeting_entry, plan_entry = RegisteredDecision.objects.order_by("sequence")
    assert meeting_entry.kind == RegisteredDecision.Kind.MEETING_DECISION
    assert plan_entry.kind == RegisteredDecision.Kind.PLAN_DECISION
    assert plan_entry.basis == f"{held}; {meeting_entry.number}"
    change = item.status_changes.first()
    assert change.basis_meeting == held
    assert change.basis == meeting_entry.number


def test_a_refused_move_writes_nothing_and_keeps_the_text(client, secretariat, held, plan):
    item = PlanItem.objects.get(area__number=2, kind="issue", number=3)
    client.force_login(secretariat)
    response = client.post(
        f"/meetings/{held.pk}/decisions/", _form(item=item.pk, to_status=item.status)
    )
    assert response.status_code == 400
    assert "The SOC agreed the calendar" in response.content.decode()
    assert not RegisteredDecision.objects.exists()
    response = client.post(f"/meetings/{held.pk}/decisions/", _form(item=item.pk))
    assert response.status_code == 400
    assert not RegisteredDecision.objects.exists()


def test_only_the_secretariat_records_and_only_for_a_meeting_that_has_begun(
    client, secretariat, fp_kz, held
):
    client.force_login(fp_kz)
    assert client.post(f"/meetings/{held.pk}/decisions/", _form()).status_code == 403
    assert client.get(f"/meetings/{held.pk}/decisions/").status_code in (403, 405)
    future = MeetingFactory()
    client.force_login(secretariat)
    assert client.post(f"/meetings/{future.pk}/decisions/", _form()).status_code == 400
    cancelled = MeetingFactory(status=Meeting.Status.CANCELLED)
    assert client.post(f"/meetings/{cancelled.pk}/decisions/", _form()).status_code == 400
    assert client.post("/meetings/999999/decisions/", _form()).status_code == 404
    assert not RegisteredDecision.objects.exists()
