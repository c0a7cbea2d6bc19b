"""Recovery codes: made with the device, shown once, stored hashed, each usable once, renewed
only from a verified session; they let a person in when the phone is lost."""

import hashlib

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from cica_portal.models import AuditRecord, RecoveryCode
from tests.factories import TEST_PASSWORD, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _login(client, username="approver-kz"):
    client.post("/accounts/login/", {"username": username, "password": TEST_PASSWORD})


def _verified(client) -> bool:
    return client.get("/approvals/").status_code == 200


def _set_up(client, user) -> list[str]:
    """Link a device as the person would; the recovery codes the page shows."""
    _login(client, user.username)
    client.get("/account/two-factor/setup/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post("/account/two-factor/setup/", {"code": totp_code(device)})
    return page.context["codes"]


def _new_session(username="approver-kz") -> Client:
    client = Client()
    _login(client, username)
    return client


def test_setting_up_shows_ten_codes_once_and_stores_only_their_hashes(client, approver_kz):
    codes = _set_up(client, approver_kz)
    assert len(codes) == len(set(codes)) == 10
    stored = list(RecoveryCode.objects.filter(user=approver_kz).values_list("code_hash", flat=True))
    assert len(stored) == 10
    for code in codes:
        assert all(code not in value and code.replace("-", "") not in value for value in stored)
    plain = {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
    assert plain == set(stored)
    overview = client.get("/account/two-factor/").content.decode()
    assert not any(code in overview for code in codes)  # never shown again
    assert client.get("/account/two-factor/").context["codes_left"] == 10


def test_the_verify_page_offers_a_recovery_code_when_the_phone_is_lost(client, approver_kz):
    _set_up(client, approver_kz)
    page = _new_session().get("/account/two-factor/verify/").content.decode()
    assert "/account/two-factor/recovery/" in page
    assert "Lost your phone?" in page


def test_a_recovery_code_lets_a_person_in_once(client, approver_kz):
    codes = _set_up(client, approver_kz)
    first = _new_session()
    response = first.post("/account/two-factor/recovery/", {"code": codes[3]})
    assert response.status_code == 302
    assert _verified(first)
    again = _new_session()
    refused = again.post("/account/two-factor/recovery/", {"code": codes[3]})
    assert refused.status_code == 200
    assert refused.context["form"].errors["code"]
    assert not _verified(again)
    assert RecoveryCode.objects.filter(user=approver_kz, used_at__isnull=True).count() == 9


def test_a_recovery_code_is_read_without_dashes_spaces_or_case(client, approver_kz):
    codes = _set_up(client, approver_kz)
    session = _new_session()
    session.post(
        "/account/two-factor/recovery/", {"code": f" {codes[0].replace('-', ' ').upper()} "}
    )
    assert _verified(session)


def test_one_persons_code_does_not_open_another_account(client, approver_kz, approver_ru):
    codes = _set_up(client, approver_kz)
    _set_up(Client(), approver_ru)
    session = _new_session("approver-ru")
    session.post("/account/two-factor/recovery/", {"code": codes[0]})
    assert not _verified(session)


def test_a_verified_session_makes_new_codes_and_the_old_ones_stop_working(client, approver_kz):
    old = _set_up(client, approver_kz)
    page = client.post("/account/two-factor/recovery-codes/")
    assert page.status_code == 200
    new = page.context["codes"]
    assert len(new) == 10
    assert not set(new) & set(old)
    stale = _new_session()
    stale.post("/account/two-factor/recovery/", {"code": old[0]})
    assert not _verified(stale)
    fresh = _new_session()
    fresh.post("/account/two-factor/recovery/", {"code": new[0]})
    assert _verified(fresh)
    assert AuditRecord.objects.filter(action="auth.2fa_recovery_codes_regenerated").exists()


def test_an_unverified_session_cannot_make_new_codes(client, approver_kz):
    old = _set_up(client, approver_kz)
    before = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    unverified = _new_session()
    response = unverified.post("/account/two-factor/recovery-codes/")
    assert response.status_code == 302
    assert "/account/two-factor/verify/" in response["Location"]
    assert set(RecoveryCode.objects.values_list("code_hash", flat=True)) == before
    assert len(old) == 10


def test_a_recovery_code_then_replacing_the_lost_phone(client, approver_kz):
    codes = _set_up(client, approver_kz)
    lost = TOTPDevice.objects.get(user=approver_kz, confirmed=True)
    session = _new_session()
    session.post("/account/two-factor/recovery/", {"code": codes[0]})
    assert session.get("/account/two-factor/setup/").status_code == 200
    new = TOTPDevice.objects.get(user=approver_kz, confirmed=False)
    page = session.post("/account/two-factor/setup/", {"code": totp_code(new)})
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()
    assert len(page.context["codes"]) == 10  # and a fresh set of codes


def test_wrong_recovery_codes_count_towards_the_lock(client, approver_kz, settings):
    settings.TWO_FACTOR_FAILURE_LIMIT = 3
    codes = _set_up(client, approver_kz)
    session = _new_session()
    for n in range(3):
        session.post("/account/two-factor/recovery/", {"code": f"wrong-code-{n:04d}-xxxx"})
    refused = session.post("/account/two-factor/recovery/", {"code": codes[0]})
    assert "Too many wrong codes" in str(refused.context["form"].errors["code"])
    assert not _verified(session)
    assert RecoveryCode.objects.filter(used_at__isnull=False).count() == 0  # not spent


@pytest.mark.parametrize("code", ["", "x" * 41, "😀" * 16, "\x00" * 16])
def test_odd_recovery_input_is_a_form_error_not_a_500(client, approver_kz, code):
    _set_up(client, approver_kz)
    response = _new_session().post("/account/two-factor/recovery/", {"code": code})
    if "\x00" in code:  # refused by the input guard before any view reads it
        assert response.status_code == 400
    else:
        assert response.status_code == 200
        assert response.context["form"].errors
