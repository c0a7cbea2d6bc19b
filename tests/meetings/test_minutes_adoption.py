"""Point 5 of issue 23: draft minutes are circulated to the member states and adopted by
consensus or under the silence procedure (purpose "meetings.minutes"); adopted, they are the
meeting's published minutes, read by every member."""

import hashlib
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cica_portal import approvals
from cica_portal.models import ApprovalRequest, AuditRecord, Notification, State
from meetings import selectors, services
from meetings.models import MeetingDocument, MinutesAdoption
from meetings.services import MeetingError

from ..factories import ApproverFactory
from .factories import MeetingFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def approvers(db):
    return [
        ApproverFactory(username=f"approver-{s.code.lower()}", state=s)
        for s in State.objects.members().order_by("code")
    ]


@pytest.fixture
def draft(secretariat):
    start = timezone.now() - timedelta(days=3)
    meeting = MeetingFactory(
        title="SOC session", start=start, end=start + timedelta(hours=8), status="held"
    )
    return services.upload_document(
        meeting,
        by=secretariat,
        upload=SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf"),
        kind=MeetingDocument.DocKind.MINUTES,
        title="Draft minutes of the SOC session",
        access=MeetingDocument.Access.SECRETARIAT,
    )


def test_minutes_adopted_by_every_member_state_are_published(draft, secretariat, approvers, fp_ru):
    adoption = services.circulate_minutes(draft, by=secretariat)
    request = adoption.approval
    assert request.purpose == "meetings.minutes"
    assert request.required_states.count() == State.objects.members().count()
    draft.refresh_from_db()
    assert selectors.documents_readable_by(fp_ru).filter(pk=draft.pk).exists()
    *all_but_last, last = approvers
    for approver in all_but_last:
        approvals.answer_request(
            request, approver=approver, decision="approve", seen_hash=request.content_hash
        )
    adoption.refresh_from_db()
    assert adoption.status == MinutesAdoption.Status.CIRCULATED
    approvals.answer_request(
        request, approver=last, decision="approve", seen_hash=request.content_hash
    )
    adoption.refresh_from_db()
    assert adoption.status == MinutesAdoption.Status.ADOPTED
    assert adoption.decided_at is not None
    assert AuditRecord.objects.filter(action="meetings.minutes.adopted").exists()
    assert Notification.objects.filter(
        recipient=secretariat, key=f"meetings:minutes:{adoption.pk}:adopted"
    ).exists()


def test_an_objection_leaves_the_minutes_not_adopted_and_they_can_be_circulated_again(
    draft, secretariat, approvers
):
    adoption = services.circulate_minutes(draft, by=secretariat)
    request = adoption.approval
    approvals.answer_request(
        request,
        approver=approvers[0],
        decision="object",
        comment="Paragraph 4 does not reflect our statement.",
        seen_hash=request.content_hash,
    )
    adoption.refresh_from_db()
    assert adoption.status == MinutesAdoption.Status.NOT_ADOPTED
    again = services.circulate_minutes(draft, by=secretariat)
    assert again.pk != adoption.pk


def test_minutes_are_not_circulated_twice_at_once(draft, secretariat):
    services.circulate_minutes(draft, by=secretariat)
    with pytest.raises(MeetingError) as refused:
        services.circulate_minutes(draft, by=secretariat)
    assert refused.value.code == "conflict"


def test_the_member_states_adopt_exactly_the_file_they_were_shown(draft, secretariat):
    adoption = services.circulate_minutes(draft, by=secretariat)
    assert adoption.file_hash == hashlib.sha256(PDF).hexdigest()
    assert adoption.approval.content_hash == approvals.content_hash(adoption.approval_content())


def test_only_minutes_are_circulated_and_only_by_the_secretariat(draft, secretariat, fp_kz):
    with pytest.raises(MeetingError):
        services.circulate_minutes(draft, by=fp_kz)
    report = services.upload_document(
        draft.meeting,
        by=secretariat,
        upload=SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf"),
        kind=MeetingDocument.DocKind.REPORT,
        title="Report",
        access=MeetingDocument.Access.ALL_MEMBERS,
    )
    with pytest.raises(MeetingError):
        services.circulate_minutes(report, by=secretariat)


def test_under_silence_the_minutes_are_adopted_when_no_state_breaks_it(draft, secretariat):
    if connection.vendor == "postgresql":
        pytest.skip("on PostgreSQL the database's clock decides the silence")
    now = datetime(2030, 1, 10, 9, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=now):
        adoption = services.circulate_minutes(
            draft, by=secretariat, silence_until=now + timedelta(days=7)
        )
        assert adoption.approval.rule == ApprovalRequest.Rule.SILENCE
    later = now + timedelta(days=7, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert approvals.adopt_expired_silences() == 1
    adoption.refresh_from_db()
    assert adoption.status == MinutesAdoption.Status.ADOPTED


def test_the_secretariat_circulates_from_the_meeting_page_and_a_state_sees_the_status(
    client, draft, secretariat, fp_kz
):
    client.force_login(secretariat)
    page = client.get(draft.meeting.get_absolute_url()).content.decode()
    assert "Circulate for adoption by the member states" in page
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    url = reverse("meetings:minutes-circulate", args=[draft.pk])
    response = client.post(url, {"minutes-rule": "consensus", "minutes-ends_on": due})
    assert response.status_code == 302
    adoption = MinutesAdoption.objects.get(document=draft)
    assert adoption.approval.rule == ApprovalRequest.Rule.CONSENSUS
    client.force_login(fp_kz)
    page = client.get(draft.meeting.get_absolute_url()).content.decode()
    assert "Circulated for adoption" in page
    assert "Circulate for adoption by the member states" not in page


def test_a_bad_date_is_told_and_nothing_is_circulated(client, draft, secretariat):
    client.force_login(secretariat)
    url = reverse("meetings:minutes-circulate", args=[draft.pk])
    response = client.post(
        url, {"minutes-rule": "consensus", "minutes-ends_on": "soon"}, follow=True
    )
    assert "Enter a valid date." in response.content.decode()
    assert not MinutesAdoption.objects.exists()


REVISED = b"%PDF-1.4\n% paragraph 4 as the delegation of Kazakhstan asked\n%%EOF\n"


def _revise(draft, secretariat, language="en"):
    return services.add_document_version(
        draft,
        by=secretariat,
        upload=SimpleUploadedFile("minutes-v2.pdf", REVISED, content_type="application/pdf"),
        language=language,
        note="Paragraph 4 corrected",
    )


def test_a_new_version_of_circulated_minutes_withdraws_their_open_request(
    draft, secretariat, approvers
):
    adoption = services.circulate_minutes(draft, by=secretariat)
    request = adoption.approval
    _revise(draft, secretariat)
    request.refresh_from_db()
    adoption.refresh_from_db()
    assert request.status == ApprovalRequest.Status.WITHDRAWN
    assert adoption.status == MinutesAdoption.Status.WITHDRAWN
    assert AuditRecord.objects.filter(action="meetings.minutes.revised").exists()
    assert Notification.objects.filter(
        recipient=secretariat, key=f"meetings:minutes:{adoption.pk}:revised"
    ).exists()
    with pytest.raises(approvals.ApprovalError):
        approvals.answer_request(
            request, approver=approvers[0], decision="approve", seen_hash=request.content_hash
        )


def test_the_withdrawal_is_part_of_the_upload_and_undone_with_it(draft, secretariat, approvers):
    adoption = services.circulate_minutes(draft, by=secretariat)
    with (
        mock.patch("meetings.services.library.audit.log", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        _revise(draft, secretariat)
    adoption.refresh_from_db()
    adoption.approval.refresh_from_db()
    assert adoption.status == MinutesAdoption.Status.CIRCULATED
    assert adoption.approval.status == ApprovalRequest.Status.OPEN
    assert not draft.versions.filter(number=2).exists()


def test_answers_to_the_old_version_do_not_carry_over_to_the_new_circulation(
    draft, secretariat, approvers
):
    first = services.circulate_minutes(draft, by=secretariat)
    for approver in approvers[:-1]:
        approvals.answer_request(
            first.approval,
            approver=approver,
            decision="approve",
            seen_hash=first.approval.content_hash,
        )
    _revise(draft, secretariat)
    again = services.circulate_minutes(draft, by=secretariat)
    assert again.approval_id != first.approval_id
    assert not again.approval.answers.exclude(decision="pending").exists()
    approvals.answer_request(
        again.approval,
        approver=approvers[-1],
        decision="approve",
        seen_hash=again.approval.content_hash,
    )
    again.refresh_from_db()
    assert again.status == MinutesAdoption.Status.CIRCULATED  # one approval of many, not all


def test_recirculated_minutes_are_bound_to_the_hash_of_the_new_file(draft, secretariat):
    first = services.circulate_minutes(draft, by=secretariat)
    _revise(draft, secretariat)
    again = services.circulate_minutes(draft, by=secretariat)
    assert first.file_hash == hashlib.sha256(PDF).hexdigest()
    assert again.file_hash == hashlib.sha256(REVISED).hexdigest()
    assert again.approval.content_hash == approvals.content_hash(again.approval_content())
    assert again.approval.content_hash != first.approval.content_hash


def test_a_new_version_of_minutes_not_circulated_withdraws_nothing(draft, secretariat):
    _revise(draft, secretariat)
    assert not MinutesAdoption.objects.exists()
    assert not Notification.objects.filter(key__startswith="meetings:minutes:").exists()


def test_the_secretariat_is_warned_on_the_versions_page_and_told_after_the_upload(
    client, draft, secretariat
):
    services.circulate_minutes(draft, by=secretariat)
    client.force_login(secretariat)
    url = reverse("meetings:document-versions", args=[draft.pk])
    assert "A new version withdraws the request" in client.get(url).content.decode()
    upload = SimpleUploadedFile("minutes-v2.pdf", REVISED, content_type="application/pdf")
    response = client.post(url, {"file": upload, "language": "en", "note": "p. 4"}, follow=True)
    page = response.content.decode()
    assert "The request to adopt these minutes is withdrawn" in page
    assert "A new version withdraws the request" not in page
