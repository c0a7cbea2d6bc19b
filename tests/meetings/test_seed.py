"""The demo calendar: realistic, and running it twice changes nothing."""

from io import StringIO

import pytest

from cica_portal.demo import create_demo_people
from cica_portal.models import AuditRecord, Notification
from meetings.models import Invitation, Meeting, MeetingDocument, Registration, TrainingRequest
from meetings.seed import seed_demo

pytestmark = pytest.mark.django_db


def counts():
    return [
        m.objects.count()
        for m in (
            Meeting,
            Registration,
            MeetingDocument,
            Invitation,
            TrainingRequest,
            AuditRecord,
            Notification,
        )
    ]


def test_the_demo_calendar_is_realistic_and_idempotent():
    create_demo_people("demo-pass-2008")
    seed_demo(password="demo-pass-2008", stdout=StringIO())
    first = counts()
    seed_demo(password="demo-pass-2008", stdout=StringIO())
    assert counts() == first
    police = Meeting.objects.filter(kind="police_seminar").order_by("start")
    assert police.first().start.year == 2009
    assert police.count() == 8
    assert police.filter(status="report_published").exists()
    assert MeetingDocument.objects.filter(kind="report").exists()
    upcoming = Meeting.objects.filter(start__year=2027)
    assert set(upcoming.values_list("kind", flat=True)) >= {
        "soc_session",
        "swg_session",
        "chiefs_of_police",
        "cica_iom_trafficking",
    }
    assert Registration.objects.filter(meeting__in=upcoming).count() >= 5
    assert TrainingRequest.objects.filter(status="submitted").exists()
    invitation = Invitation.objects.get(organisation__code="INTERPOL")
    assert invitation.status == "awaiting_approval"
    assert invitation.approval.current_answers().filter(decision="approve").count() == 4


def test_the_demo_agenda_links_each_item_to_the_plan_items_it_names():
    from actionplan import services as plan
    from meetings.models import AgendaItem

    plan.load_plan()
    create_demo_people("demo-pass-2008")
    seed_demo(password="demo-pass-2008", stdout=StringIO())
    lost_and_stolen = AgendaItem.objects.get(title__startswith="Lost and stolen travel documents")
    assert [item.label for item in lost_and_stolen.plan_items.all()] == ["II.3"]
    trafficking = AgendaItem.objects.get(title="Coordinated responses and information sharing")
    assert sorted(item.label for item in trafficking.plan_items.all()) == ["IV.A(a)", "IV.A(b)"]
