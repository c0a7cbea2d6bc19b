"""The Secretariat's admin: inlines, and actions that tell the participants; every save goes
through the meetings services, audited; what the states write is read-only there."""

from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cica_portal.models import Area, AuditRecord, Notification
from meetings import services
from meetings.models import AgendaItem, Delegate, Kind, Meeting, MeetingDocument, MeetingSeries
from tests.factories import SecretariatAdminFactory, state

from .factories import DelegateFactory, MeetingFactory, RegistrationFactory, in_days

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def act(client, action, meetings, **answers):
    data = {"action": action, "_selected_action": [m.pk for m in meetings], **answers}
    return client.post(reverse("admin:meetings_meeting_changelist"), data)


@pytest.fixture
def staff(db):
    """Secretariat staff as the demo makes them: model permissions, not a superuser."""
    return SecretariatAdminFactory(username="secretariat-staff")


@pytest.fixture
def admin_client_(client, staff):
    client.force_login(staff)
    return client


def inline_management(page) -> dict:
    """The management forms of every inline on an admin page, as a browser posts them."""
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.initial_forms))
        data[f"{formset.prefix}-INITIAL_FORMS"] = str(len(formset.initial_forms))
        data[f"{formset.prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{formset.prefix}-MAX_NUM_FORMS"] = "1000"
        for index, form in enumerate(formset.initial_forms):
            data[f"{formset.prefix}-{index}-id"] = str(form.instance.pk)
            data[f"{formset.prefix}-{index}-{formset.fk.name}"] = str(form.instance.meeting_id)
    return data


def meeting_fields(start, **overrides) -> dict:
    end = start + timedelta(hours=8)
    data = {
        "title": "Experts meeting on border control",
        "kind": Kind.BORDER_EXPERTS,
        "start_0": start.date().isoformat(),
        "start_1": "10:00",
        "end_0": end.date().isoformat(),
        "end_1": "18:00",
        "time_zone": "Asia/Almaty",
        "host_state": str(state("KZ").pk),
        "venue": "Astana",
        "format": "in_person",
        "languages": "en,ru",
        "areas": [str(Area.objects.get(number=1).pk)],
    }
    data.update(overrides)
    return data


def test_postponing_asks_for_a_reason_first_and_changes_nothing_until_given(admin_client_, fp_kz):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    page = act(admin_client_, "postpone", [meeting])
    assert page.status_code == 200
    assert "Reason, for the registered delegations" in page.content.decode()
    refused = act(admin_client_, "postpone", [meeting], apply="1", reason=" ")
    assert "This field is required." in refused.content.decode()
    meeting.refresh_from_db()
    assert meeting.status != Meeting.Status.POSTPONED
    assert not Notification.objects.exists()


def test_postponing_saves_the_new_dates_and_tells_the_registered_states_why_and_when(
    admin_client_, fp_kz
):
    meeting = MeetingFactory(time_zone="Asia/Almaty")
    RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    local_start, local_end = meeting.local_start, meeting.local_end
    new_start = local_start.date() + timedelta(days=90)
    answers = {
        "apply": "1",
        "reason": "The venue is closed.",
        "new_start": new_start.isoformat(),
        "new_end": (new_start + timedelta(days=1)).isoformat(),
    }
    assert act(admin_client_, "postpone", [meeting], **answers).status_code == 302
    before_sequence = meeting.sequence
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.POSTPONED
    assert meeting.local_start.date() == new_start
    assert meeting.local_start.time() == local_start.time()
    assert meeting.local_end.date() == new_start + timedelta(days=1)
    assert meeting.local_end.time() == local_end.time()
    assert meeting.sequence == before_sequence + 1
    notice = Notification.objects.get()
    assert notice.recipient == fp_kz
    assert "The venue is closed." in notice.body
    assert f"from {new_start.isoformat()} {local_start:%H:%M}" in notice.body
    record = AuditRecord.objects.filter(action="meetings.meeting.status").latest("pk")
    assert datetime.fromisoformat(record.data["new_start"]) == meeting.start


@pytest.mark.parametrize(
    ("start_in", "end_in", "field", "message"),
    [
        (30, 29, "new_end", "The new end date cannot be before the new start date."),
        (0, 2, "new_start", "The new start date must be in the future."),
        (-5, 2, "new_start", "The new start date must be in the future."),
    ],
)
def test_postponing_refuses_dates_out_of_order_or_past_and_changes_nothing(
    admin_client_, fp_kz, start_in, end_in, field, message
):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    before = (meeting.start, meeting.end, meeting.status)
    today = date.today()
    answers = {
        "apply": "1",
        "reason": "The venue is closed.",
        "new_start": (today + timedelta(days=start_in)).isoformat(),
        "new_end": (today + timedelta(days=end_in)).isoformat(),
    }
    page = act(admin_client_, "postpone", [meeting], **answers)
    assert page.status_code == 200
    assert message in page.context["form"].errors[field]
    assert 'type="date"' in page.content.decode()
    meeting.refresh_from_db()
    assert (meeting.start, meeting.end, meeting.status) == before
    assert not Notification.objects.exists()


def test_postponing_without_dates_is_refused(admin_client_):
    meeting = MeetingFactory()
    page = act(admin_client_, "postpone", [meeting], apply="1", reason="Venue closed.")
    assert set(page.context["form"].errors) == {"new_start", "new_end"}
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONFIRMED


def test_postponing_takes_one_meeting_at_a_time(admin_client_):
    meetings = [MeetingFactory(), MeetingFactory()]
    response = act(admin_client_, "postpone", meetings)
    assert response.status_code == 302
    page = admin_client_.get(response.url)
    assert "Postpone one meeting at a time" in page.content.decode()
    assert not Meeting.objects.filter(status=Meeting.Status.POSTPONED).exists()


def test_the_service_refuses_a_past_new_date(secretariat):
    meeting = MeetingFactory()
    with pytest.raises(services.MeetingError) as refused:
        services.postpone_meeting(
            meeting,
            by=secretariat,
            reason="x",
            new_start=date.today() - timedelta(days=1),
            new_end=date.today() + timedelta(days=1),
        )
    assert refused.value.field == "new_start"


def test_a_held_meetings_report_is_marked_published_and_a_planned_one_is_refused(admin_client_):
    held = MeetingFactory(status=Meeting.Status.HELD)
    planned = MeetingFactory(status=Meeting.Status.PLANNED)
    response = act(admin_client_, "mark_report_published", [held, planned])
    page = admin_client_.get(response.url).content.decode()
    held.refresh_from_db()
    planned.refresh_from_db()
    assert held.status == Meeting.Status.REPORT_PUBLISHED
    assert planned.status == Meeting.Status.PLANNED
    assert "1 meeting is now report published." in page
    assert "cannot become report published" in page
    assert AuditRecord.objects.filter(
        action="meetings.meeting.status", data__to="report_published"
    ).exists()


def test_cancelling_tells_them_too(admin_client_, fp_kz):
    meeting = MeetingFactory(status=Meeting.Status.PLANNED)
    RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    act(admin_client_, "cancel", [meeting], apply="1", reason="No quorum.")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    notice = Notification.objects.get(recipient=fp_kz)
    assert notice.subject.endswith("Cancelled")
    assert "No quorum." in notice.body


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


def test_a_meeting_saved_in_the_admin_is_audited(admin_client_, staff):
    add = reverse("admin:meetings_meeting_add")
    data = {**inline_management(admin_client_.get(add)), **meeting_fields(in_days(40))}
    data.update(
        {
            "agenda_items-TOTAL_FORMS": "1",
            "agenda_items-0-position": "1",
            "agenda_items-0-title": "Opening of the meeting",
            "agenda_items-0-description": "",
        }
    )
    response = admin_client_.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    meeting = Meeting.objects.get(title="Experts meeting on border control")
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Opening of the meeting"]
    assert [a.number for a in meeting.areas.all()] == [1]
    created = AuditRecord.objects.get(action="meetings.meeting.created")
    assert created.actor == staff
    assert created.object_id == str(meeting.pk)
    agenda = AuditRecord.objects.get(action="meetings.agenda.changed")
    assert agenda.actor == staff
    assert agenda.data["items"] == ["Opening of the meeting"]


def test_a_meeting_edited_in_the_admin_records_what_changed(admin_client_, staff):
    meeting = MeetingFactory(venue="Astana")
    AgendaItem.objects.create(meeting=meeting, position=1, title="Old item")
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    page = admin_client_.get(url)
    data = {**inline_management(page), **meeting_fields(meeting.start, venue="Almaty")}
    data["title"] = meeting.title
    data["agenda_items-0-position"] = "1"
    data["agenda_items-0-title"] = "Old item"
    data["agenda_items-0-DELETE"] = "on"
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    meeting.refresh_from_db()
    assert meeting.venue == "Almaty"
    assert not meeting.agenda_items.exists()
    record = AuditRecord.objects.get(action="meetings.meeting.changed")
    assert record.actor == staff
    assert record.data["venue"] == {"before": "Astana", "after": "Almaty"}
    assert AuditRecord.objects.get(action="meetings.agenda.changed").data["items"] == []


def test_a_meeting_that_ends_before_it_starts_is_a_form_error(admin_client_):
    add = reverse("admin:meetings_meeting_add")
    data = {**inline_management(admin_client_.get(add)), **meeting_fields(in_days(40))}
    data["end_0"] = (in_days(40) - timedelta(days=2)).date().isoformat()
    response = admin_client_.post(add, data)
    assert response.status_code == 200
    assert "A meeting must end after it starts." in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_meeting_with_registrations_is_cancelled_not_deleted(admin_client_, fp_kz):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting, registered_by=fp_kz, status="withdrawn")
    delete = reverse("admin:meetings_meeting_delete", args=[meeting.pk])
    refused = admin_client_.post(delete, {"post": "yes"}, follow=True)
    assert "it cannot be deleted, only cancelled" in refused.content.decode()
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    response = admin_client_.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "delete_selected", "_selected_action": [meeting.pk], "post": "yes"},
    )
    assert response.status_code == 302  # no such action: the list again, nothing done
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    with pytest.raises(services.MeetingError):
        services.delete_meeting(meeting, by=fp_kz)
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_a_meeting_made_by_mistake_is_deleted_and_audited(admin_client_):
    meeting = MeetingFactory(status=Meeting.Status.PLANNED)
    delete = reverse("admin:meetings_meeting_delete", args=[meeting.pk])
    assert admin_client_.get(delete).status_code == 200
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert AuditRecord.objects.filter(action="meetings.meeting.deleted").exists()


def test_a_document_attached_in_the_admin_goes_through_the_upload_service(admin_client_, staff):
    meeting = MeetingFactory()
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = {**inline_management(admin_client_.get(url)), **meeting_fields(meeting.start)}
    data["title"] = meeting.title
    data.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-0-kind": "agenda",
            "documents-0-title": "Draft agenda",
            "documents-0-access": "participants",
            "documents-0-file": SimpleUploadedFile("agenda.pdf", PDF),
        }
    )
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    document = MeetingDocument.objects.get(meeting=meeting)
    assert document.uploaded_by == staff
    assert document.content_type == "application/pdf"
    record = AuditRecord.objects.get(action="meetings.document.uploaded")
    assert record.actor == staff
    assert record.data["access"] == "participants"


def test_a_document_that_is_not_allowed_is_a_form_error(admin_client_):
    meeting = MeetingFactory()
    response = admin_client_.post(
        reverse("admin:meetings_meetingdocument_add"),
        {
            "meeting": str(meeting.pk),
            "kind": "agenda",
            "title": "Script",
            "access": "participants",
            "file": SimpleUploadedFile("agenda.pdf", b"#!/bin/sh\necho hi\n"),
        },
    )
    assert response.status_code == 200
    assert not MeetingDocument.objects.exists()


def test_a_document_changed_in_the_admin_is_audited_and_keeps_its_file(admin_client_, staff):
    meeting = MeetingFactory()
    document = services.upload_document(
        meeting,
        by=staff,
        upload=SimpleUploadedFile("agenda.pdf", PDF),
        kind="agenda",
        title="Agenda",
        access="participants",
    )
    stored = document.file.name
    url = reverse("admin:meetings_meetingdocument_change", args=[document.pk])
    response = admin_client_.post(
        url,
        {
            "kind": "agenda",
            "title": "Agenda",
            "access": "all_members",
            "meeting": str(MeetingFactory().pk),
            "file": SimpleUploadedFile("other.pdf", PDF),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    document.refresh_from_db()
    assert document.access == "all_members"
    assert document.file.name == stored
    assert document.meeting == meeting
    record = AuditRecord.objects.get(action="meetings.document.changed")
    assert record.actor == staff
    assert record.data["access"] == {"before": "participants", "after": "all_members"}
    delete = reverse("admin:meetings_meetingdocument_delete", args=[document.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403


def test_delegations_are_written_by_the_states_not_in_the_admin(admin_client_, fp_kz):
    delegate = DelegateFactory(registration=RegistrationFactory(registered_by=fp_kz))
    registration = delegate.registration
    url = reverse("admin:meetings_registration_change", args=[registration.pk])
    assert admin_client_.get(url).status_code == 200
    data = {
        "delegates-TOTAL_FORMS": "1",
        "delegates-INITIAL_FORMS": "1",
        "delegates-0-id": str(delegate.pk),
        "delegates-0-registration": str(registration.pk),
        "delegates-0-name": "Someone else",
        "delegates-0-role": "delegate",
    }
    assert admin_client_.post(url, data).status_code == 403
    delegate.refresh_from_db()
    assert delegate.name != "Someone else"
    delete = reverse("admin:meetings_registration_delete", args=[registration.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
    assert Delegate.objects.filter(pk=delegate.pk).exists()


def test_a_series_changed_in_the_admin_is_audited(admin_client_, staff):
    series = services.create_series(
        by=staff, title="Police seminars", kind=Kind.POLICE_SEMINAR, first_date=date(2027, 4, 1)
    )
    url = reverse("admin:meetings_meetingseries_change", args=[series.pk])
    response = admin_client_.post(
        url,
        {
            "title": "Police seminars",
            "kind": Kind.POLICE_SEMINAR,
            "first_date": "2027-04-01",
            "start_time": "09:00",
            "duration_days": "3",
            "interval_months": "6",
            "occurrences": "4",
            "time_zone": "Asia/Almaty",
            "format": "in_person",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    series.refresh_from_db()
    assert series.duration_days == 3
    record = AuditRecord.objects.get(action="meetings.series.changed")
    assert record.actor == staff
    assert record.data["duration_days"] == {"before": 2, "after": 3}
    delete = reverse("admin:meetings_meetingseries_delete", args=[series.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
    assert MeetingSeries.objects.filter(pk=series.pk).exists()


@pytest.mark.django_db
def test_the_secretariat_edits_a_meetings_english_and_russian_title_side_by_side(client):
    keeper = SecretariatAdminFactory()
    meeting = MeetingFactory(title="Experts meeting")
    client.force_login(keeper)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    page = client.get(url)
    assert 'name="title_ru"' in page.content.decode()
    data = page.context["adminform"].form.initial
    assert data["title"] == "Experts meeting"
    meeting.refresh_from_db()
    from cica_portal.bilingual_services import save_language_versions

    save_language_versions(meeting, by=keeper, values={"title_ru": "Совещание экспертов"})
    meeting.refresh_from_db()
    assert (meeting.title_en, meeting.title_ru) == ("Experts meeting", "Совещание экспертов")
