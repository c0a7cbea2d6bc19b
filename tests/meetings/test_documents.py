"""Meeting documents: checked by content and size, served only to those who may read them."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from meetings import services
from meetings.models import MeetingDocument

from .factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def xlsx_bytes() -> bytes:
    buffer = BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def upload(meeting, by, content=PDF, name="report.pdf", access="participants", kind="report"):
    return services.upload_document(
        meeting,
        by=by,
        upload=SimpleUploadedFile(name, content),
        kind=kind,
        title="Report of the seminar",
        access=access,
    )


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (PDF, "report.pdf", "application/pdf"),
        (PNG, "slide.png", "image/png"),
        (
            xlsx_bytes(),
            "list.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_it_accepts_documents_by_their_content(secretariat, content, name, content_type):
    document = upload(MeetingFactory(), secretariat, content=content, name=name)
    assert document.content_type == content_type
    assert document.original_name == name
    assert name not in document.file.name  # stored under an unguessable name
    assert len(document.file.name) > 40


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00" + b"\x00" * 100, "agenda.pdf"),
        (b"just text", "agenda.pdf"),
        (b"<html><script>alert(1)</script></html>", "agenda.html"),
    ],
)
def test_it_refuses_other_content_whatever_the_name(secretariat, content, name):
    with pytest.raises(services.MeetingError) as error:
        upload(MeetingFactory(), secretariat, content=content, name=name)
    assert error.value.field == "file"
    assert not MeetingDocument.objects.exists()


def test_it_refuses_a_file_over_the_limit(secretariat, settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(services.MeetingError, match="too large"):
        upload(MeetingFactory(), secretariat, content=PDF + b"0" * 200)


def test_a_participating_state_downloads_it_as_an_attachment(client, secretariat, fp_kz):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    document = upload(meeting, secretariat)
    client.force_login(fp_kz)
    response = client.get(reverse("meetings:document", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_a_document_is_refused_by_direct_url_to_a_state_that_does_not_take_part(
    client, secretariat, fp_kz, fp_ru
):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    document = upload(meeting, secretariat, access="participants")
    client.force_login(fp_ru)
    assert client.get(reverse("meetings:document", args=[document.pk])).status_code == 404
    response = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert b"Report of the seminar" not in response.content


def test_a_secretariat_only_document_is_refused_even_to_participants(client, secretariat, fp_kz):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    document = upload(meeting, secretariat, access="secretariat")
    client.force_login(fp_kz)
    assert client.get(reverse("meetings:document", args=[document.pk])).status_code == 404
    client.force_login(secretariat)
    assert client.get(reverse("meetings:document", args=[document.pk])).status_code == 200


def test_a_document_for_all_members_is_read_by_any_member(client, secretariat, approver_cn):
    document = upload(MeetingFactory(), secretariat, access="all_members")
    client.force_login(approver_cn)
    assert client.get(reverse("meetings:document", args=[document.pk])).status_code == 200


def test_nobody_outside_the_network_gets_it(client, secretariat):
    from ..factories import UserFactory

    document = upload(MeetingFactory(), secretariat, access="all_members")
    client.force_login(UserFactory())
    assert client.get(reverse("meetings:document", args=[document.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("meetings:document", args=[document.pk])).status_code == 302


def test_the_download_takes_only_get(client, secretariat):
    document = upload(MeetingFactory(), secretariat)
    client.force_login(secretariat)
    assert client.post(reverse("meetings:document", args=[document.pk])).status_code == 405


def test_the_secretariat_uploads_from_the_meeting_page(client, secretariat):
    meeting = MeetingFactory()
    client.force_login(secretariat)
    url = reverse("meetings:document-upload", args=[meeting.pk])
    response = client.post(
        url,
        {
            "kind": "agenda",
            "title": "Draft agenda",
            "access": "all_members",
            "file": SimpleUploadedFile("agenda.pdf", PDF),
        },
    )
    assert response.status_code == 302
    assert MeetingDocument.objects.get().title == "Draft agenda"


def test_the_upload_page_refuses_a_wrong_type_and_keeps_the_title(client, secretariat):
    meeting = MeetingFactory()
    client.force_login(secretariat)
    url = reverse("meetings:document-upload", args=[meeting.pk])
    response = client.post(
        url,
        {
            "kind": "agenda",
            "title": "Draft agenda",
            "access": "all_members",
            "file": SimpleUploadedFile("agenda.pdf", b"not a pdf at all"),
        },
    )
    assert response.status_code == 400
    assert b"not accepted" in response.content
    assert b"Draft agenda" in response.content
    assert not MeetingDocument.objects.exists()


def test_a_focal_point_cannot_upload(client, fp_kz):
    client.force_login(fp_kz)
    url = reverse("meetings:document-upload", args=[MeetingFactory().pk])
    response = client.post(
        url,
        {
            "kind": "agenda",
            "title": "x",
            "access": "all_members",
            "file": SimpleUploadedFile("a.pdf", PDF),
        },
    )
    assert response.status_code == 403
