"""Issue 23 through the API: a meeting's delegations and official list, a state validating its
own line, attendance and check-in, the timetable, the document library and the needs
assessment, each read as the rights model says (another state's ids are a 404)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cica_portal.models import Area, AuditRecord
from meetings import services
from meetings.audit_actions import REGISTRATION_VALIDATED
from meetings.badges import badge_code
from meetings.models import AgendaItem, MeetingDocument, NeedsAnswer, Registration

from ..factories import FocalPointUserFactory, state
from .factories import MeetingFactory
from .test_document_library import pdf

pytestmark = pytest.mark.django_db

KZ = [{"name": "Aibek Example", "role": "head", "position": "Ambassador", "dietary": "Halal"}]
RU = [{"name": "Ivan Example", "role": "head"}]


@pytest.fixture
def meeting(db):
    return MeetingFactory(title="Experts meeting in Ankara")


@pytest.fixture
def lines(meeting, fp_kz, fp_ru, secretariat):
    kz = services.register_delegation(meeting, by=fp_kz, delegates=KZ)
    ru = services.register_delegation(meeting, by=fp_ru, delegates=RU)
    for line in (kz, ru):
        services.confirm_registration(line, by=secretariat)
    return kz, ru


def _results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- Delegations ------------------------------------------------------------------------------


def test_a_state_sees_only_its_own_delegation_of_a_meeting(api_client, meeting, lines, fp_kz):
    api_client.force_authenticate(fp_kz)
    rows = _results(api_client.get(f"/api/v1/meetings/{meeting.pk}/delegations/"))
    assert [row["state"] for row in rows] == ["KZ"]
    assert rows[0]["organisation"] is None
    assert rows[0]["group"] == "member"
    assert rows[0]["delegates"][0]["name"] == "Aibek Example"
    assert rows[0]["delegates"][0]["dietary"] == "Halal"
    assert rows[0]["validated_at"] is None


def test_the_secretariat_sees_every_delegation_and_filters_by_status(
    api_client, meeting, lines, secretariat, fp_cn
):
    services.register_delegation(meeting, by=fp_cn, delegates=[{"name": "Li Example"}])
    api_client.force_authenticate(secretariat)
    url = f"/api/v1/meetings/{meeting.pk}/delegations/"
    assert {row["state"] for row in _results(api_client.get(url))} == {"KZ", "RU", "CN"}
    confirmed = _results(api_client.get(url, {"status": "confirmed"}))
    assert {row["state"] for row in confirmed} == {"KZ", "RU"}
    assert {row["state"] for row in _results(api_client.get(url, {"status": ""}))} == {
        "KZ",
        "RU",
        "CN",
    }


def test_a_bad_status_filter_is_a_400_naming_it(api_client, meeting, secretariat):
    api_client.force_authenticate(secretariat)
    response = api_client.get(f"/api/v1/meetings/{meeting.pk}/delegations/", {"status": "maybe"})
    assert response.status_code == 400
    assert "status" in response.json()


def test_the_delegations_of_a_missing_meeting_are_a_404(api_client, secretariat):
    api_client.force_authenticate(secretariat)
    assert api_client.get("/api/v1/meetings/999999/delegations/").status_code == 404


# --- Validating one's own line -----------------------------------------------------------------


def test_a_states_approver_validates_its_own_line(api_client, meeting, lines, approver_kz):
    kz, _ru = lines
    api_client.force_authenticate(approver_kz)
    response = api_client.post(f"/api/v1/meetings/registrations/{kz.pk}/validate/")
    assert response.status_code == 200, response.content
    assert response.json()["validated_at"] is not None
    kz.refresh_from_db()
    assert kz.validated_by == approver_kz
    assert AuditRecord.objects.filter(action=REGISTRATION_VALIDATED).count() == 1


def test_a_focal_point_validates_its_own_line(api_client, meeting, lines, fp_kz):
    kz, _ru = lines
    api_client.force_authenticate(fp_kz)
    assert api_client.post(f"/api/v1/meetings/registrations/{kz.pk}/validate/").status_code == 200


def test_another_states_line_is_a_404_and_stays_unvalidated(
    api_client, meeting, lines, approver_kz
):
    _kz, ru = lines
    api_client.force_authenticate(approver_kz)
    response = api_client.post(f"/api/v1/meetings/registrations/{ru.pk}/validate/")
    assert response.status_code == 404
    ru.refresh_from_db()
    assert ru.validated_at is None


def test_the_secretariat_does_not_validate_a_states_line(api_client, meeting, lines, secretariat):
    kz, _ru = lines
    api_client.force_authenticate(secretariat)
    assert api_client.post(f"/api/v1/meetings/registrations/{kz.pk}/validate/").status_code == 403
    kz.refresh_from_db()
    assert kz.validated_at is None


def test_a_withdrawn_line_cannot_be_validated(api_client, meeting, lines, fp_kz):
    kz, _ru = lines
    services.withdraw_registration(kz, by=fp_kz)
    api_client.force_authenticate(fp_kz)
    assert api_client.post(f"/api/v1/meetings/registrations/{kz.pk}/validate/").status_code == 403


def test_validate_takes_only_post(api_client, meeting, lines, fp_kz):
    kz, _ru = lines
    api_client.force_authenticate(fp_kz)
    assert api_client.get(f"/api/v1/meetings/registrations/{kz.pk}/validate/").status_code == 405


# --- The official list ---------------------------------------------------------------------------


def test_the_official_list_is_a_404_to_states_until_it_is_published(
    api_client, meeting, lines, approver_kz, approver_ru, secretariat
):
    kz, _ru = lines
    services.validate_delegation(kz, by=approver_kz)
    url = f"/api/v1/meetings/{meeting.pk}/official-list/"
    api_client.force_authenticate(approver_ru)
    assert api_client.get(url).status_code == 404
    api_client.force_authenticate(secretariat)
    before = api_client.get(url).json()
    assert before["published_at"] is None
    assert [line["participant"] for line in before["delegations"]] == ["KZ"]
    services.publish_participants(meeting, by=secretariat)
    kz.delegates.update(name="Changed after publication")
    api_client.force_authenticate(approver_ru)
    body = api_client.get(url).json()
    assert body["published_at"] is not None
    assert body["version"] == 1
    assert body["delegations"] == [
        {
            "participant": "KZ",
            "name": "Kazakhstan",
            "group": "member",
            "delegates": [{"name": "Aibek Example", "position": "Ambassador", "role": "head"}],
        }
    ]


def test_the_api_gives_the_official_list_as_published_and_the_secretariat_the_draft(
    api_client, meeting, lines, fp_kz, approver_kz, approver_ru, secretariat
):
    kz, _ru = lines
    services.validate_delegation(kz, by=approver_kz)
    first = services.publish_participants(meeting, by=secretariat)
    changed = services.register_delegation(
        meeting, by=fp_kz, delegates=[{"name": "Nurlan Newhead", "role": "head"}]
    )
    services.confirm_registration(changed, by=secretariat)
    services.validate_delegation(changed, by=approver_kz)
    url = f"/api/v1/meetings/{meeting.pk}/official-list/"
    api_client.force_authenticate(approver_ru)
    body = api_client.get(url, {"draft": "1"}).json()
    assert (body["version"], body["sha256"]) == (1, first.sha256)
    assert body["delegations"][0]["delegates"][0]["name"] == "Aibek Example"
    api_client.force_authenticate(secretariat)
    draft = api_client.get(url, {"draft": "1"}).json()
    assert (draft["version"], draft["sha256"]) == (None, None)
    assert draft["delegations"][0]["delegates"][0]["name"] == "Nurlan Newhead"
    assert api_client.get(url).json()["version"] == 1


# --- Attendance and check-in -------------------------------------------------------------------


def test_the_secretariat_checks_a_delegate_in_and_reads_the_attendance(
    api_client, meeting, lines, secretariat
):
    kz, _ru = lines
    delegate = kz.delegates.get()
    api_client.force_authenticate(secretariat)
    url = f"/api/v1/meetings/{meeting.pk}/check-in/"
    first = api_client.post(url, {"code": badge_code(delegate)}, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["first_time"] is True
    assert first.json()["delegate"]["delegation"] == "KZ"
    again = api_client.post(url, {"code": badge_code(delegate)}, format="json")
    assert again.json()["first_time"] is False
    attendance = api_client.get(f"/api/v1/meetings/{meeting.pk}/attendance/").json()
    assert (attendance["checked_in"], attendance["confirmed"]) == (1, 2)
    present = {d["name"]: d["checked_in_at"] is not None for d in attendance["delegates"]}
    assert present == {"Aibek Example": True, "Ivan Example": False}


def test_a_badge_of_another_meeting_is_a_400_naming_the_code(
    api_client, meeting, lines, secretariat
):
    kz, _ru = lines
    other = MeetingFactory()
    api_client.force_authenticate(secretariat)
    response = api_client.post(
        f"/api/v1/meetings/{other.pk}/check-in/",
        {"code": badge_code(kz.delegates.get())},
        format="json",
    )
    assert response.status_code == 400
    assert "code" in response.json()
    assert kz.delegates.get().checked_in_at is None


def test_a_missing_code_is_a_400_naming_it(api_client, meeting, secretariat):
    api_client.force_authenticate(secretariat)
    response = api_client.post(f"/api/v1/meetings/{meeting.pk}/check-in/", {}, format="json")
    assert response.status_code == 400
    assert "code" in response.json()


def test_states_neither_check_in_nor_read_the_attendance(api_client, meeting, lines, fp_kz):
    kz, _ru = lines
    api_client.force_authenticate(fp_kz)
    assert api_client.get(f"/api/v1/meetings/{meeting.pk}/attendance/").status_code == 403
    response = api_client.post(
        f"/api/v1/meetings/{meeting.pk}/check-in/",
        {"code": badge_code(kz.delegates.get())},
        format="json",
    )
    assert response.status_code == 403
    assert kz.delegates.get().checked_in_at is None


# --- The timetable ------------------------------------------------------------------------------


def test_the_timetable_lists_sessions_in_order_with_their_agenda_items(
    api_client, meeting, secretariat, fp_kz
):
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Border management")
    services.save_timetable(
        meeting,
        by=secretariat,
        sessions=[
            {
                "title": "Second session",
                "start": meeting.start + timedelta(hours=3),
                "end": meeting.start + timedelta(hours=5),
            },
            {
                "title": "Opening session",
                "start": meeting.start,
                "end": meeting.start + timedelta(hours=1),
                "chair": "The host state",
                "speakers": "Executive Director\nINTERPOL",
                "agenda_items": [item],
            },
        ],
    )
    api_client.force_authenticate(fp_kz)
    rows = _results(api_client.get(f"/api/v1/meetings/{meeting.pk}/sessions/"))
    assert [row["title"] for row in rows] == ["Opening session", "Second session"]
    assert rows[0]["speakers"] == ["Executive Director", "INTERPOL"]
    assert rows[0]["chair"] == "The host state"
    assert rows[0]["agenda_items"] == [
        {"id": item.pk, "position": 1, "title": "Border management", "plan_items": []}
    ]


# --- The document library ------------------------------------------------------------------------


def _upload(meeting, by, title, access=MeetingDocument.Access.ALL_MEMBERS, **extra):
    return services.upload_document(
        meeting,
        by=by,
        upload=pdf(),
        kind=MeetingDocument.DocKind.CONCEPT_NOTE,
        title=title,
        access=access,
        **extra,
    )


def test_the_library_lists_only_what_the_reader_may_read_and_finds_by_words_or_symbol(
    api_client, meeting, secretariat, fp_kz, fp_ru
):
    services.register_delegation(meeting, by=fp_kz, delegates=RU)
    public = _upload(meeting, secretariat, "Concept note on border management", title_ru="Записка")
    _upload(meeting, secretariat, "Delegations' papers", access=MeetingDocument.Access.PARTICIPANTS)
    _upload(meeting, secretariat, "Internal note", access=MeetingDocument.Access.SECRETARIAT)
    url = "/api/v1/meetings/library/"
    api_client.force_authenticate(fp_ru)
    rows = _results(api_client.get(url))
    assert [row["title"] for row in rows] == ["Concept note on border management"]
    assert rows[0]["symbol"] == public.entry.symbol
    assert rows[0]["title_ru"] == "Записка"
    assert rows[0]["versions"][0]["language"] == "en"
    api_client.force_authenticate(fp_kz)
    assert {row["title"] for row in _results(api_client.get(url))} == {
        "Concept note on border management",
        "Delegations' papers",
    }
    assert [row["id"] for row in _results(api_client.get(url, {"q": "border"}))] == [public.pk]
    by_symbol = _results(api_client.get(url, {"q": public.entry.symbol}))
    assert [row["id"] for row in by_symbol] == [public.pk]
    assert _results(api_client.get(url, {"language": "ru"})) == []
    api_client.force_authenticate(secretariat)
    assert api_client.get(url).json()["count"] == 3


@pytest.mark.parametrize("name", ["kind", "language"])
def test_a_bad_library_filter_is_a_400_naming_it(api_client, fp_kz, name):
    api_client.force_authenticate(fp_kz)
    response = api_client.get("/api/v1/meetings/library/", {name: "klingon"})
    assert response.status_code == 400
    assert name in response.json()


# --- Needs assessment ---------------------------------------------------------------------------


@pytest.fixture
def questionnaire(secretariat):
    return services.send_needs_questionnaire(
        by=secretariat,
        area=Area.objects.get(number=2),
        title="Training of the trainers 2027",
        topics="Document fraud detection\nRisk analysis at the border",
    )


@pytest.fixture
def answers(questionnaire, fp_kz, fp_ru):
    need = [{"topic": "Document fraud detection", "trainees": 6, "language": "ru"}]
    kz = services.save_needs_answer(
        questionnaire, by=fp_kz, institutional_capacity="Academy", trainers_available=4, needs=need
    )
    ru = services.save_needs_answer(
        questionnaire,
        by=fp_ru,
        institutional_capacity="Institute",
        trainers_available=2,
        needs=need,
        submit=True,
    )
    return kz, ru


def test_a_focal_point_reads_its_own_states_answer_only(api_client, questionnaire, answers, fp_kz):
    kz, ru = answers
    api_client.force_authenticate(fp_kz)
    rows = _results(api_client.get("/api/v1/meetings/needs/answers/"))
    assert [(row["state"], row["status"]) for row in rows] == [("KZ", "draft")]
    assert rows[0]["topics"] == [
        {"topic": "Document fraud detection", "trainees": 6, "language": "ru"}
    ]
    assert api_client.get(f"/api/v1/meetings/needs/answers/{ru.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/meetings/needs/answers/{kz.pk}/").status_code == 200


def test_the_secretariat_reads_every_answer_and_filters_them(
    api_client, questionnaire, answers, secretariat
):
    api_client.force_authenticate(secretariat)
    url = "/api/v1/meetings/needs/answers/"
    assert {row["state"] for row in _results(api_client.get(url))} == {"KZ", "RU"}
    submitted = _results(api_client.get(url, {"status": "submitted"}))
    assert [row["state"] for row in submitted] == ["RU"]
    other = _results(api_client.get(url, {"questionnaire": questionnaire.pk}))
    assert len(other) == 2


def test_questionnaires_are_listed_with_their_topics(api_client, questionnaire, fp_kz):
    api_client.force_authenticate(fp_kz)
    rows = _results(api_client.get("/api/v1/meetings/needs/questionnaires/", {"area": 2}))
    assert rows[0]["topics"] == ["Document fraud detection", "Risk analysis at the border"]
    assert rows[0]["is_open"] is True
    assert _results(api_client.get("/api/v1/meetings/needs/questionnaires/", {"area": 1})) == []


def test_an_approver_does_not_follow_the_needs(api_client, questionnaire, answers, approver_kz):
    api_client.force_authenticate(approver_kz)
    assert api_client.get("/api/v1/meetings/needs/answers/").status_code == 403
    assert api_client.get("/api/v1/meetings/needs/questionnaires/").status_code == 403


def test_the_new_endpoints_refuse_anonymous_callers(api_client, meeting, lines):
    kz, _ru = lines
    for path in (
        f"/api/v1/meetings/{meeting.pk}/delegations/",
        f"/api/v1/meetings/{meeting.pk}/official-list/",
        f"/api/v1/meetings/{meeting.pk}/attendance/",
        f"/api/v1/meetings/{meeting.pk}/sessions/",
        "/api/v1/meetings/library/",
        "/api/v1/meetings/needs/answers/",
    ):
        assert api_client.get(path).status_code in (401, 403), path
    assert api_client.post(f"/api/v1/meetings/registrations/{kz.pk}/validate/").status_code in (
        401,
        403,
    )
    assert Registration.objects.get(pk=kz.pk).validated_at is None


def test_the_timetable_names_plan_items_by_the_plans_own_labels(api_client, meeting, fp_kz):
    from actionplan.selectors import plan_items
    from actionplan.services import load_plan

    load_plan()
    by_label = {item.label: item for item in plan_items().select_related("area")}
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Calendar of seminars")
    item.plan_items.set([by_label["II.1"], by_label["II.A"]])
    session = meeting.sessions.create(
        title="Opening", start=meeting.start, end=meeting.start + timedelta(hours=1)
    )
    session.agenda_items.set([item])
    api_client.force_authenticate(fp_kz)
    rows = _results(api_client.get(f"/api/v1/meetings/{meeting.pk}/sessions/"))
    labels = sorted(plan["label"] for plan in rows[0]["agenda_items"][0]["plan_items"])
    assert labels == ["II.1", "II.A"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_lists_do_not_grow_in_queries_with_their_rows(api_client, meeting, secretariat):
    urls = [
        f"/api/v1/meetings/{meeting.pk}/delegations/",
        f"/api/v1/meetings/{meeting.pk}/attendance/",
        f"/api/v1/meetings/{meeting.pk}/official-list/",
        f"/api/v1/meetings/{meeting.pk}/sessions/",
        "/api/v1/meetings/library/",
    ]

    def add(code: str, sessions: int) -> None:
        focal_point = FocalPointUserFactory(state=state(code))
        line = services.register_delegation(
            meeting, by=focal_point, delegates=[*KZ, {"name": "Delegate"}]
        )
        services.confirm_registration(line, by=secretariat)
        services.validate_delegation(line, by=focal_point)
        _upload(meeting, secretariat, f"Paper of {code}")
        start = meeting.start
        services.save_timetable(
            meeting,
            by=secretariat,
            sessions=[
                {"title": f"Session {n}", "start": start, "end": start + timedelta(hours=1)}
                for n in range(sessions)
            ],
        )

    api_client.force_authenticate(secretariat)
    add("KZ", sessions=1)
    budget = {url: _queries(api_client, url) for url in urls}
    for code in ("RU", "CN", "TJ"):
        add(code, sessions=4)
    assert {url: _queries(api_client, url) for url in urls} == budget


def test_a_focal_point_saves_a_draft_then_submits_its_states_answer(
    api_client, questionnaire, fp_kz
):
    url = f"/api/v1/meetings/needs/questionnaires/{questionnaire.pk}/answer/"
    body = {
        "institutional_capacity": "A police academy",
        "trainers_available": 3,
        "topics": [
            {"topic": "Document fraud detection", "trainees": 5, "language": "ru"},
            {"topic": "Risk analysis at the border", "trainees": 0},
        ],
    }
    api_client.force_authenticate(fp_kz)
    draft = api_client.put(url, body, format="json")
    assert draft.status_code == 200, draft.content
    assert draft.json()["status"] == "draft"
    assert draft.json()["topics"] == [
        {"topic": "Document fraud detection", "trainees": 5, "language": "ru"}
    ]
    submitted = api_client.put(url, {**body, "submit": True}, format="json")
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_at"] is not None
    again = api_client.put(url, {**body, "trainers_available": 9}, format="json")
    assert again.status_code == 409
    assert NeedsAnswer.objects.get().trainers_available == 3


def test_a_topic_not_offered_is_a_400_naming_topics_and_nothing_is_saved(
    api_client, questionnaire, fp_kz
):
    api_client.force_authenticate(fp_kz)
    response = api_client.put(
        f"/api/v1/meetings/needs/questionnaires/{questionnaire.pk}/answer/",
        {"topics": [{"topic": "Cooking", "trainees": 2}]},
        format="json",
    )
    assert response.status_code == 400
    assert "topics" in response.json()
    assert not NeedsAnswer.objects.exists()


def test_the_secretariat_does_not_answer_for_a_state(api_client, questionnaire, secretariat):
    api_client.force_authenticate(secretariat)
    response = api_client.put(
        f"/api/v1/meetings/needs/questionnaires/{questionnaire.pk}/answer/", {}, format="json"
    )
    assert response.status_code == 403
    assert not NeedsAnswer.objects.exists()
