"""The official list of participants: confirmed by the Secretariat and validated by each state;
published by the Secretariat as a page, a PDF in English and Russian, and CSV."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from meetings import services
from meetings.models import Meeting

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
