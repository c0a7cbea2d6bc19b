"""Letters of a meeting: made from the Secretariat's templates in English and Russian, with a
reference number of the meeting's series and year, downloaded as PDF, sent and logged."""

import io
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from cica_portal.models import AuditRecord, OutboxMessage, State
from meetings import services
from meetings.models import Kind, Letter, LetterKind, LetterTemplate, Registration
from meetings.services import MeetingError
from meetings.services.letters import email_letter
from tests.factories import SecretariatAdminFactory

from .factories import DelegateFactory, MeetingFactory, RegistrationFactory, in_days

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def swg():
    return MeetingFactory(
        title="Special Working Group, spring session",
        kind=Kind.SWG_SESSION,
        start=in_days(400).replace(month=3, day=11),
        end=in_days(400).replace(month=3, day=12, hour=17),
    )


def invitations(meeting, secretariat, languages=("en", "ru")):
    return services.generate_state_letters(
        meeting, by=secretariat, kind=LetterKind.INVITATION, languages=languages
    )


def test_it_makes_one_invitation_per_member_state_and_language(swg, secretariat):
    letters = invitations(swg, secretariat)
    members = State.objects.members().count()
    assert len(letters) == 2 * members
    assert {letter.language for letter in letters} == {"en", "ru"}
    assert Letter.objects.filter(meeting=swg, kind="invitation").count() == 2 * members


def test_a_second_click_makes_no_new_letter_and_takes_no_number(swg, secretariat):
    first = invitations(swg, secretariat, languages=["en"])
    assert invitations(swg, secretariat, languages=["en"]) == []
    later = services.generate_state_letters(
        swg, by=secretariat, kind=LetterKind.NOTE_VERBALE, languages=["en"]
    )
    year = swg.local_start.year
    assert later[0].reference == f"CICA/SWG/{year}/{len(first) + 1}"


def test_numbers_run_in_order_per_series_and_year(swg, secretariat):
    letters = invitations(swg, secretariat, languages=["en"])
    year = swg.local_start.year
    assert [letter.reference for letter in letters] == [
        f"CICA/SWG/{year}/{n}" for n in range(1, len(letters) + 1)
    ]
    soc = MeetingFactory(kind=Kind.SOC_SESSION, start=swg.start, end=swg.end)
    next_year = MeetingFactory(
        kind=Kind.SWG_SESSION,
        start=swg.start.replace(year=year + 1),
        end=swg.end.replace(year=year + 1),
    )
    assert invitations(soc, secretariat, ["en"])[0].reference == f"CICA/SOC/{year}/1"
    assert invitations(next_year, secretariat, ["ru"])[0].reference == f"CICA/SWG/{year + 1}/1"


def test_the_english_pdf_has_the_reference_title_and_dates(swg, secretariat, kz):
    invitations(swg, secretariat, languages=["en"])
    letter = Letter.objects.get(meeting=swg, state=kz, language="en")
    text = pdf_text(services.letters.render_pdf(letter))
    assert letter.reference in text
    assert "Special Working Group, spring session" in text
    assert "from 11 March" in text
    assert "to 12 March" in text
    assert "Kazakhstan" in text
    assert "Conference on Interaction and Confidence Building Measures in Asia" in text


def test_the_russian_pdf_reads_as_cyrillic_text(swg, secretariat, kz):
    invitations(swg, secretariat, languages=["ru"])
    letter = Letter.objects.get(meeting=swg, state=kz, language="ru")
    text = pdf_text(services.letters.render_pdf(letter))
    assert letter.reference in text
    assert "Special Working Group, spring session" in text
    assert "с 11 марта" in text
    assert "по 12 марта" in text
    assert "Казахстан" in text
    assert "Секретариат" in text
    assert "Совещания по взаимодействию" in text


def test_the_pdf_is_drawn_the_same_each_time(swg, secretariat, kz):
    invitations(swg, secretariat, languages=["en"])
    letter = Letter.objects.get(meeting=swg, state=kz)
    assert pdf_text(services.letters.render_pdf(letter)) == pdf_text(
        services.letters.render_pdf(letter)
    )


def test_an_edited_template_changes_the_letters_made_after_it(swg, secretariat, kz):
    template = LetterTemplate.objects.get(kind="invitation", language="en")
    services.change_letter_template(
        template,
        by=secretariat,
        subject="Kind invitation to {meeting}",
        body="Dear colleagues of {recipient}, please come to {venue} on {start}.",
    )
    invitations(swg, secretariat, languages=["en"])
    letter = Letter.objects.get(meeting=swg, state=kz)
    text = pdf_text(services.letters.render_pdf(letter))
    assert "Kind invitation to Special Working Group, spring session" in text
    assert "Dear colleagues of Kazakhstan, please come to CICA Secretariat, Astana" in text
    assert AuditRecord.objects.filter(action="meetings.letter_template.changed").exists()


def test_a_template_with_an_unknown_placeholder_is_refused(secretariat):
    template = LetterTemplate.objects.get(kind="invitation", language="en")
    with pytest.raises(MeetingError) as refused:
        services.change_letter_template(
            template, by=secretariat, subject="x", body="{meeting.__class__} {secret}"
        )
    assert refused.value.field == "body"
    template.refresh_from_db()
    assert "{meeting.__class__}" not in template.body


def test_visa_letters_go_to_each_confirmed_delegate_only(swg, secretariat, fp_kz, fp_ru):
    confirmed = RegistrationFactory(
        meeting=swg, registered_by=fp_kz, status=Registration.Status.CONFIRMED
    )
    waiting = RegistrationFactory(meeting=swg, registered_by=fp_ru)
    alice = DelegateFactory(registration=confirmed, name="Aliya Nurova", position="Major")
    DelegateFactory(registration=waiting, name="Not confirmed")
    letters = services.generate_visa_letters(swg, by=secretariat, languages=["en", "ru"])
    assert {(letter.delegate, letter.language) for letter in letters} == {
        (alice, "en"),
        (alice, "ru"),
    }
    text = pdf_text(services.letters.render_pdf(letters[1]))
    assert "Aliya Nurova" in text
    assert "Major" in text


def test_visa_letters_without_a_confirmed_delegation_are_refused(swg, secretariat):
    with pytest.raises(MeetingError):
        services.generate_visa_letters(swg, by=secretariat, languages=["en"])


def test_only_the_secretariat_makes_or_sends_letters(swg, secretariat, fp_kz, kz):
    with pytest.raises(MeetingError) as refused:
        invitations(swg, fp_kz)
    assert refused.value.code == "forbidden"
    invitations(swg, secretariat, ["en"])
    with pytest.raises(MeetingError):
        services.send_letter(Letter.objects.get(state=kz), by=fp_kz)


def test_sending_logs_when_and_to_whom_and_emails_the_pdf(
    swg, secretariat, fp_kz, kz, django_capture_on_commit_callbacks
):
    invitations(swg, secretariat, ["ru"])
    letter = Letter.objects.get(state=kz)
    with django_capture_on_commit_callbacks(execute=False):
        services.send_letter(letter, by=secretariat)
    letter.refresh_from_db()
    assert letter.sent_at is not None
    assert letter.sent_to == fp_kz.email
    record = AuditRecord.objects.get(action="meetings.letter.sent")
    assert record.data["to"] == [fp_kz.email]
    assert OutboxMessage.objects.filter(task_name="meetings.email_letter").exists()
    assert email_letter(letter.pk) is True
    assert email_letter(letter.pk) is False  # a second run of the task sends nothing
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [fp_kz.email]
    _name, content, kind = sent.attachments[0]
    assert kind == "application/pdf"
    assert letter.reference in pdf_text(content)
    with pytest.raises(MeetingError):
        services.send_letter(letter, by=secretariat)


def test_a_state_without_a_focal_point_cannot_be_sent_to(swg, secretariat, cn):
    invitations(swg, secretariat, ["en"])
    letter = Letter.objects.get(state=cn)
    with pytest.raises(MeetingError):
        services.send_letter(letter, by=secretariat)
    letter.refresh_from_db()
    assert letter.sent_at is None


# --- pages ------------------------------------------------------------------------------------


def test_the_secretariat_makes_letters_on_the_meeting_page(client, swg, secretariat):
    client.force_login(secretariat)
    url = reverse("meetings:letters", args=[swg.pk])
    page = client.get(url)
    assert page.status_code == 200
    made = client.post(url, {"kind": "note_verbale", "languages": ["ru"]})
    assert made.status_code == 302
    assert Letter.objects.filter(meeting=swg, kind="note_verbale", language="ru").exists()


def test_bad_input_names_the_field_and_makes_nothing(client, swg, secretariat):
    client.force_login(secretariat)
    url = reverse("meetings:letters", args=[swg.pk])
    refused = client.post(url, {"kind": "love_letter"})
    assert refused.status_code == 400
    assert set(refused.context["form"].errors) == {"kind", "languages"}
    assert not Letter.objects.exists()


def test_a_focal_point_downloads_their_states_letter_and_no_other(client, swg, secretariat, fp_kz):
    invitations(swg, secretariat, ["en"])
    own = Letter.objects.get(state__code="KZ")
    other = Letter.objects.get(state__code="RU")
    client.force_login(fp_kz)
    page = client.get(reverse("meetings:letters", args=[swg.pk]))
    assert [letter.pk for letter in page.context["letters"]] == [own.pk]
    download = client.get(reverse("meetings:letter-pdf", args=[own.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert own.reference in pdf_text(download.content)
    assert client.get(reverse("meetings:letter-pdf", args=[other.pk])).status_code == 404
    assert client.post(reverse("meetings:letter-send", args=[own.pk])).status_code == 403
    made = client.post(reverse("meetings:letters", args=[swg.pk]), {"kind": "invitation"})
    assert made.status_code == 403


def test_an_approver_reads_no_letter(client, swg, secretariat, approver_kz):
    invitations(swg, secretariat, ["en"])
    own = Letter.objects.get(state__code="KZ")
    client.force_login(approver_kz)
    assert client.get(reverse("meetings:letter-pdf", args=[own.pk])).status_code == 404
    assert client.get(reverse("meetings:letters", args=[swg.pk])).status_code == 403


def test_sending_from_the_page_twice_sends_once(client, swg, secretariat, fp_kz):
    invitations(swg, secretariat, ["en"])
    letter = Letter.objects.get(state__code="KZ")
    client.force_login(secretariat)
    url = reverse("meetings:letter-send", args=[letter.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    again = client.post(url, follow=True)
    assert "sent already" in again.content.decode()
    assert AuditRecord.objects.filter(action="meetings.letter.sent").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_at_once_never_share_a_number(secretariat):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent row locks need PostgreSQL")
    meetings = [MeetingFactory(kind=Kind.SWG_SESSION) for _ in range(2)]
    errors = []

    def make(meeting):
        try:
            invitations(meeting, secretariat, ["en"])
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=make, args=(m,)) for m in meetings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(
        int(r.rsplit("/", 1)[1]) for r in Letter.objects.values_list("reference", flat=True)
    )
    assert numbers == list(range(1, len(numbers) + 1))


def test_the_secretariat_edits_a_template_in_the_admin_and_a_bad_placeholder_is_a_form_error(
    client,
):
    client.force_login(SecretariatAdminFactory(username="secretariat-staff"))
    template = LetterTemplate.objects.get(kind="note_verbale", language="ru")
    url = reverse("admin:meetings_lettertemplate_change", args=[template.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"subject": "Нота", "body": "{recipient.__class__}"})
    assert refused.status_code == 200
    assert "body" in refused.context["adminform"].form.errors
    template.refresh_from_db()
    assert template.subject != "Нота"
    saved = client.post(url, {"subject": "Нота: {meeting}", "body": "Уважаемые коллеги, {venue}."})
    assert saved.status_code == 302
    template.refresh_from_db()
    assert template.body == "Уважаемые коллеги, {venue}."
    assert AuditRecord.objects.filter(action="meetings.letter_template.changed").exists()
    add = reverse("admin:meetings_lettertemplate_add")
    assert client.get(add).status_code == 403
