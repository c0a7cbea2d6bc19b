"""A notice is one small message type rendered in each recipient's language."""

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from cica_portal.models import Area, Notification
from cica_portal.notifications import Notice, lowercase, notify, phrase
from meetings import services
from meetings.models import TrainingRequest

pytestmark = pytest.mark.django_db


def test_it_renders_a_notice_in_each_recipients_language(fp_kz, fp_ru):
    fp_kz.language, fp_ru.language = "en", "ru"
    notice = Notice(
        gettext_lazy("Delegation confirmed: %(title)s"),
        gettext_lazy("The Secretariat confirmed your state's delegation to %(title)s."),
        {"title": "SOC 2027"},
    )
    notify([fp_kz, fp_ru], key="test:notice", notice=notice)

    english = Notification.objects.get(recipient=fp_kz)
    russian = Notification.objects.get(recipient=fp_ru)
    assert english.subject == "Delegation confirmed: SOC 2027"
    assert russian.subject != english.subject
    assert "SOC 2027" in russian.subject
    with translation.override("ru"):
        assert russian.subject == str(gettext_lazy("Delegation confirmed: %(title)s")) % {
            "title": "SOC 2027"
        }


def test_a_translatable_value_is_rendered_in_the_recipients_language_too():
    label = TrainingRequest.Status.DECLINED.label
    notice = Notice(
        gettext_lazy("Your training seminar request: %(status)s"), "", {"status": label}
    )
    with translation.override("en"):
        english, _body = notice.render()
    with translation.override("ru"):
        russian, _body = notice.render()
    assert english == "Your training seminar request: Declined"
    assert russian != english
    assert "Declined" not in russian


def test_the_requester_reads_the_decision_in_their_language_not_the_secretariats(
    fp_kz, secretariat
):
    fp_kz.language = "ru"
    fp_kz.save(update_fields=["language"])
    training = services.request_training(
        by=fp_kz,
        area=Area.objects.get(number=1),
        topic="Risk analysis",
        preferred_period="2027",
        expected_participants=5,
    )
    with translation.override("en"):  # the Secretariat works in English
        services.decline_training_request(training, by=secretariat, reason="No trainers")

    notice = Notification.objects.get(recipient=fp_kz, key__endswith=":declined")
    assert "Risk analysis" in notice.body
    assert "No trainers" in notice.body
    assert "The Secretariat declined" not in notice.body


def test_a_focal_point_notice_names_the_state_in_each_readers_language(approver_kz, secretariat):
    from focalpoints.models import FocalPoint
    from focalpoints.services import verify
    from tests.focalpoints.factories import FocalPointFactory

    approver_kz.language, secretariat.language = "ru", "en"
    approver_kz.save(update_fields=["language"])
    entry = FocalPointFactory(status=FocalPoint.Status.NOMINATED)
    verify(entry, actor=secretariat)

    body = Notification.objects.get(recipient=approver_kz, key__contains=":verified:").body
    assert entry.state.name_ru in body
    assert "Kazakhstan" not in body


def test_a_lowered_label_and_a_sentence_within_are_rendered_in_the_readers_language():
    label = TrainingRequest.Status.DECLINED.label
    notice = Notice(
        "%(status)s%(deadline)s",
        "",
        {
            "status": lowercase(label),
            "deadline": phrase(gettext_lazy(" before %(date)s"), {"date": "2027-01-31"}),
        },
    )
    with translation.override("en"):
        english, _body = notice.render()
    with translation.override("ru"):
        russian, _body = notice.render()
    assert english == "declined before 2027-01-31"
    with translation.override("ru"):
        assert russian == f"{str(label).lower()}{gettext_lazy(' before %(date)s')}" % {
            "date": "2027-01-31"
        }
    assert russian != english


def test_notify_takes_only_a_notice(fp_kz):
    with pytest.raises(TypeError):
        notify([fp_kz], key="test:text", subject="S", body="B")  # type: ignore[call-arg]
