"""The language a person chose applies from their next login on, in pages and in emails."""

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format

from cica_portal import notifications
from cica_portal.models import Notification
from tests.exchange import factories
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _in_russian(text: str) -> str:
    with translation.override("ru"):
        return translation.gettext(text)


def test_a_fresh_login_speaks_the_profiles_language_on_the_first_page(client, fp_kz):
    fp_kz.language = "ru"
    fp_kz.save(update_fields=["language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # left in the browser by someone else
    response = client.post(
        "/accounts/login/", {"username": "fp-kz", "password": TEST_PASSWORD}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain  # the login went through
    assert '<html lang="ru"' in page
    assert _in_russian("Information exchange") in page
    # and the next page too, without choosing anything again
    assert '<html lang="ru"' in client.get("/exchange/").content.decode()


def test_the_email_to_that_person_is_in_their_language(client, fp_kz, approver_ru):
    approver_ru.language = "ru"
    approver_ru.save(update_fields=["language"])
    client.post("/accounts/login/", {"username": "approver-ru", "password": TEST_PASSWORD})
    with translation.override("en"):  # the author works in English
        share = factories.pending(fp_kz)
    notice = Notification.objects.get(recipient=approver_ru, key__endswith=":asked")
    notifications.email_notification(notice.pk)
    email = mail.outbox[-1]
    # The request's title is written in both languages; the Russian reader reads the Russian.
    asked = _in_russian("Your state's answer is asked: %(title)s") % {
        "title": share.approval.title_ru
    }
    assert email.subject == f"[CICA] {asked}"
    with translation.override("ru"):
        deadline = date_format(timezone.localtime(share.approval.deadline), "DATETIME_FORMAT")
    assert deadline in email.body
