"""Training seminars upon request: requested by a state, decided by the Secretariat."""

from datetime import UTC

import pytest
from django.urls import reverse

from cica_portal.models import Area, Notification
from meetings import services
from meetings.models import Kind, TrainingRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(fp_kz, secretariat):
    return services.request_training(
        by=fp_kz,
        area=Area.objects.get(number=1),
        topic="Risk analysis at border crossings",
        preferred_period="first half of 2027",
        expected_participants=25,
        needs="Interpretation into Russian",
    )


def test_a_focal_point_requests_for_their_state(training, fp_kz, kz, secretariat):
    assert training.state == kz
    assert training.status == TrainingRequest.Status.SUBMITTED
    assert Notification.objects.filter(
        recipient=secretariat, key=f"meetings:training:{training.pk}:submitted"
    ).exists()


def test_a_decline_needs_a_reason_and_tells_the_requester(training, fp_kz, secretariat):
    with pytest.raises(services.MeetingError):
        services.decline_training_request(training, by=secretariat, reason=" ")
    services.decline_training_request(training, by=secretariat, reason="No trainers available")
    training.refresh_from_db()
    assert training.status == TrainingRequest.Status.DECLINED
    notice = Notification.objects.get(recipient=fp_kz)
    assert "No trainers available" in notice.body


def test_scheduling_creates_a_linked_training_meeting(training, fp_kz, secretariat):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    services.accept_training_request(training, by=secretariat)
    zone = ZoneInfo("Asia/Almaty")
    meeting = services.schedule_training_request(
        training,
        by=secretariat,
        title="Training seminar on risk analysis",
        start=datetime(2027, 4, 12, 9, tzinfo=zone),
        end=datetime(2027, 4, 14, 17, tzinfo=zone),
        time_zone="Asia/Almaty",
        venue="Border Academy, Almaty",
        format="in_person",
        online_link="",
    )
    training.refresh_from_db()
    assert training.status == TrainingRequest.Status.SCHEDULED
    assert training.meeting == meeting
    assert meeting.kind == Kind.TRAINING_SEMINAR
    assert list(meeting.areas.values_list("number", flat=True)) == [1]
    assert Notification.objects.filter(recipient=fp_kz).count() == 2  # accepted, scheduled


def test_the_requester_follows_the_status(client, training, fp_kz):
    client.force_login(fp_kz)
    response = client.get(reverse("meetings:training-detail", args=[training.pk]))
    assert response.status_code == 200
    assert b"Submitted" in response.content
    assert b"Risk analysis" in client.get(reverse("meetings:training-list")).content


def test_another_state_does_not_see_it(client, training, fp_ru):
    client.force_login(fp_ru)
    assert client.get(reverse("meetings:training-detail", args=[training.pk])).status_code == 404
    assert b"Risk analysis" not in client.get(reverse("meetings:training-list")).content


def test_an_approver_may_not_request(client, approver_kz):
    client.force_login(approver_kz)
    assert client.get(reverse("meetings:training-new")).status_code == 403


def test_the_request_page_creates_a_request(client, fp_kz):
    client.force_login(fp_kz)
    response = client.post(
        reverse("meetings:training-new"),
        {
            "area": Area.objects.get(number=2).pk,
            "topic": "Training of the trainers",
            "preferred_period": "autumn 2027",
            "expected_participants": "12",
            "needs": "",
        },
    )
    assert response.status_code == 302
    assert TrainingRequest.objects.get().topic == "Training of the trainers"


def test_the_request_page_keeps_input_on_error(client, fp_kz):
    client.force_login(fp_kz)
    response = client.post(
        reverse("meetings:training-new"),
        {
            "topic": "Training of the trainers",
            "expected_participants": "0",
        },
    )
    assert response.status_code == 400
    assert b"Training of the trainers" in response.content
    assert not TrainingRequest.objects.exists()


def test_the_secretariat_declines_from_the_page(client, training, secretariat):
    client.force_login(secretariat)
    url = reverse("meetings:training-decide", args=[training.pk, "decline"])
    assert client.get(url).status_code == 405
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Out of budget"}).status_code == 302
    training.refresh_from_db()
    assert training.status == TrainingRequest.Status.DECLINED


def test_the_secretariat_schedules_from_the_page_in_the_venue_time_zone(
    client, training, secretariat
):
    client.force_login(secretariat)
    url = reverse("meetings:training-decide", args=[training.pk, "schedule"])
    response = client.post(
        url,
        {
            "title": "Training seminar",
            "start": "2027-04-12T09:00",
            "end": "2027-04-14T17:00",
            "time_zone": "Asia/Bangkok",
            "venue": "",
            "format": "online",
            "online_link": "https://meet.example.org/x",
        },
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.meeting.local_start.hour == 9
    assert training.meeting.start.astimezone(UTC).hour == 2  # 09:00 in Bangkok


def test_a_focal_point_cannot_decide(client, training, fp_kz):
    client.force_login(fp_kz)
    url = reverse("meetings:training-decide", args=[training.pk, "accept"])
    assert client.post(url, {}).status_code == 403
