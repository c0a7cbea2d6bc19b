"""The 503 middleware: a database error in a view or in a middleware becomes a bare 503."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError

pytestmark = pytest.mark.django_db

MIDDLEWARE = "cica_portal.middleware.DatabaseUnavailableMiddleware"
SECRET_DETAIL = 'connection to server at "10.0.0.5" failed: SELECT password FROM users'


@pytest.fixture(autouse=True)
def _with_the_middleware(settings):
    if MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [settings.MIDDLEWARE[0], MIDDLEWARE, *settings.MIDDLEWARE[1:]]


def assert_bare_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "10.0.0.5" not in body
    assert "SELECT" not in body
    assert "Traceback" not in body


def test_a_database_error_in_a_view_is_a_503_page(client, fp_kz, caplog):
    client.force_login(fp_kz)
    failing = OperationalError(SECRET_DETAIL)
    with mock.patch("cica_portal.notice_views.Paginator", side_effect=failing):
        response = client.get("/notifications/")
    assert_bare_503(response)
    assert "temporarily unavailable" in response.content.decode()
    assert "Database unavailable on GET /notifications/" in caplog.text


def test_a_database_error_in_an_api_view_is_a_json_503(client, fp_kz):
    client.force_login(fp_kz)
    with mock.patch(
        "cica_portal.api_views.MemberStateList.get_queryset",
        side_effect=InterfaceError(SECRET_DETAIL),
    ):
        response = client.get("/api/v1/member-states/")
    assert_bare_503(response)
    assert response.json()["detail"].startswith("The service is temporarily unavailable")


def test_a_database_error_in_a_middleware_is_a_503_too(client, fp_kz):
    client.raise_request_exception = False  # the server, unlike the test client, answers
    client.force_login(fp_kz)
    with mock.patch(
        "cica_portal.twofactor.needs_verification", side_effect=OperationalError(SECRET_DETAIL)
    ):
        response = client.get("/notifications/")
    assert_bare_503(response)


def test_other_errors_stay_500(client, fp_kz):
    client.raise_request_exception = False
    client.force_login(fp_kz)
    with mock.patch("cica_portal.notice_views.Paginator", side_effect=ValueError("bug")):
        assert client.get("/notifications/").status_code == 500
