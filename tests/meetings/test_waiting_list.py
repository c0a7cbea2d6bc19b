"""A cap on the delegations of a meeting: past it a waiting list, promoted in order, one seat at
a time, when a seat frees (under concurrent withdrawals on PostgreSQL too)."""

import pytest
from django.db import connection

from cica_portal.models import AuditRecord, Notification, State
from meetings import services
from meetings.models import Registration

from ..concurrency import run_together
from ..factories import FocalPointUserFactory
from .factories import MeetingFactory

ONE = [{"name": "Head of delegation", "role": "head"}]


def _focal_points(count: int):
    states = State.objects.members().order_by("code")[:count]
    return [FocalPointUserFactory(username=f"fp-wl-{s.code.lower()}", state=s) for s in states]


def _fill(meeting, people):
    return [services.register_delegation(meeting, by=p, delegates=ONE) for p in people]


@pytest.mark.django_db
def test_past_the_cap_a_delegation_joins_the_waiting_list():
    meeting = MeetingFactory(max_delegations=2)
    lines = _fill(meeting, _focal_points(3))
    assert [x.status for x in lines] == ["submitted", "submitted", "waitlisted"]
    assert lines[2].waitlisted_at is not None


@pytest.mark.django_db
def test_a_withdrawal_promotes_the_first_in_line_and_tells_its_focal_point():
    meeting = MeetingFactory(max_delegations=1)
    people = _focal_points(3)
    first, second, third = _fill(meeting, people)
    services.withdraw_registration(first, by=people[0])
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == Registration.Status.SUBMITTED
    assert third.status == Registration.Status.WAITLISTED
    assert Notification.objects.filter(recipient=people[1], key__contains="promoted").exists()
    assert AuditRecord.objects.filter(action="meetings.registration.promoted").count() == 1


@pytest.mark.django_db
def test_a_declined_delegation_frees_its_seat(secretariat):
    meeting = MeetingFactory(max_delegations=1)
    first, second = _fill(meeting, _focal_points(2))
    services.decline_registration(first, by=secretariat, reason="Not a member of the group")
    second.refresh_from_db()
    assert second.status == Registration.Status.SUBMITTED


@pytest.mark.django_db
def test_changing_a_waitlisted_delegation_keeps_its_place():
    meeting = MeetingFactory(max_delegations=1)
    people = _focal_points(3)
    _first, second, third = _fill(meeting, people)
    again = services.register_delegation(meeting, by=people[1], delegates=ONE * 1)
    assert again.status == Registration.Status.WAITLISTED
    assert again.waitlisted_at == second.waitlisted_at
    assert again.waitlisted_at < third.waitlisted_at


@pytest.mark.django_db
def test_without_a_cap_nobody_waits():
    meeting = MeetingFactory(max_delegations=None)
    assert {x.status for x in _fill(meeting, _focal_points(4))} == {"submitted"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_withdrawals_promote_in_order_and_never_past_the_cap():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent row locks need PostgreSQL")
    meeting = MeetingFactory(max_delegations=3)
    people = _focal_points(7)
    lines = _fill(meeting, people)
    seated, waiting = lines[:3], lines[3:]
    assert all(x.status == "waitlisted" for x in waiting)

    errors = run_together(
        *(
            (lambda line=line, person=person: services.withdraw_registration(line, by=person))
            for line, person in zip(seated, people[:3], strict=True)
        )
    )
    assert errors == []
    statuses = dict(Registration.objects.filter(meeting=meeting).values_list("pk", "status"))
    assert [statuses[x.pk] for x in seated] == ["withdrawn"] * 3
    # The first three of the waiting list, in the order they came, and not the fourth.
    assert [statuses[x.pk] for x in waiting] == ["submitted"] * 3 + ["waitlisted"]
    assert (
        Registration.objects.filter(
            meeting=meeting, status__in=Registration.ACTIVE_STATUSES
        ).count()
        == 3
    )


@pytest.mark.django_db
def test_the_focal_point_is_told_on_the_page_that_the_delegation_waits(client):
    from django.urls import reverse

    meeting = MeetingFactory(max_delegations=1)
    first, second = _focal_points(2)
    _fill(meeting, [first])
    client.force_login(second)
    data = {
        "delegates-TOTAL_FORMS": "1",
        "delegates-INITIAL_FORMS": "0",
        "delegates-0-name": "Head of delegation",
        "delegates-0-role": "head",
    }
    response = client.post(reverse("meetings:register", args=[meeting.pk]), data, follow=True)
    assert "on the waiting list" in response.content.decode()
    assert Registration.objects.get(meeting=meeting, state=second.state).status == "waitlisted"
