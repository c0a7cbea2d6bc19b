"""Each person chooses, per kind of notice, how it reaches them; what needs action is always
emailed at once; a kind nobody registered behaves as it always did."""

import time
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from cica_portal import notice_kinds, notice_preferences, notifications
from cica_portal.errors import DomainError
from cica_portal.models import AuditRecord, NoticePreference, Notification, OutboxMessage

pytestmark = pytest.mark.django_db

RELEASED = "exchange:share:41:released"  # exchange.released: a kind a person may hold back
ASKED = "approval:7:v1:asked"  # approvals.asked: needs the approver's answer


def _notify(user, key, url="/exchange/shares/41/"):
    return notifications.notify([user], key=key, notice=notifications.Notice("S", "B"), url=url)


def _emails_queued_for(notice):
    return OutboxMessage.objects.filter(
        task_name="cica_portal.email_notification", args=[notice.pk]
    ).count()


def test_it_knows_the_kind_of_each_key_the_apps_write():
    assert notice_kinds.for_key(RELEASED).name == "exchange.released"
    assert notice_kinds.for_key(ASKED).needs_action is True
    assert notice_kinds.for_key("meetings:training:3:submitted").name == (
        "meetings.training_submitted"
    )
    assert notice_kinds.for_key("meetings:training:3:approved").name == "meetings.training_decided"
    assert notice_kinds.for_key("review:2026:report-missing:KZ:7").needs_action is True
    assert notice_kinds.for_key("something-another-helper-adds:1") is None


def test_an_unregistered_kind_is_still_emailed_at_once(fp_kz):
    NoticePreference.objects.create(user=fp_kz, kind="exchange.released", delivery="portal")
    (notice,) = _notify(fp_kz, "something-another-helper-adds:9", url="/elsewhere/9/")
    assert notice.kind == ""
    assert notice.email_status == "pending"
    assert _emails_queued_for(notice) == 1


def test_a_person_who_chose_a_daily_digest_gets_no_email_at_once(fp_kz):
    notice_preferences.set_notice_preference(fp_kz, "exchange.released", "daily", by=fp_kz)
    (notice,) = _notify(fp_kz, RELEASED)
    assert notice.kind == "exchange.released"
    assert notice.email_status == "daily"
    assert _emails_queued_for(notice) == 0
    assert notifications.sweep_unsent_emails() == 0  # the sweep does not send it either


def test_portal_only_is_never_emailed_but_is_in_the_portal(fp_kz, client):
    notice_preferences.set_notice_preference(fp_kz, "exchange.released", "portal", by=fp_kz)
    (notice,) = _notify(fp_kz, RELEASED)
    assert notice.email_status == "portal"
    assert notifications.email_notification(notice.pk) is False
    client.force_login(fp_kz)
    assert notice.subject in client.get(reverse("notifications")).content.decode()


def test_what_needs_action_is_emailed_at_once_whatever_was_stored(approver_kz):
    # Even a row written behind the service's back cannot hold a consent request for a digest.
    NoticePreference.objects.create(user=approver_kz, kind="approvals.asked", delivery="weekly")
    (notice,) = _notify(approver_kz, ASKED, url="/approvals/7/")
    assert notice.email_status == "pending"
    assert _emails_queued_for(notice) == 1


def test_the_service_refuses_to_hold_back_what_needs_action(approver_kz):
    with pytest.raises(DomainError) as refused:
        notice_preferences.set_notice_preference(
            approver_kz, "approvals.asked", "daily", by=approver_kz
        )
    assert refused.value.field == "delivery"
    assert not NoticePreference.objects.exists()


def test_nobody_sets_another_persons_choices_but_the_secretariat(fp_kz, fp_ru, secretariat):
    with pytest.raises(DomainError):
        notice_preferences.set_notice_preference(fp_kz, "exchange.released", "daily", by=fp_ru)
    assert notice_preferences.set_notice_preference(
        fp_kz, "exchange.released", "daily", by=secretariat
    )
    record = AuditRecord.objects.get(action="notifications.preference_changed")
    assert record.data == {"kind": "exchange.released", "before": "immediate", "after": "daily"}


def test_the_preferences_page_saves_each_choice(fp_kz, client):
    client.force_login(fp_kz)
    page = client.get(reverse("notice-preferences"))
    assert page.status_code == 200
    assert "Information released or passed on to your state" in page.content.decode()
    form = page.context["form"]
    data = {name: "immediate" for name in form.fields}
    data["exchange.released"] = "weekly"
    data["meetings.upcoming"] = "portal"
    response = client.post(reverse("notice-preferences"), data)
    assert response.status_code == 302
    assert dict(fp_kz.notice_preferences.values_list("kind", "delivery")) == {
        "exchange.released": "weekly",
        "meetings.upcoming": "portal",
    }


def test_the_preferences_page_offers_no_choice_for_what_needs_action(fp_kz, client):
    client.force_login(fp_kz)
    form = client.get(reverse("notice-preferences")).context["form"]
    assert "approvals.asked" not in form.fields
    assert "approvals.asked" in {kind.name for kind in form.fixed}
    response = client.post(reverse("notice-preferences"), {"approvals.asked": "portal"})
    assert response.status_code == 302  # an unknown field is ignored, nothing stored
    assert not NoticePreference.objects.filter(kind="approvals.asked").exists()


def test_a_bad_choice_is_a_form_error_naming_the_field(fp_kz, client):
    client.force_login(fp_kz)
    response = client.post(reverse("notice-preferences"), {"exchange.released": "hourly"})
    assert response.status_code == 400
    assert "exchange.released" in response.context["form"].errors
    assert not NoticePreference.objects.exists()


def test_the_preferences_page_needs_a_login(client):
    response = client.get(reverse("notice-preferences"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_secretariat_sets_a_choice_in_the_admin_through_the_service(fp_kz, client):
    from tests.factories import SecretariatAdminFactory

    staff = SecretariatAdminFactory(username="sec-admin")
    client.force_login(staff)
    response = client.post(
        reverse("admin:cica_portal_noticepreference_add"),
        {"user": fp_kz.pk, "kind": "exchange.released", "delivery": "daily"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert fp_kz.notice_preferences.get().delivery == "daily"
    assert AuditRecord.objects.filter(
        action="notifications.preference_changed", actor=staff
    ).exists()


def test_a_focal_point_cannot_open_the_preferences_admin(fp_kz, client):
    fp_kz.is_staff = True
    fp_kz.save()
    client.force_login(fp_kz)
    response = client.get(reverse("admin:cica_portal_noticepreference_changelist"))
    assert response.status_code in (302, 403)


# --- the unsubscribe link: no login, cannot be forged ---------------------------------------


def test_the_unsubscribe_link_asks_on_get_and_applies_on_post(fp_kz, client):
    token = notice_preferences.unsubscribe_token(fp_kz, "exchange.released")
    url = reverse("notice-unsubscribe", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Information released or passed on to your state" in page.content.decode()
    assert not NoticePreference.objects.exists()  # a mail scanner's GET changes nothing
    assert client.post(url).status_code == 200
    assert fp_kz.notice_preferences.get(kind="exchange.released").delivery == "portal"


def test_a_forged_unsubscribe_token_is_refused(fp_kz, fp_ru, client):
    token = notice_preferences.unsubscribe_token(fp_kz, "exchange.released")
    value, _sep, signature = token.rpartition(":")
    forged = f"{value}:{'A' * len(signature)}"
    # Another person's id in a token signed for another purpose is no good either.
    from django.core import signing

    other_salt = signing.dumps({"u": fp_ru.pk, "k": "exchange.released"}, salt="elsewhere")
    for bad in (forged, other_salt, "nonsense"):
        response = client.post(reverse("notice-unsubscribe", args=[bad]))
        assert response.status_code == 400
    assert not NoticePreference.objects.exists()


def test_an_expired_unsubscribe_token_is_refused(fp_kz, client, settings):
    settings.NOTICE_UNSUBSCRIBE_MAX_AGE_DAYS = 60
    token = notice_preferences.unsubscribe_token(fp_kz, "exchange.released")
    later = time.time() + 61 * 86400
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(reverse("notice-unsubscribe", args=[token]))
    assert response.status_code == 400
    assert not NoticePreference.objects.exists()


def test_no_link_unsubscribes_from_what_needs_action(approver_kz, client):
    token = notice_preferences.unsubscribe_token(approver_kz, "approvals.asked")
    response = client.post(reverse("notice-unsubscribe", args=[token]))
    assert response.status_code == 400
    assert not NoticePreference.objects.exists()


def test_the_unsubscribe_link_is_refused_for_a_deactivated_person(fp_kz, client):
    token = notice_preferences.unsubscribe_token(fp_kz, "exchange.released")
    fp_kz.is_active = False
    fp_kz.save()
    assert client.post(reverse("notice-unsubscribe", args=[token])).status_code == 400
    assert not Notification.objects.exists()


def test_an_email_at_once_carries_a_one_click_unsubscribe_for_its_kind(fp_kz, client):
    (notice,) = _notify(fp_kz, RELEASED)
    assert notifications.email_notification(notice.pk)
    headers = mail.outbox[-1].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("http")
    assert "/account/notifications/unsubscribe/" in url
    # What a mail client does (RFC 8058): a POST without cookies, CSRF token or login.
    strict = Client(enforce_csrf_checks=True)
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = strict.post(f"/{path}", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NoticePreference.objects.get(user=fp_kz, kind="exchange.released").delivery == "portal"


def test_what_needs_action_is_emailed_without_an_unsubscribe_header(approver_kz):
    (notice,) = _notify(approver_kz, ASKED, url="/approvals/7/")
    assert notifications.email_notification(notice.pk)
    assert "List-Unsubscribe" not in mail.outbox[-1].extra_headers
