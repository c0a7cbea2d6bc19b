"""Communication tests: a message to every focal point and office, acknowledged with one click
from the email (GET shows a button, POST records) or the portal; a report of who answered and
how fast; a non-answer after 24 hours escalated once to the state's approvers."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cica_portal.models import Notification, OutboxMessage
from focalpoints import selectors, services
from focalpoints.models import CommunicationTest, TestMessage
from focalpoints.services import FocalPointError
from tests.focalpoints.factories import FocalPointFactory

pytestmark = pytest.mark.django_db


def _network(fp_kz):
    person = FocalPointFactory(user=fp_kz, email="person@mfa.kz.example", areas=[1])
    office = FocalPointFactory(
        kind="office", state=fp_kz.state, role="deputy", email="duty@mvd.kz.example", areas=[1, 2]
    )
    FocalPointFactory(status="withdrawn", email="gone@example.org", areas=[3])
    return person, office


def _send_all() -> None:
    for queued in OutboxMessage.objects.filter(task_name="focalpoints.send_test_message"):
        services.send_test_message(*queued.args)


def test_it_sends_one_test_message_to_every_current_focal_point_and_office(fp_kz, secretariat):
    _person, _office = _network(fp_kz)
    test = services.start_communication_test(actor=secretariat)
    assert set(test.messages.values_list("address", flat=True)) == {
        "person@mfa.kz.example",
        "duty@mvd.kz.example",
    }
    _send_all()
    _send_all()  # the relay may hand a message over twice: it is sent once
    assert sorted(m.to[0] for m in mail.outbox) == ["duty@mvd.kz.example", "person@mfa.kz.example"]
    assert "/focal-points/acknowledge/" in mail.outbox[0].body
    assert Notification.objects.filter(recipient=fp_kz, key__startswith="fp:commtest:").exists()


def test_the_email_link_shows_a_button_and_only_a_post_acknowledges(client, fp_kz, secretariat):
    _person, office = _network(fp_kz)
    test = services.start_communication_test(actor=secretariat)
    _send_all()
    message = test.messages.get(entry=office)
    url = reverse("focalpoints:acknowledge", args=[services.message_token(message)])
    page = client.get(url)  # a mail scanner following the link
    assert page.status_code == 200
    assert "Acknowledge the test" in page.content.decode()
    message.refresh_from_db()
    assert message.acknowledged_at is None
    assert client.post(url).status_code == 200
    message.refresh_from_db()
    assert message.acknowledged_at is not None
    assert message.channel == TestMessage.Channel.EMAIL
    first = message.acknowledged_at
    client.post(url)  # a second click changes nothing
    message.refresh_from_db()
    assert message.acknowledged_at == first


def test_a_forged_acknowledgement_link_is_not_found(client):
    assert client.get(reverse("focalpoints:acknowledge", args=["1:forged"])).status_code == 404
    assert client.post(reverse("focalpoints:acknowledge", args=["nonsense"])).status_code == 404


def test_a_focal_point_acknowledges_in_the_portal_only_their_own(client, fp_kz, fp_ru, secretariat):
    person, _office = _network(fp_kz)
    test = services.start_communication_test(actor=secretariat)
    message = test.messages.get(entry=person)
    url = reverse("focalpoints:test-message", args=[message.pk])
    client.force_login(fp_ru)
    assert client.post(url).status_code == 404
    client.force_login(fp_kz)
    assert client.post(url).status_code == 302
    message.refresh_from_db()
    assert message.channel == TestMessage.Channel.PORTAL
    assert message.acknowledged_by == fp_kz


def test_the_report_shows_per_state_and_area_who_answered_and_how_fast(
    client, fp_kz, secretariat, monkeypatch
):
    person, _office = _network(fp_kz)
    sent = timezone.now() + datetime.timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: sent)
    test = services.start_communication_test(actor=secretariat)
    _send_all()
    monkeypatch.setattr(timezone, "now", lambda: sent + datetime.timedelta(minutes=42))
    services.acknowledge(test.messages.get(entry=person), by=fp_kz, channel="portal")
    lines = {
        (line.state.code, line.area.number): line for line in selectors.communication_report(test)
    }
    assert set(lines) == {("KZ", 1), ("KZ", 2)}
    assert len(lines[("KZ", 1)].messages) == 2
    assert [m.entry for m in lines[("KZ", 1)].answered] == [person]
    assert lines[("KZ", 1)].fastest == datetime.timedelta(minutes=42)
    assert lines[("KZ", 2)].answered == []
    client.force_login(secretariat)
    page = client.get(reverse("focalpoints:communication-test", args=[test.pk])).content.decode()
    assert "1 of 2 answered" in page
    csv = client.get(reverse("focalpoints:communication-test-csv", args=[test.pk])).content.decode()
    assert "KZ,1," in csv
    assert ",42," in csv


def test_the_coverage_matrix_shows_who_did_not_answer_the_latest_test(fp_kz, secretariat):
    person, _office = _network(fp_kz)
    test = services.start_communication_test(actor=secretariat)
    services.acknowledge(test.messages.get(entry=person), by=fp_kz, channel="portal")
    rows = selectors.coverage_matrix(secretariat).rows
    kz = next(row for row in rows if row.state.code == "KZ")
    assert kz.cells[0].answered is True  # area I: the person answered
    assert kz.cells[1].answered is False  # area II: only the office, silent
    assert kz.cells[2].answered is None  # area III: nobody was tested


def test_a_non_answer_after_24_hours_is_escalated_once_to_the_states_approver(
    fp_kz, approver_kz, approver_ru, secretariat, monkeypatch
):
    person, office = _network(fp_kz)
    start = timezone.now() + datetime.timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: start)
    test = services.start_communication_test(actor=secretariat)
    _send_all()
    services.acknowledge(test.messages.get(entry=person), by=fp_kz, channel="portal")
    assert services.escalate_unanswered(now=start + datetime.timedelta(hours=23, minutes=59)) == 0
    later = start + datetime.timedelta(hours=24, minutes=5)
    assert services.escalate_unanswered(now=later) == 1
    assert services.escalate_unanswered(now=later + datetime.timedelta(hours=1)) == 0
    escalations = Notification.objects.filter(key__endswith=":escalated")
    assert list(escalations.values_list("recipient__username", flat=True)) == ["approver-kz"]
    assert "duty@mvd.kz.example" in escalations.get().body
    assert test.messages.get(entry=office).escalated_at == later


def test_the_scheduled_test_runs_once_per_half_year(fp_kz):
    _network(fp_kz)
    january = datetime.datetime(2026, 1, 15, 4, 0, tzinfo=datetime.UTC)
    assert services.run_scheduled_test(now=january) is not None
    assert services.run_scheduled_test(now=january + datetime.timedelta(hours=1)) is None
    assert services.run_scheduled_test(now=january.replace(month=7)) is not None
    assert CommunicationTest.objects.filter(kind="scheduled").count() == 2
    schedule = PeriodicTask.objects.get(task="focalpoints.run_scheduled_communication_test")
    assert schedule.crontab.month_of_year == "1,7"
    assert PeriodicTask.objects.filter(task="focalpoints.escalate_unanswered_tests").exists()


def test_only_the_secretariat_starts_a_test_and_reads_the_report(client, approver_kz, secretariat):
    with pytest.raises(FocalPointError):
        services.start_communication_test(actor=approver_kz)
    test = services.start_communication_test(actor=secretariat)
    client.force_login(approver_kz)
    assert client.post(reverse("focalpoints:communication-test-start")).status_code == 403
    assert client.get(reverse("focalpoints:communication-test", args=[test.pk])).status_code == 403
    client.force_login(secretariat)
    assert client.get(reverse("focalpoints:communication-test-start")).status_code == 405
    assert client.get(reverse("focalpoints:communication-test", args=[999])).status_code == 404
    response = client.post(reverse("focalpoints:communication-test-start"))
    assert response.status_code == 302


def test_the_test_message_is_in_english_and_russian_at_once(fp_kz, secretariat):
    _person, office = _network(fp_kz)
    FocalPointFactory(state=fp_kz.state, role="deputy", languages=",ru,", email="ru@kz.example")
    services.start_communication_test(actor=secretariat)
    _send_all()
    by_address = {m.to[0]: m for m in mail.outbox}
    both = by_address[office.email]
    assert both.subject == (
        "[CICA] Communication test: please acknowledge / Проверка связи: подтвердите получение"
    )
    assert "This is a communication test" in both.body
    assert both.body.count("/focal-points/acknowledge/") == 2  # the link in each language
    assert both.body.index("This is a communication test") < both.body.index("Это проверка связи")
    # an entry that works in Russian only reads Russian first
    russian = by_address["ru@kz.example"].body
    assert russian.index("Это проверка связи") < russian.index("This is a communication test")
