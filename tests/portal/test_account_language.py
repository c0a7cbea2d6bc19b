"""The language a person chose on their account is theirs from the next login on."""

import pytest
from django.conf import settings

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _log_in(client, username):
    return client.post(
        "/accounts/login/", {"username": username, "password": TEST_PASSWORD}, follow=True
    )


def test_it_speaks_the_accounts_language_from_the_login_on(client, fp_kz):
    fp_kz.language = "ru"
    fp_kz.save(update_fields=["language"])
    page = _log_in(client, "fp-kz")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert page.status_code == 200
    assert '<html lang="ru"' in page.content.decode()


def test_the_account_wins_over_a_language_left_in_the_browser(client, fp_kz):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = _log_in(client, "fp-kz")  # fp-kz chose English
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en"' in page.content.decode()


def test_a_choice_made_while_signed_in_is_kept_for_the_next_login(client, fp_kz):
    _log_in(client, "fp-kz")
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    client.post("/accounts/logout/")
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    page = _log_in(client, "fp-kz")
    assert '<html lang="ru"' in page.content.decode()


def test_a_failed_login_changes_no_language(client, fp_kz):
    fp_kz.language = "ru"
    fp_kz.save(update_fields=["language"])
    client.post("/accounts/login/", {"username": "fp-kz", "password": "wrong"})
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def test_a_language_chosen_on_the_login_page_becomes_the_accounts(client, fp_kz):
    client.post("/i18n/setlang/", {"language": "ru", "next": "/accounts/login/"})
    page = _log_in(client, "fp-kz")
    assert '<html lang="ru"' in page.content.decode()
    fp_kz.refresh_from_db()
    assert fp_kz.language == "ru"
