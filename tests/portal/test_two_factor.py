"""TOTP two-factor authentication: required for the Secretariat and approvers, offered to all."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _login(client, username):
    return client.post("/accounts/login/", {"username": username, "password": TEST_PASSWORD})


def test_an_approver_without_a_device_is_sent_to_set_one_up(client, approver_kz):
    _login(client, "approver-kz")
    response = client.get("/approvals/inbox/")
    assert response.status_code == 302 and "/account/two-factor/setup/" in response["Location"]


def test_the_admin_is_closed_until_the_second_factor(client, secretariat):
    _login(client, "secretariat")
    response = client.get("/admin/")
    assert response.status_code == 302 and "two-factor" in response["Location"]


def test_setting_up_a_device_verifies_the_session(client, approver_kz):
    _login(client, "approver-kz")
    page = client.get("/account/two-factor/setup/")
    assert page.status_code == 200 and "data:image/svg+xml" in page.content.decode()
    device = TOTPDevice.objects.get(user=approver_kz, confirmed=False)
    response = client.post("/account/two-factor/setup/", {"code": _code(device), "next": "/"})
    assert response.status_code == 302
    assert client.get("/approvals/inbox/").status_code == 200


def test_a_wrong_code_is_refused_with_the_field_named(client, approver_kz):
    _login(client, "approver-kz")
    client.get("/account/two-factor/setup/")
    response = client.post("/account/two-factor/setup/", {"code": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


def test_a_confirmed_device_is_asked_for_at_each_login(client, approver_kz):
    device = TOTPDevice.objects.create(user=approver_kz, name="app", confirmed=True)
    _login(client, "approver-kz")
    response = client.get("/")
    assert "/account/two-factor/verify/" in response["Location"]
    client.post("/account/two-factor/verify/", {"code": _code(device)})
    assert client.get("/").status_code == 200


def test_a_focal_point_is_not_forced_but_may_opt_in(client, fp_kz):
    _login(client, "fp-kz")
    assert client.get("/").status_code == 200
    assert client.get("/account/two-factor/setup/").status_code == 200


def test_an_unverified_session_cannot_use_the_api(client, approver_kz):
    _login(client, "approver-kz")
    assert client.get("/api/v1/approvals/").status_code == 403


def test_the_token_endpoint_asks_for_the_code_where_a_factor_is_required(api_client, approver_kz):
    device = TOTPDevice.objects.create(user=approver_kz, name="app", confirmed=True)
    body = {"username": "approver-kz", "password": TEST_PASSWORD}
    response = api_client.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400 and "otp_token" in response.json()
    response = api_client.post(
        "/api/v1/auth/token/", {**body, "otp_token": _code(device)}, format="json"
    )
    assert response.status_code == 200 and response.json()["token"]
