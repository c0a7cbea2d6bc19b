"""Designation as states do it: a note verbale's reference and scan, checked by the Secretariat
before it verifies; a verified nominee without an account opens it with a single-use link that
expires after 10 days, and gets the role and state of the nomination."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cica_portal.models import OutboxMessage, User
from focalpoints import services
from focalpoints.models import Activation, FocalPoint
from focalpoints.services import FocalPointError
from tests.focalpoints.factories import area

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _nominate(approver, **extra):
    today = timezone.localdate()
    return services.nominate(
        approver=approver,
        areas=[area(1)],
        name="Aigerim Nurlanovna",
        organisation="Ministry of Foreign Affairs",
        email="aigerim@mfa.kz.example",
        term_start=today,
        term_end=today + datetime.timedelta(days=700),
        role="primary",
        languages=["en", "ru"],
        **extra,
    )


def _with_note(approver):
    return _nominate(
        approver,
        note_verbale_reference="NV-KZ-2026/117",
        note_verbale_scan=SimpleUploadedFile("note.pdf", PDF),
    )


def _link(activation: Activation) -> str:
    return reverse("focalpoints:activate", args=[services.activation_token(activation)])


def _verified(approver, secretariat) -> FocalPoint:
    entry = _with_note(approver)
    services.check_note_verbale(entry, actor=secretariat)
    return services.verify(entry, actor=secretariat)


def test_a_nomination_carries_its_note_verbale(approver_kz):
    entry = _with_note(approver_kz)
    assert entry.note_verbale_reference == "NV-KZ-2026/117"
    assert entry.note_verbale_content_type == "application/pdf"
    assert entry.note_verbale_scan.read() == PDF


def test_a_scan_that_is_not_a_document_is_refused_on_its_field(approver_kz):
    with pytest.raises(FocalPointError) as refused:
        _nominate(
            approver_kz,
            note_verbale_reference="NV-1",
            note_verbale_scan=SimpleUploadedFile("note.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert refused.value.field == "file"


def test_verification_is_refused_until_the_note_verbale_is_checked(approver_kz, secretariat):
    bare = _nominate(approver_kz)
    with pytest.raises(FocalPointError):
        services.check_note_verbale(bare, actor=secretariat)  # nothing to check
    entry = _with_note(approver_kz)
    with pytest.raises(FocalPointError) as refused:
        services.verify(entry, actor=secretariat)
    assert "note verbale" in str(refused.value.message)
    services.check_note_verbale(entry, actor=secretariat)
    assert services.verify(entry, actor=secretariat).status == "active"


def test_only_the_secretariat_checks_a_note_verbale(approver_kz):
    entry = _with_note(approver_kz)
    with pytest.raises(FocalPointError) as refused:
        services.check_note_verbale(entry, actor=approver_kz)
    assert refused.value.code == "forbidden"


def test_the_scan_is_served_to_the_secretariat_and_the_states_approver_only(
    client, approver_kz, approver_ru, secretariat, fp_kz
):
    entry = _with_note(approver_kz)
    url = reverse("focalpoints:note-verbale", args=[entry.pk])
    for user, status in ((secretariat, 200), (approver_kz, 200), (approver_ru, 404), (fp_kz, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_a_verified_nominee_without_an_account_receives_an_activation_link(
    approver_kz, secretariat
):
    entry = _verified(approver_kz, secretariat)
    activation = Activation.objects.get(entry=entry)
    assert activation.expires_at - activation.created_at >= datetime.timedelta(days=10) - (
        datetime.timedelta(seconds=5)
    )
    sent = OutboxMessage.objects.get(task_name="focalpoints.send_activation")
    assert services.send_activation(*sent.args) is True
    assert services.send_activation(*sent.args) is False  # a second run sends nothing
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["aigerim@mfa.kz.example"]
    assert "/focal-points/activate/" in mail.outbox[0].body


def test_activation_gives_the_role_and_state_of_the_nomination_not_what_is_typed(
    client, approver_kz, secretariat
):
    entry = _verified(approver_kz, secretariat)
    activation = Activation.objects.get(entry=entry)
    response = client.post(
        _link(activation),
        {
            "new_password1": "a long pass phrase 2026",
            "new_password2": "a long pass phrase 2026",
            "role": "secretariat",  # ignored: nothing but the password comes from the form
            "state": "RU",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("two-factor-setup")
    user = User.objects.get(email="aigerim@mfa.kz.example")
    assert user.role == User.Role.FOCAL_POINT
    assert user.state.code == "KZ"
    assert user.check_password("a long pass phrase 2026")
    entry.refresh_from_db()
    assert entry.user == user


def test_an_activation_link_works_once(client, approver_kz, secretariat):
    entry = _verified(approver_kz, secretariat)
    link = _link(Activation.objects.get(entry=entry))
    data = {"new_password1": "a long pass phrase 2026", "new_password2": "a long pass phrase 2026"}
    assert client.post(link, data).status_code == 302
    client.logout()
    assert client.get(link).status_code == 404
    assert client.post(link, data).status_code == 404
    assert User.objects.filter(email="aigerim@mfa.kz.example").count() == 1


def test_an_activation_link_expires_after_ten_days(client, approver_kz, secretariat, monkeypatch):
    entry = _verified(approver_kz, secretariat)
    link = _link(Activation.objects.get(entry=entry))
    later = timezone.now() + datetime.timedelta(days=10, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(link).status_code == 404
    assert not User.objects.filter(email="aigerim@mfa.kz.example").exists()


def test_a_forged_or_tampered_link_is_not_found(client, approver_kz, secretariat):
    entry = _verified(approver_kz, secretariat)
    token = services.activation_token(Activation.objects.get(entry=entry))
    assert client.get(reverse("focalpoints:activate", args=[token[:-2] + "xx"])).status_code == 404
    assert client.get(reverse("focalpoints:activate", args=["nonsense"])).status_code == 404


def test_a_weak_password_is_a_form_error_and_opens_nothing(client, approver_kz, secretariat):
    entry = _verified(approver_kz, secretariat)
    link = _link(Activation.objects.get(entry=entry))
    response = client.post(link, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get(link).status_code == 200  # still usable


def test_a_nominee_with_an_account_gets_no_activation(approver_kz, secretariat, fp_kz):
    entry = _nominate(
        approver_kz,
        user=fp_kz,
        note_verbale_reference="NV-2",
        note_verbale_scan=SimpleUploadedFile("note.pdf", PDF),
    )
    services.check_note_verbale(entry, actor=secretariat)
    services.verify(entry, actor=secretariat)
    assert not Activation.objects.exists()
