"""API tokens: stored as hashes, named, expiring, shown once, each revoked by its owner alone."""

import importlib
import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from cica_portal import tokens
from cica_portal.models import ApiToken, AuditRecord
from tests.factories import TEST_PASSWORD, FocalPointUserFactory, api_token_for

pytestmark = pytest.mark.django_db


def _obtain(api_client, password=TEST_PASSWORD, username="fp-kz", **extra):
    return api_client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password, **extra},
        format="json",
    )


def _works(api_client, key) -> bool:
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    status = api_client.get("/api/v1/member-states/").status_code
    api_client.credentials()
    assert status in (200, 401), status
    return status == 200


# --- the token endpoint -----------------------------------------------------------------------


def test_it_gives_a_working_token_for_the_right_password(api_client, fp_kz):
    response = _obtain(api_client)
    assert response.status_code == 200
    key = response.json()["token"]
    assert _works(api_client, key)
    assert ApiToken.objects.get(user=fp_kz).key_hash == tokens.hash_key(key)


def test_the_database_holds_only_a_hash_of_the_key(api_client, fp_kz):
    key = _obtain(api_client).json()["token"]
    row = ApiToken.objects.filter(user=fp_kz).values().get()
    stored = json.dumps(row, default=str)
    assert key not in stored
    assert row["prefix"] == key[: len(row["prefix"])]
    assert len(row["prefix"]) < len(key) // 3


def test_each_call_makes_a_new_token_named_as_asked(api_client, fp_kz):
    first = _obtain(api_client, name="nightly export").json()
    second = _obtain(api_client).json()
    assert first["token"] != second["token"]
    assert first["name"] == "nightly export"
    assert second["name"]
    assert _works(api_client, first["token"])
    assert _works(api_client, second["token"])
    assert ApiToken.objects.filter(user=fp_kz).count() == 2


def test_a_token_expires_after_the_configured_days(api_client, fp_kz, settings):
    settings.API_TOKEN_DAYS = 7
    body = _obtain(api_client).json()
    token = ApiToken.objects.get(user=fp_kz)
    assert abs(token.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)
    assert body["expires_at"]
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert not _works(api_client, body["token"])


def test_it_never_gives_a_token_for_a_wrong_password(api_client, fp_kz):
    response = _obtain(api_client, password="wrong")
    assert response.status_code in (400, 401)
    assert "token" not in response.json()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("body", [[], ["fp-kz"], "fp-kz", 7])
def test_a_body_that_is_not_an_object_is_a_400_not_a_500(api_client, fp_kz, body):
    response = api_client.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


@pytest.mark.parametrize(
    "body",
    [{}, {"username": "fp-kz"}, {"username": ["x"], "password": {"a": 1}}, {"name": "x" * 500}],
)
def test_missing_or_odd_fields_are_a_400_not_a_500(api_client, fp_kz, body):
    assert api_client.post("/api/v1/auth/token/", body, format="json").status_code == 400


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


# --- using a token ----------------------------------------------------------------------------


def test_a_token_carries_its_users_rights(api_client, fp_kz):
    token = _obtain(api_client).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/member-states/").status_code == 200
    assert api_client.get("/api/v1/approvals/").status_code == 200


def test_no_credentials_are_refused(api_client):
    assert api_client.get("/api/v1/member-states/").status_code in (401, 403)


@pytest.mark.parametrize(
    "header",
    [
        "Token",
        "Token a b",
        "Token cica_not-a-real-key",
        "Token " + "x" * 5000,
        b"Token \xff\xfe".decode("latin-1"),
    ],
)
def test_a_bad_token_header_is_a_401_not_a_500(api_client, fp_kz, header):
    response = api_client.get("/api/v1/member-states/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_authenticate_token_names_the_user_of_a_live_key_only(fp_kz):
    key = api_token_for(fp_kz)
    assert tokens.authenticate_token(key) == fp_kz
    assert tokens.authenticate_token(key + "x") is None
    assert tokens.authenticate_token("") is None
    assert tokens.authenticate_token("y" * 10_000) is None
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tokens.authenticate_token(key) is None
    ApiToken.objects.update(
        expires_at=timezone.now() + timedelta(days=1), revoked_at=timezone.now()
    )
    assert tokens.authenticate_token(key) is None
    ApiToken.objects.update(revoked_at=None)
    type(fp_kz).objects.filter(pk=fp_kz.pk).update(is_active=False)  # no signals: a bulk update
    assert tokens.authenticate_token(key) is None


def test_it_notes_when_a_token_was_last_used(api_client, fp_kz):
    key = api_token_for(fp_kz)
    assert ApiToken.objects.get().last_used_at is None
    assert _works(api_client, key)
    assert ApiToken.objects.get().last_used_at is not None


# --- the portal page --------------------------------------------------------------------------


def test_the_owner_makes_a_named_token_and_sees_its_key_once(client, fp_kz):
    client.force_login(fp_kz)
    page = client.post("/account/api-tokens/", {"action": "create", "name": "reporting"})
    assert page.status_code == 200
    key = page.context["new_key"]
    assert key
    assert key in page.content.decode()
    assert tokens.authenticate_token(key) == fp_kz
    later = client.get("/account/api-tokens/").content.decode()
    assert key not in later  # shown once
    assert "reporting" in later
    assert ApiToken.objects.get().prefix in later


def test_a_token_without_a_name_is_a_form_error_and_nothing_is_made(client, fp_kz):
    client.force_login(fp_kz)
    page = client.post("/account/api-tokens/", {"action": "create", "name": ""})
    assert page.status_code == 200
    assert page.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_an_unknown_action_is_a_400(client, fp_kz):
    client.force_login(fp_kz)
    assert client.post("/account/api-tokens/", {"action": "revoke-all"}).status_code == 400


def test_the_list_shows_only_the_users_own_tokens(client, fp_kz, fp_ru):
    api_token_for(fp_kz, name="mine")
    api_token_for(fp_ru, name="someone-elses")
    client.force_login(fp_kz)
    page = client.get("/account/api-tokens/").content.decode()
    assert "mine" in page
    assert "someone-elses" not in page


def test_revoking_asks_first_then_ends_that_token_only(client, api_client, fp_kz):
    keep, drop = api_token_for(fp_kz, name="keep"), api_token_for(fp_kz, name="drop")
    target = ApiToken.objects.get(name="drop")
    client.force_login(fp_kz)
    confirm = client.get(f"/account/api-tokens/{target.pk}/revoke/")
    assert confirm.status_code == 200
    assert "drop" in confirm.content.decode()
    assert _works(api_client, drop)  # asking changed nothing
    response = client.post(f"/account/api-tokens/{target.pk}/revoke/")
    assert response.status_code == 302
    assert response["Location"] == "/account/api-tokens/"
    assert not _works(api_client, drop)
    assert _works(api_client, keep)
    listed = client.get("/account/api-tokens/").context["tokens"]
    assert [token.name for token in listed] == ["keep"]
    assert AuditRecord.objects.filter(action="auth.token_revoked").count() == 1


def test_another_users_token_is_a_404_and_stays_alive(client, api_client, fp_kz, fp_ru):
    key = api_token_for(fp_ru)
    theirs = ApiToken.objects.get(user=fp_ru)
    client.force_login(fp_kz)
    assert client.get(f"/account/api-tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.post(f"/account/api-tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.post("/account/api-tokens/999999/revoke/").status_code == 404
    assert _works(api_client, key)


def test_a_revoked_token_is_a_404_on_its_revoke_page(client, fp_kz):
    api_token_for(fp_kz)
    token = ApiToken.objects.get()
    client.force_login(fp_kz)
    client.post(f"/account/api-tokens/{token.pk}/revoke/")
    assert client.get(f"/account/api-tokens/{token.pk}/revoke/").status_code == 404


def test_the_revoke_page_takes_only_get_and_post(client, fp_kz):
    api_token_for(fp_kz)
    client.force_login(fp_kz)
    pk = ApiToken.objects.get().pk
    assert client.put(f"/account/api-tokens/{pk}/revoke/").status_code == 405


def test_the_revoke_service_refuses_a_token_of_someone_else(fp_kz, fp_ru):
    api_token_for(fp_ru)
    with pytest.raises(tokens.DomainError):
        tokens.revoke_token(ApiToken.objects.get(), by=fp_kz)
    assert ApiToken.objects.get().revoked_at is None


# --- when access ends -------------------------------------------------------------------------


def test_deactivation_revokes_tokens(api_client, fp_kz):
    token = _obtain(api_client).json()["token"]
    fp_kz.is_active = False
    fp_kz.save()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/member-states/").status_code == 401
    assert not tokens.tokens_of(fp_kz).exists()


def test_a_password_change_revokes_every_token(api_client, fp_kz):
    keys = [_obtain(api_client).json()["token"] for _ in range(2)]
    fp_kz.set_password("another-long-password-2026")
    fp_kz.save()
    assert not tokens.tokens_of(fp_kz).exists()
    assert not any(_works(api_client, key) for key in keys)


def test_a_password_change_leaves_other_users_tokens_alone(api_client, fp_kz):
    other = FocalPointUserFactory(username="fp-kz-2")
    key = api_token_for(other)
    fp_kz.set_password("another-long-password-2026")
    fp_kz.save()
    assert _works(api_client, key)


def test_the_migration_empties_drf_tokens_kept_in_clear():
    migration = importlib.import_module("cica_portal.migrations.0009_api_tokens_and_recovery_codes")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id int)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('0123456789abcdef', 1)")
    migration.forget_drf_tokens(apps, SimpleNamespace(connection=connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0


# --- the contract -----------------------------------------------------------------------------


def test_member_states_follow_the_contract(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)
    body = api_client.get("/api/v1/member-states/").json()
    assert body["count"] == 28
    assert {"count", "next", "previous", "results"} <= set(body)
    first = body["results"][0]
    assert first["code"] == "AE"
    assert first["name"] == "United Arab Emirates"
