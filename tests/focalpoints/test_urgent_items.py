"""Urgent items reach whoever answers for the state now: an urgent request for information
goes to the requested state's office mailbox, the person on duty and acting deputies, and a
hit on a document to the issuing state's; each address one email, in English and Russian,
however often the item is raised."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from cica_portal import urgent
from cica_portal.models import OutboxMessage
from cica_portal.notifications import Notice
from exchange.models import DocumentHit
from focalpoints import services
from focalpoints.models import UrgentMail
from tests.exchange import factories as exchange_factories
from tests.factories import state
from tests.focalpoints.factories import FocalPointFactory
from tests.inquiries.factories import send

pytestmark = pytest.mark.django_db


def _kz_office_on_duty(approver_kz, *, areas=(1,), email="duty@border.kz.example"):
    office = FocalPointFactory(kind="office", email=email, areas=list(areas))
    services.add_duty_shift(
        office,
        actor=approver_kz,
        person="Officer on duty",
        email="officer@border.kz.example",
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        ends_at=timezone.now() + datetime.timedelta(hours=6),
    )
    return office


def _sent_to() -> list[str]:
    for queued in OutboxMessage.objects.filter(task_name="focalpoints.send_urgent_mail"):
        services.send_urgent_mail(*queued.args)
    return sorted(address for message in mail.outbox for address in message.to)


def test_an_urgent_request_reaches_the_office_and_the_person_on_duty(fp_ru, fp_kz, approver_kz):
    _kz_office_on_duty(approver_kz, areas=[3])
    request = send(fp_ru, to=("KZ",), urgency="urgent")
    mail.outbox.clear()  # the focal points' own notices: sent by notify() as ever
    assert _sent_to() == ["duty@border.kz.example", "officer@border.kz.example"]
    message = mail.outbox[0]
    assert f"#{request.pk}" in message.subject
    assert "asks your state for information" in message.body
    assert "запрашивает информацию" in message.body  # and in Russian, in one message
    assert f"Запрос информации № {request.pk}" in message.subject
    assert request.get_absolute_url() in message.body


def test_a_standard_request_goes_to_the_focal_points_only(fp_ru, fp_kz, approver_kz):
    _kz_office_on_duty(approver_kz)
    send(fp_ru, to=("KZ",), urgency="standard")
    assert not UrgentMail.objects.exists()


def test_an_address_already_told_as_a_focal_point_gets_no_second_email(fp_ru, fp_kz, approver_kz):
    _kz_office_on_duty(approver_kz, email=fp_kz.email.upper())
    send(fp_ru, to=("KZ",), urgency="urgent")
    assert list(UrgentMail.objects.values_list("address", flat=True)) == [
        "officer@border.kz.example"
    ]


def test_the_same_item_raised_again_sends_nothing_more(approver_kz):
    _kz_office_on_duty(approver_kz)
    item = urgent.UrgentItem(
        key="inquiries:99:urgent", state_id=state("KZ").pk, notice=Notice("Alert", "Body")
    )
    assert len(urgent.send(item)) == 2
    assert urgent.send(item) == []
    assert len(_sent_to()) == 2
    queued = OutboxMessage.objects.filter(task_name="focalpoints.send_urgent_mail")
    assert not any(services.send_urgent_mail(*message.args) for message in queued)
    assert len(mail.outbox) == 2


def test_an_area_nobody_covers_falls_back_to_whoever_answers_for_the_state(approver_kz):
    _kz_office_on_duty(approver_kz, areas=[4])
    item = urgent.UrgentItem(
        key="x:1", state_id=state("KZ").pk, notice=Notice("Alert", "Body"), area_number=1
    )
    assert sorted(urgent.send(item)) == ["duty@border.kz.example", "officer@border.kz.example"]


def test_a_failed_send_is_sent_by_the_retry(approver_kz, monkeypatch):
    _kz_office_on_duty(approver_kz)
    urgent.send(urgent.UrgentItem(key="x:2", state_id=state("KZ").pk, notice=Notice("A", "B")))
    first = UrgentMail.objects.order_by("pk").first()

    def refuse(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("focalpoints.services.offices.send_mail", refuse)
    with pytest.raises(OSError, match="mail server down"):
        services.send_urgent_mail(first.pk)
    monkeypatch.undo()
    assert services.send_urgent_mail(first.pk)


def test_a_hit_on_a_document_reaches_the_issuing_states_border_office(
    fp_kz, fp_cn, approver_kz, api_client
):
    exchange_factories.released(
        fp_kz,
        [approver_kz],
        slug="lost-stolen-document",
        concerned=(),
        recipients=("CN",),
        content=exchange_factories.document_content("N12345678"),
    )
    _kz_office_on_duty(approver_kz, areas=[1])
    FocalPointFactory(email="police@kz.example", areas=[2], role="primary")
    api_client.force_authenticate(fp_cn)
    check = api_client.get("/api/v1/exchange/documents/check/", {"number": "N12345678"})
    assert check.status_code == 200
    hit = DocumentHit.objects.get()
    mails = UrgentMail.objects.filter(key=f"exchange:document-hit:{hit.pk}:urgent")
    assert sorted(mails.values_list("address", flat=True)) == [
        "duty@border.kz.example",
        "officer@border.kz.example",
    ]
    assert "Hit on your document notice" in mails.first().subject
    # a second check of the same number is a new hit, a new item: told again, once
    api_client.get("/api/v1/exchange/documents/check/", {"number": "N12345678"})
    assert UrgentMail.objects.count() == 4


def test_both_languages_lead_with_the_one_the_states_focal_points_chose(fp_kz, fp_ru, approver_kz):
    fp_kz.language = "ru"
    fp_kz.save(update_fields=["language"])
    _kz_office_on_duty(approver_kz)
    send(fp_ru, to=("KZ",), urgency="urgent")
    body = UrgentMail.objects.first().body
    assert body.index("запрашивает") < body.index("asks your state")
