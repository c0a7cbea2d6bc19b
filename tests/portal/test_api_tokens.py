"""API tokens: obtained with a password, owned and revoked by their user, locked like logins."""

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _obtain(api_client, password=TEST_PASSWORD, username="fp-kz"):
    return api_client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


def test_it_gives_a_token_for_the_right_password(api_client, fp_kz):
    response = _obtain(api_client)
    assert response.status_code == 200
    assert Token.objects.get(user=fp_kz).key == response.json()["token"]


def test_it_never_gives_a_token_for_a_wrong_password(api_client, fp_kz):
    response = _obtain(api_client, password="wrong")
    assert response.status_code in (400, 401) and "token" not in response.json()


@pytest.mark.parametrize("body", [[], ["fp-kz"], "fp-kz", 7])
def test_a_body_that_is_not_an_object_is_a_400_not_a_500(api_client, fp_kz, body):
    response = api_client.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_repeated_failures_lock_the_token_door_too(api_client, fp_kz, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _obtain(api_client, password="wrong")
    response = _obtain(api_client)  # even the right password, while locked
    assert response.status_code == 429
    assert "locked" in response.json()["detail"]


def test_a_forged_forwarded_for_header_does_not_dodge_the_count(api_client, fp_kz, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(
            "/api/v1/auth/token/",
            {"username": "fp-kz", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "fp-kz", "password": TEST_PASSWORD},
        format="json",
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert response.status_code == 429


def test_a_token_carries_its_users_rights(api_client, fp_kz):
    token = _obtain(api_client).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/member-states/").status_code == 200
    assert api_client.get("/api/v1/approvals/").status_code == 200


def test_no_credentials_are_refused(api_client):
    assert api_client.get("/api/v1/member-states/").status_code in (401, 403)


def test_the_owner_creates_and_revokes_a_token_in_the_portal(client, fp_kz):
    client.force_login(fp_kz)
    page = client.post("/account/api-tokens/", {"action": "create"})
    key = Token.objects.get(user=fp_kz).key
    assert key in page.content.decode()
    assert key not in client.get("/account/api-tokens/").content.decode()  # shown once
    client.post("/account/api-tokens/", {"action": "revoke"})
    assert not Token.objects.filter(user=fp_kz).exists()


def test_deactivation_revokes_tokens(api_client, fp_kz):
    token = _obtain(api_client).json()["token"]
    fp_kz.is_active = False
    fp_kz.save()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/member-states/").status_code in (401, 403)
    assert not Token.objects.filter(user=fp_kz).exists()


def test_a_password_change_revokes_tokens(api_client, fp_kz):
    _obtain(api_client)
    fp_kz.set_password("another-long-password-2026")
    fp_kz.save()
    assert not Token.objects.filter(user=fp_kz).exists()


def test_member_states_follow_the_contract(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)
    body = api_client.get("/api/v1/member-states/").json()
    assert body["count"] == 28 and {"count", "next", "previous", "results"} <= set(body)
    first = body["results"][0]
    assert first["code"] == "AE" and first["name"] == "United Arab Emirates"
