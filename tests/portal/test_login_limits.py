"""Password spraying and reset flooding: failures counted per address across usernames on every
door that takes a password, and reset emails limited per address and per email."""

import pytest
from django.core import mail

from cica_portal.models import AuditRecord
from tests.factories import TEST_PASSWORD, FocalPointUserFactory

pytestmark = pytest.mark.django_db

SPRAYER = "203.0.113.7"
ELSEWHERE = "198.51.100.9"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_FAILURES_PER_ADDRESS = 8


def _spray(client, url, count, *, address=SPRAYER):
    """One wrong password for each of `count` different usernames, from one address."""
    for n in range(count):
        client.post(
            url, {"username": f"someone-{n}", "password": "Summer2026!"}, REMOTE_ADDR=address
        )


def _portal_login(client, address):
    return client.post(
        "/accounts/login/", {"username": "fp-kz", "password": TEST_PASSWORD}, REMOTE_ADDR=address
    )


def _api_token(api_client, address):
    return api_client.post(
        "/api/v1/auth/token/",
        {"username": "fp-kz", "password": TEST_PASSWORD},
        format="json",
        REMOTE_ADDR=address,
    )


def test_spraying_many_usernames_locks_the_address_on_the_portal_login(client, fp_kz):
    _spray(client, "/accounts/login/", 8)
    locked = _portal_login(client, SPRAYER)
    assert locked.status_code == 429
    assert _portal_login(client, ELSEWHERE).status_code == 302  # only that address


def test_a_few_failures_across_usernames_do_not_lock_an_address(client, fp_kz):
    _spray(client, "/accounts/login/", 7)  # under the address's limit, one each
    assert _portal_login(client, SPRAYER).status_code == 302


def test_spraying_locks_the_address_on_the_admin_login(client, secretariat):
    _spray(client, "/admin/login/", 8)
    response = client.post(
        "/admin/login/",
        {"username": "secretariat", "password": TEST_PASSWORD},
        REMOTE_ADDR=SPRAYER,
    )
    assert response.status_code == 429


def test_spraying_locks_the_address_on_the_api_token_endpoint(api_client, fp_kz):
    for n in range(8):
        api_client.post(
            "/api/v1/auth/token/",
            {"username": f"someone-{n}", "password": "Summer2026!"},
            format="json",
            REMOTE_ADDR=SPRAYER,
        )
    response = _api_token(api_client, SPRAYER)
    assert response.status_code == 429
    assert "token" not in response.json()
    assert _api_token(api_client, ELSEWHERE).status_code == 200


def test_failures_at_one_door_count_at_the_others(client, api_client, fp_kz):
    _spray(client, "/accounts/login/", 4)
    _spray(client, "/admin/login/", 4)
    assert _api_token(api_client, SPRAYER).status_code == 429


def test_the_per_account_limit_still_locks_one_account_first(client, fp_kz):
    for _ in range(5):
        client.post(
            "/accounts/login/", {"username": "fp-kz", "password": "wrong"}, REMOTE_ADDR=SPRAYER
        )
    assert _portal_login(client, SPRAYER).status_code == 429
    FocalPointUserFactory(username="fp-kz-2")
    other = client.post(
        "/accounts/login/", {"username": "fp-kz-2", "password": TEST_PASSWORD}, REMOTE_ADDR=SPRAYER
    )
    assert other.status_code == 302  # 5 failures are under the address's limit of 8


def test_the_lockout_page_names_the_configured_wait(client, fp_kz, settings):
    _spray(client, "/accounts/login/", 8)
    page = _portal_login(client, SPRAYER).content.decode()
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"Try again in {minutes} minutes" in page


# --- password reset ---------------------------------------------------------------------------


def _reset(client, email, address=SPRAYER):
    return client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=address)


def test_reset_emails_are_limited_per_email_address(client, fp_kz, settings):
    settings.PASSWORD_RESETS_PER_HOUR = 3
    answers = {_reset(client, fp_kz.email, address=f"192.0.2.{n}")["Location"] for n in range(6)}
    assert answers == {"/accounts/password_reset/done/"}  # the same answer every time
    assert len(mail.outbox) == 3
    assert AuditRecord.objects.filter(action="auth.password_reset_throttled").count() == 3


def test_reset_requests_are_limited_per_client_address(client, settings):
    settings.PASSWORD_RESETS_PER_HOUR = 3
    people = [FocalPointUserFactory(username=f"fp-{n}") for n in range(5)]
    for person in people:
        assert _reset(client, person.email).status_code == 302
    assert len(mail.outbox) == 3
    _reset(client, people[4].email, address=ELSEWHERE)
    assert len(mail.outbox) == 4  # another address is not held back


def test_a_throttled_reset_answers_like_an_unknown_account(client, fp_kz, settings):
    settings.PASSWORD_RESETS_PER_HOUR = 1
    _reset(client, fp_kz.email)
    throttled = _reset(client, fp_kz.email)
    unknown = _reset(client, "nobody@example.org", address=ELSEWHERE)
    assert throttled.status_code == unknown.status_code == 302
    assert throttled["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1


def test_the_reset_limit_reads_the_email_without_case_or_spaces(client, fp_kz, settings):
    settings.PASSWORD_RESETS_PER_HOUR = 1
    _reset(client, fp_kz.email, address="192.0.2.1")
    _reset(client, f"  {fp_kz.email.upper()} ", address="192.0.2.2")
    assert len(mail.outbox) == 1
