"""The Secretariat's admin: inlines, and actions that tell the participants."""

import pytest
from django.urls import reverse

from cica_portal.models import Notification
from meetings.models import Meeting

from .factories import DelegateFactory, MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def act(client, action, meetings):
    return client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": action, "_selected_action": [m.pk for m in meetings]},
    )


@pytest.fixture
def admin_client_(client, secretariat):
    secretariat.is_superuser = True
    secretariat.save(update_fields=["is_superuser"])
    client.force_login(secretariat)
    return client


def test_postponing_tells_the_registered_states(admin_client_, fp_kz, fp_ru):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    assert act(admin_client_, "postpone", [meeting]).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.POSTPONED
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["fp-kz"]


def test_cancelling_tells_them_too(admin_client_, fp_kz):
    meeting = MeetingFactory(status=Meeting.Status.PLANNED)
    RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    act(admin_client_, "cancel", [meeting])
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert Notification.objects.get(recipient=fp_kz).subject.endswith("Cancelled")


def test_confirming_a_planned_meeting(admin_client_):
    meeting = MeetingFactory(status=Meeting.Status.PLANNED)
    act(admin_client_, "confirm", [meeting])
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONFIRMED


def test_exporting_participants_from_the_admin(admin_client_, fp_kz):
    meeting = MeetingFactory()
    DelegateFactory(registration=RegistrationFactory(meeting=meeting, registered_by=fp_kz))
    response = act(admin_client_, "export_participants", [meeting])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_change_page_has_agenda_registrations_and_documents(admin_client_, fp_kz):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    response = admin_client_.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "agenda_items-TOTAL_FORMS" in html
    assert "documents-TOTAL_FORMS" in html
    assert "Kazakhstan" in html


def test_the_series_action_leads_to_the_proposed_dates(admin_client_, secretariat):
    from datetime import date

    from meetings import services
    from meetings.models import Kind

    series = services.create_series(
        by=secretariat,
        title="Police seminars",
        kind=Kind.POLICE_SEMINAR,
        first_date=date(2027, 4, 1),
    )
    response = admin_client_.post(
        reverse("admin:meetings_meetingseries_changelist"),
        {"action": "generate", "_selected_action": [series.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:series-generate", args=[series.pk])
