"""Point 10 of issue 23: needs assessment for "training of the trainers" (Action Plan II.2).
The Secretariat sends a questionnaire; each member state's focal points save a draft and submit
their state's answer; the consolidated needs per topic and state feed training requests and the
annual review."""

from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from cica_portal import review_sections
from cica_portal.models import Area, AuditRecord, Notification, OutboxMessage, State
from meetings import selectors, services
from meetings.models import NeedsAnswer
from meetings.services import MeetingError
from tests.factories import FocalPointUserFactory, SecretariatAdminFactory, state
from tests.focalpoints.factories import FocalPointFactory

pytestmark = pytest.mark.django_db
TOPICS = "Document fraud detection\nRisk analysis at the border\nInterview techniques"


@pytest.fixture
def questionnaire(secretariat):
    return services.send_needs_questionnaire(
        by=secretariat,
        area=Area.objects.get(number=2),
        title="Training of the trainers 2027",
        topics=TOPICS,
    )


def answer_data(**overrides) -> dict:
    data = {
        "institutional_capacity": "A police academy in Astana",
        "trainers_available": "4",
        "other_needs": "",
        "topic_0_trainees": "6",
        "topic_0_language": "ru",
        "topic_1_trainees": "0",
        "topic_1_language": "en,ru",
        "topic_2_trainees": "2",
        "topic_2_language": "en",
    }
    data.update(overrides)
    return data


def _told(questionnaire) -> set[str]:
    return set(
        Notification.objects.filter(key=f"meetings:needs:{questionnaire.pk}:sent").values_list(
            "recipient__username", flat=True
        )
    )


def _send(secretariat, area_number=2):
    return services.send_needs_questionnaire(
        by=secretariat, area=Area.objects.get(number=area_number), title="Needs", topics=TOPICS
    )


def test_it_goes_to_the_focal_points_the_directory_lists_for_its_area_only(
    fp_kz, fp_ru, approver_kz, secretariat
):
    FocalPointFactory(state=state("KZ"), user=fp_kz, email=fp_kz.email, areas=[2])
    FocalPointFactory(state=state("RU"), user=fp_ru, email=fp_ru.email, areas=[1])
    questionnaire = _send(secretariat)
    assert _told(questionnaire) == {fp_kz.username}
    assert AuditRecord.objects.filter(action="meetings.needs.sent").count() == 1


def test_a_focal_point_account_not_listed_for_the_area_is_not_asked(fp_kz, fp_ru, secretariat):
    questionnaire = _send(secretariat)
    assert _told(questionnaire) == set()


def test_an_offices_mailbox_for_the_area_gets_the_questionnaire_by_email(secretariat):
    FocalPointFactory(
        state=state("KZ"), kind="office", email="border-desk@mvd.example.kz", areas=[2]
    )
    FocalPointFactory(state=state("KZ"), email="elsewhere@example.kz", areas=[3])
    with mock.patch("cica_portal.outbox.relay"):
        questionnaire = _send(secretariat)
    emails = OutboxMessage.objects.filter(task_name="focalpoints.send_email")
    assert [message.args[0] for message in emails] == ["border-desk@mvd.example.kz"]
    subject, body = emails[0].args[1:]
    assert "Training of the trainers" in subject
    assert questionnaire.get_absolute_url() in body
    assert "Секретариат" in body  # in both working languages


def test_an_entry_past_its_term_or_withdrawn_is_not_asked(fp_kz, secretariat):
    FocalPointFactory(
        state=state("KZ"), user=fp_kz, email=fp_kz.email, areas=[2], status="withdrawn"
    )
    assert _told(_send(secretariat)) == set()


def test_the_secretariat_sees_which_member_states_have_no_focal_point_for_the_area(
    client, fp_kz, secretariat
):
    FocalPointFactory(state=state("KZ"), user=fp_kz, email=fp_kz.email, areas=[2])
    client.force_login(secretariat)
    response = client.post(
        reverse("meetings:needs-new"),
        {"area": Area.objects.get(number=2).pk, "title": "Needs", "topics": TOPICS},
        follow=True,
    )
    page = response.content.decode()
    assert "No focal point for this area in the directory, so not asked" in page
    missing = {state.code for state in response.context["without_focal_point"]}
    members = set(State.objects.members().values_list("code", flat=True))
    assert missing == members - {"KZ"}
    record = AuditRecord.objects.get(action="meetings.needs.sent")
    assert record.data["states"] == ["KZ"]
    assert set(record.data["without_focal_point"]) == members - {"KZ"}


def test_only_the_secretariat_sends_a_questionnaire(fp_kz):
    with pytest.raises(MeetingError):
        services.send_needs_questionnaire(
            by=fp_kz, area=Area.objects.get(number=2), title="x", topics="y"
        )


def test_a_questionnaire_without_topics_is_a_form_error_naming_the_field(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("meetings:needs-new"),
        {"area": Area.objects.get(number=2).pk, "title": "Needs", "topics": "  \n "},
    )
    assert response.status_code == 400
    assert "topics" in response.context["form"].errors


def test_a_focal_point_saves_a_draft_then_submits_and_the_secretariat_is_told(
    client, questionnaire, fp_kz
):
    client.force_login(fp_kz)
    url = reverse("meetings:needs-detail", args=[questionnaire.pk])
    assert client.post(url, {**answer_data(), "save": "1"}).status_code == 302
    answer = NeedsAnswer.objects.get(questionnaire=questionnaire, state=state("KZ"))
    assert answer.status == NeedsAnswer.Status.DRAFT
    assert {(n.topic, n.trainees, n.language) for n in answer.topics.all()} == {
        ("Document fraud detection", 6, "ru"),
        ("Interview techniques", 2, "en"),
    }
    page = client.get(url)
    assert page.context["form"]["topic_0_trainees"].value() == 6  # the draft comes back
    assert not Notification.objects.filter(key=f"meetings:needs:{answer.pk}:submitted").exists()
    assert client.post(url, {**answer_data(topic_2_trainees="3"), "submit": "1"}).status_code == 302
    answer.refresh_from_db()
    assert answer.status == NeedsAnswer.Status.SUBMITTED
    assert answer.submitted_by == fp_kz
    assert answer.topics.get(topic="Interview techniques").trainees == 3
    assert Notification.objects.filter(key=f"meetings:needs:{answer.pk}:submitted").exists()
    assert AuditRecord.objects.filter(action="meetings.needs.submitted").exists()


def test_a_submitted_answer_can_no_longer_be_changed(client, questionnaire, fp_kz):
    services.save_needs_answer(
        questionnaire,
        by=fp_kz,
        institutional_capacity="",
        trainers_available=1,
        needs=[{"topic": "Interview techniques", "trainees": 1}],
        submit=True,
    )
    client.force_login(fp_kz)
    url = reverse("meetings:needs-detail", args=[questionnaire.pk])
    assert client.get(url).context["form"] is None
    assert client.post(url, {**answer_data(), "save": "1"}).status_code == 403
    with pytest.raises(MeetingError):
        services.save_needs_answer(
            questionnaire, by=fp_kz, institutional_capacity="", trainers_available=1, needs=[]
        )


def test_another_states_answer_is_a_404_and_its_own_state_and_the_secretariat_read_it(
    client, questionnaire, fp_kz, fp_ru, secretariat
):
    answer = services.save_needs_answer(
        questionnaire,
        by=fp_kz,
        institutional_capacity="Academy",
        trainers_available=2,
        needs=[{"topic": "Interview techniques", "trainees": 5}],
    )
    url = reverse("meetings:needs-answer", args=[answer.pk])
    client.force_login(fp_ru)
    assert client.get(url).status_code == 404
    client.force_login(FocalPointUserFactory(username="fp-kz-2", state=state("KZ")))
    assert client.get(url).status_code == 200
    client.force_login(secretariat)
    assert "Academy" in client.get(url).content.decode()


def test_one_states_focal_point_cannot_answer_for_another_state(client, questionnaire, fp_ru):
    client.force_login(fp_ru)
    url = reverse("meetings:needs-detail", args=[questionnaire.pk])
    client.post(url, {**answer_data(), "state": state("KZ").pk, "save": "1"})
    assert list(NeedsAnswer.objects.values_list("state__code", flat=True)) == ["RU"]


def test_a_topic_not_in_the_questionnaire_is_refused(questionnaire, fp_kz):
    with pytest.raises(MeetingError) as refused:
        services.save_needs_answer(
            questionnaire,
            by=fp_kz,
            institutional_capacity="",
            trainers_available=0,
            needs=[{"topic": "Cooking", "trainees": 5}],
        )
    assert refused.value.field == "topics"


def test_a_negative_number_is_a_form_error_and_nothing_is_saved(client, questionnaire, fp_kz):
    client.force_login(fp_kz)
    url = reverse("meetings:needs-detail", args=[questionnaire.pk])
    response = client.post(url, {**answer_data(topic_0_trainees="-3"), "save": "1"})
    assert response.status_code == 400
    assert "topic_0_trainees" in response.context["form"].errors
    assert not NeedsAnswer.objects.exists()


def test_an_outsider_and_an_approver_do_not_reach_the_questionnaires(
    client, questionnaire, approver_kz
):
    url = reverse("meetings:needs-detail", args=[questionnaire.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(approver_kz)
    assert client.get(url).status_code == 403


def test_the_secretariat_sees_needs_per_topic_and_state_and_a_state_gets_a_filled_in_request(
    client, questionnaire, fp_kz, fp_ru, secretariat
):
    for user, trainees in ((fp_kz, 6), (fp_ru, 4)):
        services.save_needs_answer(
            questionnaire,
            by=user,
            institutional_capacity="",
            trainers_available=1,
            needs=[{"topic": "Document fraud detection", "trainees": trainees, "language": "ru"}],
            submit=True,
        )
    client.force_login(secretariat)
    page = client.get(reverse("meetings:needs-detail", args=[questionnaire.pk]))
    [entry] = page.context["consolidated"]
    assert entry["topic"] == "Document fraud detection"
    assert entry["trainees"] == 10
    assert [need.answer.state.code for need in entry["states"]] == ["KZ", "RU"]
    client.force_login(fp_kz)
    page = client.get(reverse("meetings:needs-detail", args=[questionnaire.pk]))
    [(need, link)] = page.context["training_links"]
    assert need.topic == "Document fraud detection"
    query = parse_qs(urlsplit(link).query)
    assert query["topic"] == ["Document fraud detection"]
    assert query["expected_participants"] == ["6"]
    form = client.get(link).context["form"]
    assert form["topic"].value() == "Document fraud detection"
    assert str(form["expected_participants"].value()) == "6"


def test_the_annual_review_counts_the_needs_per_topic_and_state(questionnaire, fp_kz):
    services.save_needs_answer(
        questionnaire,
        by=fp_kz,
        institutional_capacity="",
        trainers_available=3,
        needs=[{"topic": "Risk analysis at the border", "trainees": 7}],
        submit=True,
    )
    [section] = [
        s
        for s in review_sections.sections_for(timezone.now().year)
        if s.section.name == "meetings.training_needs"
    ]
    assert section.figures["states_answered"] == 1
    assert section.figures["topics"] == [
        {"topic": "Risk analysis at the border", "trainees": 7, "states": [("KZ", 7)]}
    ]
    rows = selectors.needs_rows_for_year(section.figures)
    assert rows[1] == ["Risk analysis at the border", 7, "KZ (7)"]


def test_a_closed_questionnaire_takes_no_more_answers(questionnaire, secretariat, fp_kz):
    services.close_needs_questionnaire(questionnaire, by=secretariat)
    with pytest.raises(MeetingError):
        services.save_needs_answer(
            questionnaire, by=fp_kz, institutional_capacity="", trainers_available=0, needs=[]
        )


def test_the_admin_shows_answers_but_writes_none(client, questionnaire, fp_kz):
    services.save_needs_answer(
        questionnaire,
        by=fp_kz,
        institutional_capacity="Academy",
        trainers_available=1,
        needs=[{"topic": "Interview techniques", "trainees": 2}],
    )
    client.force_login(SecretariatAdminFactory(username="secretariat-needs"))
    listing = client.get(reverse("admin:meetings_needsanswer_changelist"))
    assert listing.status_code == 200
    assert "Kazakhstan" in listing.content.decode()
    assert client.get(reverse("admin:meetings_needsanswer_add")).status_code == 403
