"""Recall with receipts: a withdrawal asks for a reason, every recipient state confirms that its
copies are removed (reminded daily until it does), and the originator sees who read what and
which states have confirmed."""

from datetime import timedelta

import pytest
from django.urls import reverse

from exchange import services
from exchange.models import Share, ShareRead, WithdrawalReceipt
from tests.exchange import factories
from tests.factories import FocalPointUserFactory, state

pytestmark = pytest.mark.django_db
SHARES = "/api/v1/exchange/shares/"


@pytest.fixture
def fp_uz(db):
    return FocalPointUserFactory(username="fp-uz", state=state("UZ"))


@pytest.fixture
def released(fp_kz, approver_kz, approver_ru):
    return factories.released(fp_kz, [approver_kz, approver_ru], recipients=("CN", "UZ"))


def _withdraw(share, actor):
    return services.withdraw_share(share, actor=actor, reason="Sent to the wrong states.")


def _receipt(share, code):
    return WithdrawalReceipt.objects.get(share=share, state__code=code)


def test_the_page_asks_for_a_reason_before_it_withdraws(client, fp_kz, released):
    client.force_login(fp_kz)
    url = reverse("exchange:withdraw", args=[released.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    assert "China" in page.content.decode()  # the states that will be asked for a receipt
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert refused.context["form"].errors["reason"]
    released.refresh_from_db()
    assert released.status == Share.Status.RELEASED
    assert not WithdrawalReceipt.objects.exists()
    done = client.post(url, {"reason": "Sent to the wrong states."})
    assert done.status_code == 302
    released.refresh_from_db()
    assert released.status == Share.Status.WITHDRAWN
    assert released.transitions.last().note == "Sent to the wrong states."


def test_the_api_refuses_a_withdrawal_without_a_reason(api_client, fp_kz, released):
    api_client.force_authenticate(fp_kz)
    refused = api_client.post(f"{SHARES}{released.pk}/withdraw/", {}, format="json")
    assert refused.status_code == 400
    assert "reason" in refused.json()
    released.refresh_from_db()
    assert released.status == Share.Status.RELEASED
    assert not WithdrawalReceipt.objects.exists()
    done = api_client.post(f"{SHARES}{released.pk}/withdraw/", {"reason": "Wrong states."})
    assert done.status_code == 200
    assert done.json()["status"] == "withdrawn"


def test_a_recipient_without_the_right_is_refused_before_the_reason_is_asked(
    api_client, fp_cn, released
):
    api_client.force_authenticate(fp_cn)
    assert api_client.post(f"{SHARES}{released.pk}/withdraw/", {}).status_code == 403


def test_each_recipient_state_gets_one_receipt_and_its_people_are_told(
    fp_kz, fp_cn, approver_cn, fp_uz, approver_ru, released
):
    _withdraw(released, fp_kz)
    receipts = WithdrawalReceipt.objects.filter(share=released)
    assert sorted(receipts.values_list("state__code", flat=True)) == ["CN", "UZ"]
    cn = _receipt(released, "CN")
    for user in (fp_cn, approver_cn):
        notice = user.notifications.get(key=f"exchange:share:{released.pk}:withdrawn")
        assert notice.url == cn.get_absolute_url()
        assert "confirm" in notice.body
    uz_notice = fp_uz.notifications.get(key=f"exchange:share:{released.pk}:withdrawn")
    assert uz_notice.url == _receipt(released, "UZ").get_absolute_url()
    # A concerned state that is not a recipient kept no copy: told, but asked for no receipt.
    assert approver_ru.notifications.filter(key__endswith=":withdrawn").get().url == ""


def test_a_share_never_released_asks_nobody_for_a_receipt(fp_kz):
    share = factories.pending(fp_kz, recipients=("CN",))
    _withdraw(share, fp_kz)
    assert not WithdrawalReceipt.objects.exists()


def test_only_the_recipient_state_sees_and_gives_its_receipt(
    client, fp_kz, fp_cn, fp_uz, approver_ru, released
):
    _withdraw(released, fp_kz)
    url = reverse("exchange:receipt", args=[_receipt(released, "CN").pk])
    for outsider in (fp_kz, fp_uz, approver_ru):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert _receipt(released, "CN").acknowledged_at is None
    client.force_login(fp_cn)
    page = client.get(url)
    assert page.status_code == 200
    assert "Our copies are removed" in page.content.decode()
    assert released.content["modus_operandi"] not in page.content.decode()
    assert client.post(url).status_code == 302
    receipt = _receipt(released, "CN")
    assert receipt.acknowledged_by == fp_cn
    assert _receipt(released, "UZ").acknowledged_at is None


def test_a_second_acknowledgement_changes_nothing_and_says_so(
    client, api_client, fp_kz, fp_cn, approver_cn, released
):
    _withdraw(released, fp_kz)
    receipt = _receipt(released, "CN")
    url = reverse("exchange:receipt", args=[receipt.pk])
    client.force_login(fp_cn)
    client.post(url)
    first = _receipt(released, "CN").acknowledged_at
    again = client.post(url, follow=True)
    assert "already confirmed" in again.content.decode()
    api_client.force_authenticate(approver_cn)
    response = api_client.post(f"/api/v1/exchange/receipts/{receipt.pk}/acknowledge/")
    assert response.status_code == 200
    assert response.json()["already_acknowledged"] is True
    assert response.json()["acknowledged_by"] == "fp-cn"
    receipt.refresh_from_db()
    assert receipt.acknowledged_at == first
    assert receipt.acknowledged_by == fp_cn


def test_the_api_acknowledges_for_the_right_state_only(api_client, fp_kz, fp_cn, fp_uz, released):
    _withdraw(released, fp_kz)
    receipt = _receipt(released, "CN")
    path = f"/api/v1/exchange/receipts/{receipt.pk}/acknowledge/"
    for outsider in (fp_uz, fp_kz):
        api_client.force_authenticate(outsider)
        assert api_client.post(path).status_code == 404
    api_client.force_authenticate(fp_cn)
    response = api_client.post(path)
    assert response.status_code == 200
    assert response.json()["already_acknowledged"] is False
    assert response.json()["state"] == "CN"


def test_an_unacknowledged_state_is_reminded_once_a_day(fp_kz, fp_cn, fp_uz, released):
    _withdraw(released, fp_kz)
    created = _receipt(released, "CN").created_at
    tomorrow = created + timedelta(days=1)
    assert services.remind_withdrawal_receipts(now=created + timedelta(hours=1)) == 0
    assert services.remind_withdrawal_receipts(now=tomorrow) == 2  # fp-cn and fp-uz
    assert services.remind_withdrawal_receipts(now=tomorrow + timedelta(hours=2)) == 0
    reminder = fp_cn.notifications.get(key__contains=":reminder:")
    assert reminder.url == _receipt(released, "CN").get_absolute_url()
    services.acknowledge_withdrawal(_receipt(released, "CN"), by=fp_cn)
    next_day = tomorrow + timedelta(days=1, minutes=-5)  # a beat a little early is still daily
    assert services.remind_withdrawal_receipts(now=next_day) == 1
    assert fp_cn.notifications.filter(key__contains=":reminder:").count() == 1
    assert fp_uz.notifications.filter(key__contains=":reminder:").count() == 2


def test_a_reminder_already_claimed_is_not_sent_twice(fp_kz, released):
    _withdraw(released, fp_kz)
    receipt = _receipt(released, "CN")
    now = receipt.created_at + timedelta(days=1)
    # Another beat claimed it between this one's read and its UPDATE: the UPDATE changes nothing.
    WithdrawalReceipt.objects.filter(pk=receipt.pk).update(last_reminded_at=now)
    assert services._remind_receipt(receipt.pk, None, now) == 0


def test_the_originator_sees_per_state_who_read_it_and_who_confirmed(
    client, fp_kz, fp_cn, fp_uz, released
):
    services.record_read(released, user=fp_cn, via=ShareRead.Via.PAGE)
    services.export_share(released, user=fp_cn, purpose="intelligence")
    _withdraw(released, fp_kz)
    services.acknowledge_withdrawal(_receipt(released, "CN"), by=fp_cn)
    client.force_login(fp_kz)
    response = client.get(released.get_absolute_url())
    rows = {row["state"].code: row for row in response.context["recipients_table"]}
    assert sorted(rows) == ["CN", "UZ"]
    assert sorted(r.via for r in rows["CN"]["reads"]) == ["export", "page"]
    assert rows["UZ"]["reads"] == []
    assert rows["CN"]["receipt"].acknowledged_by == fp_cn
    assert rows["UZ"]["receipt"].acknowledged_at is None
    page = response.content.decode()
    assert "Not yet: reminded daily" in page
    assert "Export" in page


def test_a_recipient_does_not_see_other_states_reads(
    client, api_client, fp_kz, fp_cn, fp_uz, released
):
    services.record_read(released, user=fp_uz, via=ShareRead.Via.PAGE)
    client.force_login(fp_cn)
    response = client.get(released.get_absolute_url())
    assert response.context["recipients_table"] is None
    assert response.context["reads"] is None
    assert "fp-uz" not in response.content.decode()
    api_client.force_authenticate(fp_cn)
    assert api_client.get(f"{SHARES}{released.pk}/").json()["withdrawal_receipts"] is None


def test_the_api_shows_the_originator_each_states_receipt(api_client, fp_kz, fp_cn, released):
    _withdraw(released, fp_kz)
    services.acknowledge_withdrawal(_receipt(released, "CN"), by=fp_cn)
    api_client.force_authenticate(fp_kz)
    receipts = api_client.get(f"{SHARES}{released.pk}/").json()["withdrawal_receipts"]
    by_state = {r["state"]: r for r in receipts}
    assert by_state["CN"]["acknowledged_by"] == "fp-cn"
    assert by_state["UZ"]["acknowledged_at"] is None
