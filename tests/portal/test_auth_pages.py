"""Login, logout, password change and reset, and the layout each role sees."""

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_the_login_page_is_served_with_the_local_stylesheet(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"/static/css/portal.css" in response.content


def test_pages_require_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_focal_point_logs_in_and_sees_their_state(client, fp_kz):
    from tests.factories import TEST_PASSWORD

    response = client.post(
        "/accounts/login/", {"username": "fp-kz", "password": TEST_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert "Kazakhstan" in response.content.decode()


def test_a_wrong_password_is_refused_with_a_message(client, fp_kz):
    response = client.post("/accounts/login/", {"username": "fp-kz", "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_the_navigation_fits_the_role(client, fp_kz, approver_kz, secretariat):
    client.force_login(fp_kz)
    page = client.get("/").content.decode()
    assert "Approvals inbox" not in page
    assert "Administration" not in page
    client.force_login(approver_kz)
    assert "Approvals inbox" in client.get("/").content.decode()
    client.force_login(secretariat)
    assert "Administration" in client.get("/").content.decode()


def test_password_reset_does_not_reveal_whether_an_account_exists(client, fp_kz):
    fp_kz.email = "fp@kz.example"
    fp_kz.save()
    known = client.post("/accounts/password_reset/", {"email": "fp@kz.example"})
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1


def test_logout_is_a_post(client, fp_kz):
    client.force_login(fp_kz)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302
