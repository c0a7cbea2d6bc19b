"""People are written to in the language they chose, whoever caused the notice."""

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_lazy

from cica_portal import approvals, notifications
from cica_portal.models import Notification, State
from tests.exchange import factories

pytestmark = pytest.mark.django_db


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def test_each_approver_reads_the_consent_request_in_their_own_language(
    fp_kz, approver_kz, approver_ru
):
    approver_ru.language = "ru"
    approver_ru.save()
    with translation.override("en"):  # the author works in English
        share = factories.pending(fp_kz)
    key = f"approval:{share.approval_id}:v1:asked"
    asked = "Your state's answer is asked: %(title)s"
    russian = Notification.objects.get(key=key, recipient=approver_ru)
    english = Notification.objects.get(key=key, recipient=approver_kz)
    # The request's title too is in each reader's language (written in both).
    assert russian.subject == _in("ru", asked) % {"title": share.approval.title_ru}
    assert english.subject == _in("en", asked) % {"title": share.approval.title_en}
    assert russian.subject != english.subject


def test_reminders_sent_in_a_batch_follow_each_recipients_language(fp_kz, approver_ru):
    approver_ru.language = "ru"
    approver_ru.save()
    share = factories.pending(fp_kz)
    approvals.remind_pending_answers(now=share.approval.deadline - approvals.REMIND_BEFORE / 2)
    notice = Notification.objects.get(recipient=approver_ru, key__endswith=":reminder")
    due = _in("ru", "Reminder: your state's answer is due: %(title)s")
    assert notice.subject == due % {"title": share.approval.title_ru}


def test_a_state_name_in_a_notice_is_in_the_recipients_language(fp_kz, secretariat):
    secretariat.language = "ru"
    secretariat.save()
    kz = State.objects.get(code="KZ")
    notice = notifications.Notice("%(state)s", "%(state)s", {"state": kz.in_their_language("name")})
    notifications.notify([secretariat], key="name-test", notice=notice)
    assert Notification.objects.get(key="name-test").subject == kz.name_ru


def test_the_email_is_in_the_recipients_language(fp_kz):
    fp_kz.language = "ru"
    fp_kz.save()
    (notice,) = notifications.notify(
        [fp_kz], key="email-test", notice=notifications.Notice(gettext_lazy("Notifications"), "B")
    )
    notifications.email_notification(notice.pk)
    assert mail.outbox[0].subject == f"[CICA] {_in('ru', 'Notifications')}"


def test_the_language_switcher_remembers_the_choice_on_the_account(client, fp_kz):
    client.force_login(fp_kz)
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert response.status_code == 302
    fp_kz.refresh_from_db()
    assert fp_kz.language == "ru"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    fp_kz.refresh_from_db()
    assert fp_kz.language == "ru"


def test_the_language_switcher_still_works_before_login(client):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "ru"
