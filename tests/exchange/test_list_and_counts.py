"""The list of shares: who sees a share after an edit, its columns, and the received count."""

import pytest
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from cica_portal import pagination
from exchange import selectors, services
from tests.exchange import factories

pytestmark = pytest.mark.django_db


def test_a_state_removed_from_the_concerned_states_no_longer_sees_the_share(
    client, fp_kz, approver_ru, approver_uz
):
    share = factories.pending(fp_kz, concerned=("RU",))
    assert share in selectors.visible_shares(approver_ru)
    client.force_login(approver_ru)
    asked = client.get(reverse("exchange:index"), {"box": "asked"})
    assert asked.context["page"].paginator.count == 1  # and now cached
    services.update_share(share, actor=fp_kz, concerned_states=factories.codes("UZ"))
    assert share not in selectors.visible_shares(approver_ru)
    assert share in selectors.visible_shares(approver_uz)
    assert client.get(share.get_absolute_url()).status_code == 404
    asked = client.get(reverse("exchange:index"), {"box": "asked"})
    assert asked.context["shares"] == [] and asked.context["page"].paginator.count == 0


def test_each_row_names_the_concerned_and_recipient_states(client, fp_kz):
    factories.draft(fp_kz, concerned=("UZ", "RU"), recipients=("CN", "TR"))
    client.force_login(fp_kz)
    response = client.get(reverse("exchange:index"))
    (row,) = response.context["shares"]
    assert (row.concerned_codes, row.recipient_codes) == (["RU", "UZ"], ["CN", "TR"])
    assert "RU, UZ" in response.content.decode() and "CN, TR" in response.content.decode()


def test_the_received_count_follows_a_release_and_a_withdrawal_at_once(
    client, fp_kz, approver_kz, approver_ru, fp_cn
):
    client.force_login(fp_cn)
    received = {"box": "received"}
    assert client.get(reverse("exchange:index"), received).context["page"].paginator.count == 0
    share = factories.released(fp_kz, [approver_kz, approver_ru])
    response = client.get(reverse("exchange:index"), received)
    assert response.context["page"].paginator.count == 1
    assert [row.pk for row in response.context["shares"]] == [share.pk]
    services.withdraw_share(share, actor=fp_kz)
    response = client.get(reverse("exchange:index"), received)
    assert response.context["page"].paginator.count == 0 and response.context["shares"] == []


def test_the_list_counts_without_its_cache(
    client, fp_kz, approver_kz, approver_ru, fp_cn, monkeypatch
):
    factories.released(fp_kz, [approver_kz, approver_ru])

    class RedisDown:
        def get(self, *args, **kwargs):
            raise RedisConnectionError("Connection refused")

        set = get

    monkeypatch.setattr(pagination, "cache", RedisDown())
    client.force_login(fp_cn)
    response = client.get(reverse("exchange:index"), {"box": "received"})
    assert response.status_code == 200 and response.context["page"].paginator.count == 1


def test_a_box_that_cannot_hold_anything_counts_zero(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)  # a focal point is never asked for consent
    response = api_client.get("/api/v1/exchange/shares/", {"box": "asked"})
    assert response.status_code == 200 and response.json()["count"] == 0
