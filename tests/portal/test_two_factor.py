"""TOTP two-factor authentication: required for the Secretariat and approvers, offered to all,
and never passed, removed or replaced with the password alone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cica_portal.models import AuditRecord
from tests.factories import TEST_PASSWORD, totp_code, wrong_totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _login(client, username):
    return client.post("/accounts/login/", {"username": username, "password": TEST_PASSWORD})


def _verified(client) -> bool:
    """Whether the session may go where a second factor is asked for."""
    return client.get("/approvals/").status_code == 200


def _device(user, **kwargs) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True, **kwargs)


# --- setting up a first device ----------------------------------------------------------------


def test_an_approver_without_a_device_is_sent_to_set_one_up(client, approver_kz):
    _login(client, "approver-kz")
    response = client.get("/approvals/inbox/")
    assert response.status_code == 302
    assert "/account/two-factor/setup/" in response["Location"]


def test_the_admin_is_closed_until_the_second_factor(client, secretariat):
    _login(client, "secretariat")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "two-factor" in response["Location"]


def test_setting_up_a_device_verifies_the_session(client, approver_kz):
    _login(client, "approver-kz")
    page = client.get("/account/two-factor/setup/")
    assert page.status_code == 200
    assert "data:image/svg+xml" in page.content.decode()
    device = TOTPDevice.objects.get(user=approver_kz, confirmed=False)
    response = client.post("/account/two-factor/setup/", {"code": totp_code(device), "next": "/"})
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert client.get("/approvals/inbox/").status_code == 200


def test_a_wrong_code_is_refused_with_the_field_named(client, approver_kz):
    _login(client, "approver-kz")
    client.get("/account/two-factor/setup/")
    response = client.post("/account/two-factor/setup/", {"code": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not TOTPDevice.objects.filter(user=approver_kz, confirmed=True).exists()


def test_a_focal_point_is_not_forced_but_may_opt_in(client, fp_kz):
    _login(client, "fp-kz")
    assert client.get("/").status_code == 200
    assert client.get("/account/two-factor/setup/").status_code == 200


def test_a_pending_device_belongs_to_the_session_that_was_shown_its_secret(client, approver_kz):
    from django.test import Client

    other = Client()
    _login(other, "approver-kz")  # someone else with the password, say
    seen_by_other = other.get("/account/two-factor/setup/").context["secret"]
    _login(client, "approver-kz")
    mine = client.get("/account/two-factor/setup/").context["secret"]
    assert mine != seen_by_other
    device = TOTPDevice.objects.get(user=approver_kz, confirmed=False)
    client.post("/account/two-factor/setup/", {"code": totp_code(device)})
    assert TOTPDevice.objects.get(user=approver_kz, confirmed=True).pk == device.pk
    # the other session's secret never became the account's device
    response = other.post("/account/two-factor/setup/", {"code": "123456"})
    assert response.status_code == 302
    assert "/verify/" in response["Location"]


# --- verifying at each login ------------------------------------------------------------------


def test_a_confirmed_device_is_asked_for_at_each_login(client, approver_kz):
    device = _device(approver_kz)
    _login(client, "approver-kz")
    response = client.get("/")
    assert "/account/two-factor/verify/" in response["Location"]
    client.post("/account/two-factor/verify/", {"code": totp_code(device)})
    assert client.get("/").status_code == 200


def test_an_unverified_session_cannot_use_the_api(client, approver_kz):
    _login(client, "approver-kz")
    assert client.get("/api/v1/approvals/").status_code == 403


def test_a_correct_code_right_after_a_wrong_one_passes(client, approver_kz):
    device = _device(approver_kz)
    _login(client, "approver-kz")
    wrong = client.post("/account/two-factor/verify/", {"code": wrong_totp_code(device)})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"]
    right = client.post("/account/two-factor/verify/", {"code": totp_code(device), "next": "/"})
    assert right.status_code == 302
    assert right["Location"] == "/"
    assert _verified(client)


def test_wrong_codes_lock_the_account_after_the_limit_even_for_a_right_code(
    client, approver_kz, settings
):
    settings.TWO_FACTOR_FAILURE_LIMIT = 3
    device = _device(approver_kz)
    _login(client, "approver-kz")
    for _ in range(3):
        client.post("/account/two-factor/verify/", {"code": wrong_totp_code(device)})
    refused = client.post("/account/two-factor/verify/", {"code": totp_code(device)})
    assert refused.status_code == 200
    assert "Too many wrong codes" in str(refused.context["form"].errors["code"])
    assert not _verified(client)
    assert AuditRecord.objects.filter(action="auth.2fa_locked").exists()


def test_the_lock_holds_for_every_session_of_the_account(client, approver_kz, settings):
    from django.test import Client

    settings.TWO_FACTOR_FAILURE_LIMIT = 2
    device = _device(approver_kz)
    attacker = Client()
    _login(attacker, "approver-kz")
    for _ in range(2):
        attacker.post("/account/two-factor/verify/", {"code": wrong_totp_code(device)})
    _login(client, "approver-kz")  # a fresh session does not start a fresh count
    client.post("/account/two-factor/verify/", {"code": totp_code(device)})
    assert not _verified(client)


def test_the_lock_ends_after_its_time_and_then_grows_with_each_wrong_code(
    client, approver_kz, settings
):
    settings.TWO_FACTOR_FAILURE_LIMIT = 2
    settings.TWO_FACTOR_LOCK_SECONDS = 60
    device = _device(approver_kz)
    _login(client, "approver-kz")
    for _ in range(2):
        client.post("/account/two-factor/verify/", {"code": wrong_totp_code(device)})
    _age_failures(device, seconds=61)  # the lock (60 s) is over: one more attempt
    client.post("/account/two-factor/verify/", {"code": wrong_totp_code(device)})
    _age_failures(device, seconds=61)  # the wait is now 120 s
    client.post("/account/two-factor/verify/", {"code": totp_code(device)})
    assert not _verified(client)
    _age_failures(device, seconds=121)
    client.post("/account/two-factor/verify/", {"code": totp_code(device, steps_ahead=1)})
    assert _verified(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 0  # a right code resets the count


def _age_failures(device, *, seconds):
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=seconds)
    )


# --- the device cannot be replaced with the password alone ------------------------------------


def test_an_unverified_session_cannot_reach_the_set_up_page_of_a_protected_account(
    client, approver_kz
):
    device = _device(approver_kz)
    _login(client, "approver-kz")
    response = client.get("/account/two-factor/setup/")
    assert response.status_code == 302
    assert "/account/two-factor/verify/" in response["Location"]
    assert not TOTPDevice.objects.filter(user=approver_kz, confirmed=False).exists()
    response = client.post("/account/two-factor/setup/", {"code": totp_code(device)})
    assert response.status_code == 302
    assert "/account/two-factor/verify/" in response["Location"]
    assert list(TOTPDevice.objects.filter(user=approver_kz)) == [device]
    assert not _verified(client)


def test_an_opted_in_focal_point_is_protected_the_same_way(client, fp_kz, settings):
    settings.TWO_FACTOR_REQUIRED = False
    _device(fp_kz)
    _login(client, "fp-kz")
    assert "/account/two-factor/verify/" in client.get("/account/two-factor/setup/")["Location"]
    assert "/account/two-factor/verify/" in client.get("/account/two-factor/")["Location"]


def test_the_set_up_view_refuses_by_itself_too(client, approver_kz, settings):
    """Without the middleware in front, the view and the service still say no."""
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "cica_portal.middleware.RequireTwoFactorMiddleware"
    ]
    device = _device(approver_kz)
    _login(client, "approver-kz")
    response = client.post("/account/two-factor/setup/", {"code": totp_code(device)})
    assert response.status_code == 302
    assert "/account/two-factor/verify/" in response["Location"]
    assert list(TOTPDevice.objects.filter(user=approver_kz)) == [device]


def test_the_confirm_service_refuses_an_unverified_session(rf, approver_kz):
    from django.contrib.sessions.backends.db import SessionStore

    from cica_portal import twofactor
    from cica_portal.errors import DomainError

    device = _device(approver_kz)
    request = rf.post("/account/two-factor/setup/")
    request.session = SessionStore()
    request.user = approver_kz
    approver_kz.otp_device = None
    approver_kz.is_verified = lambda: False  # as OTPMiddleware sets it for this session
    pending = TOTPDevice.objects.create(user=approver_kz, name="new", confirmed=False)
    request.session[twofactor.PENDING_DEVICE_SESSION_KEY] = pending.pk
    with pytest.raises(DomainError):
        twofactor.confirm_device(request, totp_code(pending))
    assert TOTPDevice.objects.get(pk=pending.pk).confirmed is False
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert AuditRecord.objects.filter(action="auth.2fa_setup_refused").exists()


def test_a_verified_session_replaces_its_device(client, approver_kz):
    old = _device(approver_kz)
    _login(client, "approver-kz")
    client.post("/account/two-factor/verify/", {"code": totp_code(old)})
    page = client.get("/account/two-factor/setup/")
    assert page.status_code == 200
    assert page.context["replacing"]
    new = TOTPDevice.objects.get(user=approver_kz, confirmed=False)
    response = client.post("/account/two-factor/setup/", {"code": totp_code(new)})
    assert response.status_code == 200
    assert response.context["codes"]
    assert list(TOTPDevice.objects.filter(user=approver_kz)) == [new]
    assert TOTPDevice.objects.get(pk=new.pk).confirmed
    assert _verified(client)
    assert AuditRecord.objects.filter(action="auth.2fa_replaced").exists()


def test_a_replaced_device_no_longer_verifies_its_other_sessions(client, approver_kz):
    from django.test import Client

    old = _device(approver_kz)
    elsewhere = Client()
    _login(elsewhere, "approver-kz")
    elsewhere.post("/account/two-factor/verify/", {"code": totp_code(old)})
    assert _verified(elsewhere)
    _login(client, "approver-kz")
    client.post("/account/two-factor/verify/", {"code": totp_code(old, steps_ahead=1)})
    client.get("/account/two-factor/setup/")
    new = TOTPDevice.objects.get(user=approver_kz, confirmed=False)
    client.post("/account/two-factor/setup/", {"code": totp_code(new)})
    assert not _verified(elsewhere)


# --- the API token endpoint -------------------------------------------------------------------


def test_the_token_endpoint_asks_for_the_code_where_a_factor_is_required(api_client, approver_kz):
    device = _device(approver_kz)
    body = {"username": "approver-kz", "password": TEST_PASSWORD}
    response = api_client.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert "otp_token" in response.json()
    response = api_client.post(
        "/api/v1/auth/token/", {**body, "otp_token": totp_code(device)}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["token"]


def test_the_token_endpoint_gives_nothing_to_a_required_role_without_a_device(
    api_client, approver_kz
):
    body = {"username": "approver-kz", "password": TEST_PASSWORD, "otp_token": "123456"}
    response = api_client.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_the_token_endpoint_counts_wrong_codes_towards_the_same_lock(
    api_client, approver_kz, settings
):
    settings.TWO_FACTOR_FAILURE_LIMIT = 2
    device = _device(approver_kz)
    body = {"username": "approver-kz", "password": TEST_PASSWORD}
    for _ in range(2):
        api_client.post(
            "/api/v1/auth/token/", {**body, "otp_token": wrong_totp_code(device)}, format="json"
        )
    response = api_client.post(
        "/api/v1/auth/token/", {**body, "otp_token": totp_code(device)}, format="json"
    )
    assert response.status_code == 429
    assert "token" not in response.json()


# --- the audit --------------------------------------------------------------------------------


def test_every_two_factor_event_is_audited_without_a_code_or_secret(client, approver_kz):
    _login(client, "approver-kz")
    page = client.get("/account/two-factor/setup/")
    secret = page.context["secret"]
    pending = TOTPDevice.objects.get(user=approver_kz, confirmed=False)
    wrong = wrong_totp_code(pending)
    client.post("/account/two-factor/setup/", {"code": wrong})
    right = totp_code(pending)
    codes = client.post("/account/two-factor/setup/", {"code": right}).context["codes"]
    client.post("/accounts/logout/")
    _login(client, "approver-kz")
    client.post("/account/two-factor/verify/", {"code": wrong})
    client.post("/account/two-factor/recovery/", {"code": codes[0]})
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {
        "auth.2fa_setup_failed",
        "auth.2fa_enabled",
        "auth.2fa_failed",
        "auth.2fa_verified",
    } <= actions
    logged = str(list(AuditRecord.objects.values_list("data", flat=True)))
    for secret_text in [secret, pending.key, right, *codes, *(c.replace("-", "") for c in codes)]:
        assert secret_text not in logged


def test_the_admin_never_shows_a_devices_secret(client, approver_kz):
    from tests.factories import UserFactory

    device = _device(approver_kz)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    _login(client, "root")
    client.post("/account/two-factor/setup/")  # a superuser must link a device first
    pending = TOTPDevice.objects.get(user=admin, confirmed=False)
    client.post("/account/two-factor/setup/", {"code": totp_code(pending)})
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code in (403, 404)
