"""The official list of participants: confirmed by the Secretariat and validated by each state;
published by the Secretariat as a page, a PDF in English and Russian, and CSV."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cica_portal.models import AuditRecord
from meetings import selectors, services
from meetings.models import Delegate, Meeting

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db

KZ = [{"name": "Aibek Example", "role": "head", "position": "Ambassador"}]
RU = [{"name": "Ivan Example", "role": "head"}]


@pytest.fixture
def meeting():
    return MeetingFactory(title="Experts meeting in Ankara")


@pytest.fixture
def lines(meeting, fp_kz, fp_ru, approver_kz, secretariat):
    kz = services.register_delegation(meeting, by=fp_kz, delegates=KZ)
    ru = services.register_delegation(meeting, by=fp_ru, delegates=RU)
    for line in (kz, ru):
        services.confirm_registration(line, by=secretariat)
    services.validate_delegation(kz, by=approver_kz)  # Russia has not validated its line
    return kz, ru


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_only_lines_validated_by_their_state_are_on_the_list(meeting, lines, secretariat, client):
    client.force_login(secretariat)
    page = client.get(reverse("meetings:official-list", args=[meeting.pk])).content.decode()
    assert "Aibek Example" in page
    assert "Ivan Example" not in page


def test_before_publication_the_states_people_do_not_see_it(meeting, lines, fp_kz, client):
    client.force_login(fp_kz)
    for name in ("official-list", "official-list-pdf", "official-list-csv"):
        assert client.get(reverse(f"meetings:{name}", args=[meeting.pk])).status_code == 404


def test_once_published_member_states_people_read_it(
    meeting, lines, secretariat, approver_ru, client
):
    client.force_login(secretariat)
    response = client.post(reverse("meetings:official-list-publish", args=[meeting.pk]))
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).participants_published_at is not None
    client.force_login(approver_ru)
    assert client.get(reverse("meetings:official-list", args=[meeting.pk])).status_code == 200


def test_only_the_secretariat_publishes(meeting, lines, fp_kz, client):
    client.force_login(fp_kz)
    response = client.post(reverse("meetings:official-list-publish", args=[meeting.pk]))
    assert response.status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).participants_published_at is None


def test_an_empty_list_is_not_published(meeting, secretariat):
    with pytest.raises(services.MeetingError, match="nothing to publish"):
        services.publish_participants(meeting, by=secretariat)


def test_the_pdf_reads_in_english_and_in_russian(meeting, lines, secretariat, client):
    client.force_login(secretariat)
    url = reverse("meetings:official-list-pdf", args=[meeting.pk])
    english = client.get(url, {"lang": "en"})
    assert english["Content-Type"] == "application/pdf"
    text = _text(english.content)
    assert "List of participants" in text
    assert "Member states" in text
    assert "Aibek Example" in text
    assert "Kazakhstan" in text
    assert "Head of delegation" in text
    russian = _text(client.get(url, {"lang": "ru"}).content)
    assert "Список участников" in russian
    assert "Государства-члены" in russian
    assert "Казахстан" in russian
    assert "Глава делегации" in russian
    assert "Ivan Example" not in russian


def test_the_csv_lists_the_delegates_and_a_formula_is_not_run(
    meeting, fp_kz, approver_kz, secretariat, client
):
    line = services.register_delegation(
        meeting, by=fp_kz, delegates=[{"name": "=HYPERLINK(1)", "role": "head"}]
    )
    services.confirm_registration(line, by=secretariat)
    services.validate_delegation(line, by=approver_kz)
    client.force_login(secretariat)
    response = client.get(reverse("meetings:official-list-csv", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert "Kazakhstan" in text
    assert "'=HYPERLINK(1)" in text


def test_an_observer_state_that_takes_no_part_does_not_read_it(meeting, lines, secretariat, client):
    from cica_portal.models import State

    from ..factories import FocalPointUserFactory

    services.publish_participants(meeting, by=secretariat)
    observer = State.objects.filter(status=State.Status.OBSERVER).first()
    focal_point = FocalPointUserFactory(username="fp-observer", state=observer)
    client.force_login(focal_point)
    url = reverse("meetings:official-list", args=[meeting.pk])
    assert client.get(url).status_code == 404
    services.register_delegation(meeting, by=focal_point, delegates=RU)
    assert client.get(url).status_code == 200


def _republish_with_a_new_head(meeting, fp_kz, approver_kz, secretariat):
    """Kazakhstan replaces its head of delegation after the list is published."""
    kz = services.register_delegation(
        meeting, by=fp_kz, delegates=[{"name": "Nurlan Newhead", "role": "head"}]
    )
    services.confirm_registration(kz, by=secretariat)
    services.validate_delegation(kz, by=approver_kz)
    return kz


def test_the_published_list_does_not_change_when_a_delegation_changes_afterwards(
    meeting, lines, fp_kz, approver_kz, approver_ru, secretariat, client
):
    first = services.publish_participants(meeting, by=secretariat)
    _republish_with_a_new_head(meeting, fp_kz, approver_kz, secretariat)
    client.force_login(approver_ru)
    page = client.get(reverse("meetings:official-list", args=[meeting.pk])).content.decode()
    assert "Aibek Example" in page
    assert "Nurlan Newhead" not in page
    csv_text = client.get(reverse("meetings:official-list-csv", args=[meeting.pk])).content
    assert b"Aibek Example" in csv_text
    assert b"Nurlan Newhead" not in csv_text
    pdf = client.get(reverse("meetings:official-list-pdf", args=[meeting.pk]), {"lang": "ru"})
    text = _text(pdf.content)
    assert "Aibek Example" in text
    assert "Nurlan Newhead" not in text
    first.refresh_from_db()
    assert first.sha256 == selectors.official_list_hash(first.lines)


def test_the_secretariat_sees_the_list_changed_and_a_new_publication_is_a_new_version(
    meeting, lines, fp_kz, approver_kz, approver_ru, secretariat, client
):
    first = services.publish_participants(meeting, by=secretariat)
    _republish_with_a_new_head(meeting, fp_kz, approver_kz, secretariat)
    client.force_login(secretariat)
    url = reverse("meetings:official-list", args=[meeting.pk])
    assert "The delegations changed since the last publication" in client.get(url).content.decode()
    assert "Nurlan Newhead" in client.get(url, {"draft": "1"}).content.decode()
    second = services.publish_participants(meeting, by=secretariat)
    assert (first.number, second.number) == (1, 2)
    assert second.sha256 != first.sha256
    assert "Nurlan Newhead" in client.get(url).content.decode()
    client.force_login(approver_ru)
    latest = client.get(url).content.decode()
    assert "Nurlan Newhead" in latest
    assert "Aibek Example" not in latest
    earlier = client.get(url, {"version": "1"}).content.decode()
    assert "Aibek Example" in earlier
    assert "A later version replaces it." in earlier
    csv_v1 = client.get(reverse("meetings:official-list-csv", args=[meeting.pk]), {"version": 1})
    assert b"Aibek Example" in csv_v1.content
    assert client.get(url, {"version": "9"}).status_code == 404


def test_only_the_secretariat_reads_the_list_as_it_stands_once_published(
    meeting, lines, fp_kz, approver_kz, approver_ru, secretariat, client
):
    services.publish_participants(meeting, by=secretariat)
    _republish_with_a_new_head(meeting, fp_kz, approver_kz, secretariat)
    client.force_login(approver_ru)
    url = reverse("meetings:official-list", args=[meeting.pk])
    page = client.get(url, {"draft": "1"}).content.decode()
    assert "Nurlan Newhead" not in page
    assert "The delegations changed since" not in page


def test_a_publication_is_recorded_with_its_version_and_hash(meeting, lines, secretariat):
    version = services.publish_participants(meeting, by=secretariat)
    record = AuditRecord.objects.filter(action="meetings.participants.published").latest("pk")
    assert record.data["version"] == 1
    assert record.data["sha256"] == version.sha256
    assert [line["code"] for line in version.lines] == ["KZ"]
    assert version.lines[0]["name_ru"] == "Казахстан"


def test_attendance_on_a_published_list_is_todays(meeting, lines, secretariat, client):
    version = services.publish_participants(meeting, by=secretariat)
    kz = lines[0]
    Delegate.objects.filter(registration=kz).update(checked_in_at=timezone.now())
    groups = selectors.official_list_groups(meeting, version.lines)
    assert groups[0][1][0]["delegates"][0]["checked_in_at"] is not None


def test_the_admin_shows_each_publication_and_cannot_change_one(
    meeting, lines, secretariat, client
):
    from ..factories import SecretariatAdminFactory

    version = services.publish_participants(meeting, by=secretariat)
    client.force_login(SecretariatAdminFactory(username="secretariat-staff"))
    page = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    html = page.content.decode()
    assert "Publications of the official list" in html
    assert version.sha256 in html
    assert 'name="official_lists-0-sha256"' not in html


def test_publishing_an_unchanged_list_again_is_refused_and_not_offered(
    meeting, lines, secretariat, client
):
    services.publish_participants(meeting, by=secretariat)
    with pytest.raises(services.MeetingError, match="Nothing changed since version 1"):
        services.publish_participants(meeting, by=secretariat)
    assert meeting.official_lists.count() == 1
    client.force_login(secretariat)
    page = client.get(reverse("meetings:official-list", args=[meeting.pk])).content.decode()
    assert "Publish again with the changes" not in page
