"""Delegations, not individuals: head, members and substitutes, credentials, and each state's
own validation of its line before the official list."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cica_portal.models import AuditRecord, Organisation, State
from meetings import services
from meetings.models import Delegate, Registration
from meetings.services import MeetingError

from ..factories import FocalPointUserFactory
from .factories import MeetingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DELEGATION = [
    {"name": "Head of the Kazakh delegation", "role": "head", "position": "Deputy Minister"},
    {"name": "Kazakh delegate", "role": "delegate"},
    {"name": "Kazakh substitute", "role": "substitute"},
]


@pytest.fixture
def meeting():
    return MeetingFactory(title="Experts meeting in Ankara")


@pytest.fixture
def kz_line(meeting, fp_kz):
    return services.register_delegation(meeting, by=fp_kz, delegates=DELEGATION)


def test_a_delegation_has_a_head_members_and_substitutes(kz_line):
    roles = list(kz_line.delegates.values_list("role", flat=True))
    assert roles == [Delegate.Role.HEAD, Delegate.Role.DELEGATE, Delegate.Role.SUBSTITUTE]


def test_its_own_approver_validates_the_line_and_it_is_audited(kz_line, approver_kz, client):
    client.force_login(approver_kz)
    response = client.post(reverse("meetings:registration-validate", args=[kz_line.pk]))
    assert response.status_code == 302
    kz_line.refresh_from_db()
    assert kz_line.validated_by == approver_kz
    assert kz_line.validated_at is not None
    assert AuditRecord.objects.filter(action="meetings.registration.validated").exists()


def test_another_states_line_is_404_to_its_approver_and_focal_point(
    kz_line, approver_ru, fp_ru, client
):
    for person in (approver_ru, fp_ru):
        client.force_login(person)
        url = reverse("meetings:registration-validate", args=[kz_line.pk])
        assert client.post(url).status_code == 404
    kz_line.refresh_from_db()
    assert kz_line.validated_at is None


def test_the_service_refuses_another_state_and_the_secretariat(kz_line, approver_ru, secretariat):
    for person in (approver_ru, secretariat):
        with pytest.raises(MeetingError):
            services.validate_delegation(kz_line, by=person)


def test_validating_needs_a_post(kz_line, approver_kz, client):
    client.force_login(approver_kz)
    url = reverse("meetings:registration-validate", args=[kz_line.pk])
    assert client.get(url).status_code == 405


def test_changing_the_delegation_clears_the_states_validation(meeting, kz_line, fp_kz):
    services.validate_delegation(kz_line, by=fp_kz)
    changed = services.register_delegation(meeting, by=fp_kz, delegates=DELEGATION[:2])
    assert changed.validated_at is None
    assert changed.validated_by is None


def test_credentials_are_filed_by_the_focal_point_and_read_by_the_secretariat(
    kz_line, fp_kz, secretariat, fp_ru, client
):
    client.force_login(fp_kz)
    url = reverse("meetings:registration-credentials", args=[kz_line.pk])
    upload = SimpleUploadedFile("credentials.pdf", PDF, content_type="application/pdf")
    assert client.post(url, {"file": upload}).status_code == 302
    kz_line.refresh_from_db()
    assert kz_line.credentials_name == "credentials.pdf"
    client.force_login(secretariat)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    client.force_login(fp_ru)
    assert client.get(url).status_code == 404


def test_a_file_that_is_not_a_document_is_a_form_error(kz_line, fp_kz, client):
    client.force_login(fp_kz)
    url = reverse("meetings:registration-credentials", args=[kz_line.pk])
    upload = SimpleUploadedFile("credentials.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(url, {"file": upload})
    assert response.status_code == 400
    assert "not accepted" in response.content.decode()
    kz_line.refresh_from_db()
    assert not kz_line.credentials


def test_an_approver_may_read_but_not_file_credentials(kz_line, approver_kz, client):
    client.force_login(approver_kz)
    url = reverse("meetings:registration-credentials", args=[kz_line.pk])
    upload = SimpleUploadedFile("credentials.pdf", PDF, content_type="application/pdf")
    assert client.post(url, {"file": upload}).status_code == 403
    assert client.get(url).status_code == 404  # nothing filed yet


def test_an_observer_state_registers_too(meeting):
    observer = State.objects.filter(status=State.Status.OBSERVER).first()
    focal_point = FocalPointUserFactory(username="fp-observer", state=observer)
    line = services.register_delegation(meeting, by=focal_point, delegates=DELEGATION[:1])
    assert line.group == "observer"
    assert line.status == Registration.Status.SUBMITTED


def test_a_line_is_of_a_state_or_of_a_body_never_both(meeting, fp_kz, kz):
    from django.db import IntegrityError, transaction

    body = Organisation.objects.get(code__iexact="interpol")
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            meeting=meeting, state=kz, organisation=body, registered_by=fp_kz
        )
