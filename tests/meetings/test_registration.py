"""A focal point registers their state's delegation; deadlines and size limits hold."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cica_portal.models import Notification
from meetings import services
from meetings.models import Meeting, Registration

from .factories import DelegateFactory, MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

HEAD = {"name": "Head of the national police", "position": "General", "role": "head"}
EXPERT = {
    "name": "Border expert",
    "position": "Colonel",
    "role": "expert",
    "interpretation": "ru",
    "dietary": "Halal",
}


def formset_data(*rows):
    data = {
        "delegates-TOTAL_FORMS": str(len(rows)),
        "delegates-INITIAL_FORMS": "0",
        "delegates-MIN_NUM_FORMS": "0",
        "delegates-MAX_NUM_FORMS": "50",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"delegates-{i}-{key}"] = value
    return data


def test_a_focal_point_registers_their_own_states_delegation(fp_kz, kz):
    meeting = MeetingFactory()
    registration = services.register_delegation(meeting, by=fp_kz, delegates=[HEAD, EXPERT])
    assert registration.state == kz
    assert registration.status == Registration.Status.SUBMITTED
    assert [d.role for d in registration.delegates.all()] == ["head", "expert"]


def test_registering_again_replaces_the_delegation_and_asks_for_confirmation_again(
    fp_kz, secretariat
):
    meeting = MeetingFactory()
    registration = services.register_delegation(meeting, by=fp_kz, delegates=[HEAD])
    services.confirm_registration(registration, by=secretariat)
    services.register_delegation(meeting, by=fp_kz, delegates=[HEAD, EXPERT])
    registration.refresh_from_db()
    assert registration.status == Registration.Status.SUBMITTED
    assert registration.delegates.count() == 2
    assert Registration.objects.count() == 1


def test_the_deadline_is_enforced(fp_kz):
    meeting = MeetingFactory(registration_deadline=timezone.now() - timedelta(hours=1))
    with pytest.raises(services.MeetingError, match="deadline"):
        services.register_delegation(meeting, by=fp_kz, delegates=[HEAD])
    assert not Registration.objects.exists()


def test_the_size_limit_per_state_is_enforced(fp_kz):
    meeting = MeetingFactory(max_delegates_per_state=1)
    with pytest.raises(services.MeetingError, match="At most 1"):
        services.register_delegation(meeting, by=fp_kz, delegates=[HEAD, EXPERT])


def test_a_cancelled_meeting_takes_no_registration(fp_kz):
    meeting = MeetingFactory(status=Meeting.Status.CANCELLED)
    with pytest.raises(services.MeetingError):
        services.register_delegation(meeting, by=fp_kz, delegates=[HEAD])


def test_a_delegation_has_one_head(fp_kz):
    with pytest.raises(services.MeetingError, match="one head"):
        services.register_delegation(MeetingFactory(), by=fp_kz, delegates=[HEAD, HEAD])


def test_an_approver_cannot_register(approver_kz):
    with pytest.raises(services.MeetingError):
        services.register_delegation(MeetingFactory(), by=approver_kz, delegates=[HEAD])


def test_the_secretariat_confirms_and_the_focal_point_is_told(fp_kz, secretariat):
    registration = services.register_delegation(MeetingFactory(), by=fp_kz, delegates=[HEAD])
    services.confirm_registration(registration, by=secretariat)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.confirmed_by == secretariat
    assert Notification.objects.filter(recipient=fp_kz, subject__startswith="Delegation").exists()


def test_the_register_page_registers(client, fp_kz):
    meeting = MeetingFactory()
    client.force_login(fp_kz)
    url = reverse("meetings:register", args=[meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, formset_data(HEAD, EXPERT, {"name": ""}))
    assert response.status_code == 302
    assert Registration.objects.get().delegates.count() == 2


def test_the_register_page_keeps_the_input_when_refused(client, fp_kz):
    meeting = MeetingFactory(max_delegates_per_state=1)
    client.force_login(fp_kz)
    response = client.post(
        reverse("meetings:register", args=[meeting.pk]), formset_data(HEAD, EXPERT)
    )
    assert response.status_code == 400
    assert b"At most 1" in response.content
    assert b"Border expert" in response.content
    assert not Registration.objects.exists()


def test_the_register_page_is_for_focal_points(client, approver_kz):
    client.force_login(approver_kz)
    url = reverse("meetings:register", args=[MeetingFactory().pk])
    assert client.get(url).status_code == 403


def test_the_register_page_404s_for_a_missing_meeting(client, fp_kz):
    client.force_login(fp_kz)
    assert client.get(reverse("meetings:register", args=[777])).status_code == 404


def test_confirming_takes_only_post(client, secretariat, fp_kz):
    registration = RegistrationFactory(registered_by=fp_kz)
    client.force_login(secretariat)
    url = reverse("meetings:registration-confirm", args=[registration.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_another_states_focal_point_cannot_withdraw_it(client, fp_kz, fp_ru):
    registration = RegistrationFactory(registered_by=fp_kz)
    client.force_login(fp_ru)
    url = reverse("meetings:registration-withdraw", args=[registration.pk])
    assert client.post(url).status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.SUBMITTED


def test_a_focal_point_cannot_confirm(client, fp_kz):
    registration = RegistrationFactory(registered_by=fp_kz)
    client.force_login(fp_kz)
    url = reverse("meetings:registration-confirm", args=[registration.pk])
    assert client.post(url).status_code == 403


def test_the_participant_list_exports_to_a_spreadsheet(client, secretariat, fp_kz, fp_ru):
    meeting = MeetingFactory()
    services.register_delegation(meeting, by=fp_kz, delegates=[HEAD, EXPERT])
    services.register_delegation(meeting, by=fp_ru, delegates=[{"name": "=HYPERLINK(1)"}])
    client.force_login(secretariat)
    response = client.get(reverse("meetings:participants-xlsx", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "State"
    assert ("Kazakhstan", "Border expert") in [(r[0], r[1]) for r in rows[1:]]
    assert "'=HYPERLINK(1)" in [r[1] for r in rows[1:]]  # never a live formula


def test_the_print_page_lists_every_delegate_and_badges_only_the_confirmed(
    client, secretariat, fp_kz, fp_ru, django_assert_max_num_queries
):
    meeting = MeetingFactory()
    confirmed = RegistrationFactory(
        meeting=meeting, registered_by=fp_kz, status=Registration.Status.CONFIRMED
    )
    waiting = RegistrationFactory(meeting=meeting, registered_by=fp_ru)
    DelegateFactory.create_batch(5, registration=confirmed)
    DelegateFactory.create_batch(2, registration=waiting)
    client.force_login(secretariat)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("meetings:participants", args=[meeting.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="badges print-only"' in html
    assert "no-print" in html
    assert html.count("badge-card__name") == 5
    assert html.count('<tr><th scope="row">') == 7


def test_the_participant_list_is_for_the_secretariat(client, fp_kz):
    client.force_login(fp_kz)
    meeting = MeetingFactory()
    assert client.get(reverse("meetings:participants", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("meetings:participants-xlsx", args=[meeting.pk])).status_code == 403
