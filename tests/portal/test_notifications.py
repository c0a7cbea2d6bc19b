"""People are told once per occasion, in the portal and by email, even when tasks run twice."""

from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from cica_portal import notifications, outbox
from cica_portal.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db


def test_it_notifies_each_person_once_per_occasion(fp_kz, fp_ru):
    first = notifications.notify(
        [fp_kz, fp_ru], key="occasion-1", notice=notifications.Notice("S", "B")
    )
    again = notifications.notify(
        [fp_kz, fp_ru], key="occasion-1", notice=notifications.Notice("S", "B")
    )
    assert len(first) == 2
    assert again == []
    assert Notification.objects.filter(key="occasion-1").count() == 2


def test_it_emails_a_notification_once(fp_kz):
    (notice,) = notifications.notify(
        [fp_kz], key="occasion-2", notice=notifications.Notice("Subject", "Body")
    )
    assert notifications.email_notification(notice.pk) is True
    assert notifications.email_notification(notice.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[CICA] Subject"
    assert mail.outbox[0].to == [fp_kz.email]


def test_a_failed_email_is_recorded_and_tried_again(fp_kz):
    (notice,) = notifications.notify(
        [fp_kz], key="occasion-3", notice=notifications.Notice("S", "B")
    )
    with mock.patch.object(EmailMessage, "send", side_effect=OSError("smtp down")):
        assert notifications.email_notification(notice.pk) is False
    notice.refresh_from_db()
    assert notice.emailed_at is None
    assert notice.email_status == "pending"
    assert "smtp down" in notice.email_error
    assert notice.email_next_at is not None
    assert notifications.email_notification(notice.pk) is True
    notice.refresh_from_db()
    assert notice.email_status == "sent"
    assert notice.emailed_at is not None


def test_deactivated_people_are_not_notified(fp_kz):
    fp_kz.is_active = False
    fp_kz.save()
    assert (
        notifications.notify([fp_kz], key="occasion-4", notice=notifications.Notice("S", "B")) == []
    )


def test_the_outbox_keeps_a_task_when_the_broker_refuses_it():
    with mock.patch("portal_site.celery.app.send_task", side_effect=ConnectionError("refused")):
        message = outbox.enqueue("cica_portal.ping", "x")
        assert outbox.relay() == 0
    message.refresh_from_db()
    assert message.sent_at is None
    assert message.attempts == 1
    assert "refused" in message.last_error
    with mock.patch("portal_site.celery.app.send_task") as send:
        assert outbox.relay() == 1
    send.assert_called_once_with("cica_portal.ping", args=["x"], retry=False)
    assert OutboxMessage.objects.get(pk=message.pk).sent_at is not None


def test_a_user_opens_and_reads_a_notification(client, fp_kz):
    (notice,) = notifications.notify(
        [fp_kz],
        key="occasion-5",
        notice=notifications.Notice("Read me", "B"),
        url="/notifications/",
    )
    client.force_login(fp_kz)
    assert "Read me" in client.get("/notifications/").content.decode()
    response = client.post(f"/notifications/{notice.pk}/open/")
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_nobody_opens_another_persons_notification(client, fp_kz, fp_ru):
    (notice,) = notifications.notify(
        [fp_kz], key="occasion-6", notice=notifications.Notice("S", "B")
    )
    client.force_login(fp_ru)
    assert client.post(f"/notifications/{notice.pk}/open/").status_code == 404
