"""Factories and helpers for the actionplan tests."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from actionplan import services
from actionplan.models import ReviewCycle
from cica_portal.models import State
from tests.factories import ApproverFactory


class ReviewCycleFactory(DjangoModelFactory):
    """A cycle open for reports today, with the deadline `deadline_in` days away."""

    class Meta:
        model = ReviewCycle
        django_get_or_create = ("year",)

    class Params:
        deadline_in = 20

    year = factory.LazyFunction(lambda: timezone.localdate().year)
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    report_deadline = factory.LazyAttribute(
        lambda o: timezone.localdate() + datetime.timedelta(days=o.deadline_in)
    )
    swg_start = factory.LazyAttribute(lambda o: o.report_deadline + datetime.timedelta(days=10))
    swg_end = factory.LazyAttribute(lambda o: o.swg_start + datetime.timedelta(days=1))
    soc_start = factory.LazyAttribute(lambda o: o.swg_end + datetime.timedelta(days=20))
    soc_end = factory.LazyAttribute(lambda o: o.soc_start + datetime.timedelta(days=1))
    status = ReviewCycle.Status.OPEN


def load_plan():
    services.load_plan()


def approve_by_all(request):
    """Every member state's approver approves the request (approvers made as needed)."""
    from cica_portal import approvals

    for state in State.objects.members():
        approver = ApproverFactory(username=f"approver-{state.code.lower()}", state=state)
        request.refresh_from_db()
        if request.is_open:
            approvals.answer_request(
                request, approver=approver, decision="approve", seen_hash=request.content_hash
            )
    request.refresh_from_db()
    return request
