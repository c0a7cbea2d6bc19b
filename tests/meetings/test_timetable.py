"""Point 5 of issue 23: a timetable of sessions (times in the venue's zone, chairs, speakers,
agenda items); agenda items name plan items by the plan's own labels; a plan item's page lists
the meetings that discussed it."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from actionplan.selectors import plan_items
from cica_portal.models import AuditRecord
from meetings import services
from meetings.models import AgendaItem
from meetings.services import MeetingError
from tests.factories import SecretariatAdminFactory

from .factories import MeetingFactory
from .test_admin import inline_management

pytestmark = pytest.mark.django_db
BAKU = ZoneInfo("Asia/Baku")


@pytest.fixture
def plan(db):
    from actionplan.services import load_plan

    load_plan()


def by_label(label: str):
    return next(item for item in plan_items().select_related("area") if item.label == label)


@pytest.fixture
def chiefs(plan):
    start = datetime(datetime.now(UTC).year + 1, 5, 25, 9, tzinfo=BAKU)
    meeting = MeetingFactory(
        title="CICA Chiefs of Police meeting",
        start=start,
        end=start + timedelta(days=1, hours=9),
        time_zone="Asia/Baku",
    )
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Calendar of seminars")
    item.plan_items.set([by_label("II.1"), by_label("II.A")])
    return meeting


def test_it_shows_the_sessions_in_the_venues_zone_with_chair_speakers_and_items(
    client, chiefs, secretariat, fp_kz
):
    item = chiefs.agenda_items.get()
    services.save_timetable(
        chiefs,
        by=secretariat,
        sessions=[
            {
                "title": "Opening session",
                "start": chiefs.start,
                "end": chiefs.start + timedelta(hours=1, minutes=30),
                "chair": "Minister of Internal Affairs of Azerbaijan",
                "speakers": "Executive Director of the CICA Secretariat\nINTERPOL",
                "agenda_items": [item],
            }
        ],
    )
    client.force_login(fp_kz)
    page = client.get(chiefs.get_absolute_url()).content.decode()
    assert "Opening session" in page
    assert "09:00 (Asia/Baku, UTC+04:00)" in page
    assert "10:30 (Asia/Baku, UTC+04:00)" in page
    assert "Minister of Internal Affairs of Azerbaijan" in page
    assert "INTERPOL" in page
    assert "1. Calendar of seminars" in page
    assert AuditRecord.objects.filter(action="meetings.timetable.changed").exists()


def test_the_agenda_names_the_activity_and_the_numbered_issue_apart(client, chiefs, fp_kz):
    client.force_login(fp_kz)
    page = client.get(chiefs.get_absolute_url()).content.decode()
    assert ">II.1</a>" in page
    assert ">II.A</a>" in page
    assert page.count(">II.1</a>") == 1


def test_a_plan_items_page_lists_the_meetings_that_discussed_it(client, chiefs, fp_kz):
    client.force_login(fp_kz)
    issue = client.get(reverse("actionplan:item", args=[by_label("II.1").pk]))
    assert [m.title for m in issue.context["meetings"]] == ["CICA Chiefs of Police meeting"]
    assert "Meetings that discussed it" in issue.content.decode()
    other = client.get(reverse("actionplan:item", args=[by_label("II.3").pk]))
    assert other.context["meetings"] == []


def test_a_session_that_ends_before_it_starts_is_refused(chiefs, secretariat):
    with pytest.raises(MeetingError) as refused:
        services.save_timetable(
            chiefs,
            by=secretariat,
            sessions=[{"title": "x", "start": chiefs.start, "end": chiefs.start}],
        )
    assert refused.value.field == "end"
    assert not chiefs.sessions.exists()


def test_a_session_may_not_take_up_another_meetings_agenda_item(chiefs, secretariat):
    other = AgendaItem.objects.create(meeting=MeetingFactory(), position=1, title="Elsewhere")
    with pytest.raises(MeetingError):
        services.save_timetable(
            chiefs,
            by=secretariat,
            sessions=[
                {
                    "title": "x",
                    "start": chiefs.start,
                    "end": chiefs.end,
                    "agenda_items": [other],
                }
            ],
        )


def test_only_the_secretariat_keeps_the_timetable(chiefs, fp_kz):
    with pytest.raises(MeetingError):
        services.save_timetable(chiefs, by=fp_kz, sessions=[])


def test_sessions_entered_in_the_admin_are_read_in_the_venues_zone(client, chiefs):
    client.force_login(SecretariatAdminFactory(username="secretariat-timetable"))
    url = reverse("admin:meetings_meeting_change", args=[chiefs.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        **inline_management(page),
        **{
            name: form[name].value()
            for name in ("title", "kind", "time_zone", "venue", "format", "languages")
        },
        "start_0": chiefs.local_start.date().isoformat(),
        "start_1": "09:00",
        "end_0": chiefs.local_end.date().isoformat(),
        "end_1": "18:00",
        "agenda_items-0-position": "1",
        "agenda_items-0-title": "Calendar of seminars",
        "agenda_items-0-plan_items": [
            str(p.pk) for p in chiefs.agenda_items.get().plan_items.all()
        ],
        "sessions-TOTAL_FORMS": "1",
        "sessions-0-title": "Opening session",
        "sessions-0-start_0": chiefs.local_start.date().isoformat(),
        "sessions-0-start_1": "09:30",
        "sessions-0-end_0": chiefs.local_start.date().isoformat(),
        "sessions-0-end_1": "11:00",
        "sessions-0-chair": "Azerbaijan",
        "sessions-0-speakers": "",
        "sessions-0-agenda_items": [str(chiefs.agenda_items.get().pk)],
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    session = chiefs.sessions.get()
    assert session.start.astimezone(BAKU).strftime("%H:%M") == "09:30"
    assert session.start.astimezone(UTC).strftime("%H:%M") == "05:30"
    assert list(session.agenda_items.all()) == [chiefs.agenda_items.get()]


def test_the_demo_has_a_timetable_and_a_needs_questionnaire_once(plan):
    from io import StringIO

    from cica_portal.demo import create_demo_people
    from meetings.models import NeedsQuestionnaire, Session
    from meetings.seed import seed_demo

    create_demo_people("demo-pass-2008")
    seed_demo(password="demo-pass-2008", stdout=StringIO())
    seed_demo(password="demo-pass-2008", stdout=StringIO())
    sessions = Session.objects.filter(meeting__title="CICA Chiefs of Police meeting")
    assert sessions.count() == 2
    assert sessions.first().start.astimezone(BAKU).strftime("%H:%M") == "10:00"
    assert NeedsQuestionnaire.objects.get().answers.get().state.code == "KZ"
