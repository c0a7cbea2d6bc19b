"""Sessions end after SESSION_IDLE_SECONDS without activity and SESSION_MAX_SECONDS after the
login, however active."""

import time

import pytest

from cica_portal import middleware
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


class _Clock:
    def __init__(self, offset):
        self.offset = offset

    def time(self):
        return time.time() + self.offset


def _login(client):
    response = client.post("/accounts/login/", {"username": "fp-kz", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_a_session_past_its_absolute_lifetime_is_logged_out_however_active(
    client, fp_kz, settings, monkeypatch
):
    settings.SESSION_MAX_SECONDS = 3600
    _login(client)
    monkeypatch.setattr(middleware, "time", _Clock(1800))
    assert client.get("/").status_code == 200  # active, half-way: still in
    monkeypatch.setattr(middleware, "time", _Clock(3601))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    monkeypatch.setattr(middleware, "time", time)
    assert client.get("/").status_code == 302  # the session is gone, not only refused once


def test_a_session_within_its_lifetime_stays(client, fp_kz, settings):
    settings.SESSION_MAX_SECONDS = 3600
    _login(client)
    for _ in range(3):
        assert client.get("/").status_code == 200


def test_the_lifetime_ends_the_session_for_the_api_too(client, fp_kz, settings, monkeypatch):
    settings.SESSION_MAX_SECONDS = 60
    _login(client)
    monkeypatch.setattr(middleware, "time", _Clock(61))
    assert client.get("/api/v1/member-states/").status_code in (401, 403)


def test_a_signed_in_session_without_a_start_time_ends(client, fp_kz):
    _login(client)
    session = client.session
    del session[middleware.SESSION_STARTED_KEY]
    session.save()
    assert client.get("/").status_code == 302


def test_the_idle_timeout_renews_with_each_request(client, fp_kz, settings):
    _login(client)
    client.get("/")
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert settings.SESSION_SAVE_EVERY_REQUEST
