"""Offices as well as people: a functional mailbox, a duty roster in the office's time zone,
acting deputies whose period ends by itself, and urgent items to each address once."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cica_portal.models import OutboxMessage
from focalpoints import selectors, services
from focalpoints.models import DutyShift
from focalpoints.services import FocalPointError
from tests.factories import state
from tests.focalpoints.factories import FocalPointFactory, area

pytestmark = pytest.mark.django_db
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


def _office(**kwargs):
    return FocalPointFactory(
        kind="office",
        name="Border Service duty office",
        email="duty@border.kz.example",
        time_zone="Asia/Almaty",
        **kwargs,
    )


def _at(hour: int, day: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, 0, tzinfo=ALMATY)


def test_urgent_items_go_to_the_person_on_duty_and_the_office_mailbox(approver_kz):
    office = _office(areas=[1])
    services.add_duty_shift(
        office,
        actor=approver_kz,
        person="Officer A",
        email="a@border.kz.example",
        starts_at=_at(8),
        ends_at=_at(20),
    )
    services.add_duty_shift(
        office,
        actor=approver_kz,
        person="Officer B",
        email="b@border.kz.example",
        starts_at=_at(20),
        ends_at=_at(8, day=4),
    )
    kz, border = state("KZ"), area(1)
    assert selectors.urgent_recipients(kz, border, _at(9)) == [
        "duty@border.kz.example",
        "a@border.kz.example",
    ]
    assert selectors.urgent_recipients(kz, border, _at(23)) == [
        "duty@border.kz.example",
        "b@border.kz.example",
    ]


def test_an_address_reached_twice_is_sent_to_once(approver_kz, secretariat):
    office = _office(areas=[1])
    FocalPointFactory(role="deputy", email="DUTY@border.kz.example", areas=[1])
    services.add_duty_shift(
        office,
        actor=approver_kz,
        person="Office itself",
        email="duty@border.kz.example",
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    addresses = services.send_urgent(
        state("KZ"), area(1), actor=secretariat, subject="Alert", body="Lost passports"
    )
    assert addresses == ["duty@border.kz.example"]
    sends = OutboxMessage.objects.filter(task_name="focalpoints.send_urgent_mail")
    assert sends.count() == 1
    assert services.send_urgent_mail(*sends.get().args)
    assert not services.send_urgent_mail(*sends.get().args)  # a second run sends nothing
    assert [message.to for message in mail.outbox] == [["duty@border.kz.example"]]


def test_an_acting_period_ends_by_itself_after_its_last_day(approver_kz):
    entry = FocalPointFactory(areas=[2], email="head@police.kz.example", time_zone="Asia/Almaty")
    services.add_acting_deputy(
        entry,
        actor=approver_kz,
        name="Acting head",
        email="acting@police.kz.example",
        starts_on=datetime.date(2026, 12, 1),
        ends_on=datetime.date(2026, 12, 10),
    )
    kz, police = state("KZ"), area(2)
    last_evening = datetime.datetime(2026, 12, 10, 23, 30, tzinfo=ALMATY)
    assert "acting@police.kz.example" in selectors.urgent_recipients(kz, police, last_evening)
    next_morning = datetime.datetime(2026, 12, 11, 0, 30, tzinfo=ALMATY)
    assert selectors.urgent_recipients(kz, police, next_morning) == ["head@police.kz.example"]


def test_only_an_office_has_a_duty_roster(approver_kz):
    person = FocalPointFactory(areas=[1])
    with pytest.raises(FocalPointError):
        services.add_duty_shift(
            person,
            actor=approver_kz,
            person="X",
            email="x@example.org",
            starts_at=_at(8),
            ends_at=_at(9),
        )


def test_another_states_approver_may_not_keep_the_roster(approver_ru):
    office = _office()
    with pytest.raises(FocalPointError) as refused:
        services.add_duty_shift(
            office,
            actor=approver_ru,
            person="X",
            email="x@example.org",
            starts_at=_at(8),
            ends_at=_at(9),
        )
    assert refused.value.code == "forbidden"


def test_the_roster_page_reads_hours_in_the_offices_zone(client, approver_kz):
    office = _office()
    client.force_login(approver_kz)
    url = reverse("focalpoints:roster", args=[office.pk])
    response = client.post(
        url,
        {
            "add": "shift",
            "shift-person": "Officer A",
            "shift-email": "a@border.kz.example",
            "shift-starts_at": "2026-12-03T08:00",
            "shift-ends_at": "2026-12-03T20:00",
        },
    )
    assert response.status_code == 302
    shift = DutyShift.objects.get()
    assert shift.starts_at == _at(8)


def test_the_roster_page_refuses_bad_input_naming_the_field(client, approver_kz):
    office = _office()
    client.force_login(approver_kz)
    url = reverse("focalpoints:roster", args=[office.pk])
    response = client.post(
        url,
        {
            "add": "shift",
            "shift-person": "Officer A",
            "shift-email": "a@border.kz.example",
            "shift-starts_at": "2026-12-03T20:00",
            "shift-ends_at": "2026-12-03T08:00",
        },
    )
    assert response.status_code == 200
    assert "ends_at" in response.context["shift_form"].errors
    assert client.post(url, {"add": "nonsense"}).status_code == 400


def test_the_roster_page_is_not_found_for_an_outsider_and_forbidden_to_a_reader(
    client, approver_ru, fp_ru
):
    office = _office(status="nominated")
    client.force_login(approver_ru)
    assert client.get(reverse("focalpoints:roster", args=[office.pk])).status_code == 404
    current = _office(areas=[3])
    client.force_login(fp_ru)
    assert client.get(reverse("focalpoints:roster", args=[current.pk])).status_code == 403
