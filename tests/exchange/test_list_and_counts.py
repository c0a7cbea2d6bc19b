"""The list of shares: who sees a share after an edit or a withdrawal, its columns, no cache."""

import re

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse

from exchange import selectors, services
from tests.exchange import factories

pytestmark = pytest.mark.django_db


def listed(client, **params) -> tuple[int, list[int]]:
    """The count the list page shows and the ids of the shares in its rows."""
    response = client.get(reverse("exchange:index"), params)
    assert response.status_code == 200
    ids = [int(pk) for pk in re.findall(r'href="/exchange/(\d+)/"', response.content.decode())]
    return response.context["count"], ids


def test_a_state_removed_from_the_concerned_states_no_longer_sees_the_share(
    client, fp_kz, approver_ru, approver_uz
):
    share = factories.pending(fp_kz, concerned=("RU",))
    assert share in selectors.visible_shares(approver_ru)
    client.force_login(approver_ru)
    assert listed(client, box="asked") == (1, [share.pk])
    services.update_share(share, actor=fp_kz, concerned_states=factories.codes("UZ"))
    assert share not in selectors.visible_shares(approver_ru)
    assert share in selectors.visible_shares(approver_uz)
    assert client.get(share.get_absolute_url()).status_code == 404
    assert listed(client, box="asked") == (0, [])


def test_each_row_names_the_concerned_and_recipient_states(client, fp_kz):
    share = factories.draft(fp_kz, concerned=("UZ", "RU"), recipients=("CN", "TR"))
    client.force_login(fp_kz)
    (row,) = selectors.attach_state_codes([share])
    assert (row.concerned_codes, row.recipient_codes) == (["RU", "UZ"], ["CN", "TR"])
    page = client.get(reverse("exchange:index")).content.decode()
    assert "RU, UZ" in page
    assert "CN, TR" in page


def test_the_received_list_follows_a_release_and_a_withdrawal_at_once(
    client, fp_kz, approver_kz, approver_ru, fp_cn
):
    client.force_login(fp_cn)
    assert listed(client, box="received") == (0, [])
    share = factories.released(fp_kz, [approver_kz, approver_ru])
    assert listed(client, box="received") == (1, [share.pk])
    services.withdraw_share(share, actor=fp_kz)
    assert listed(client, box="received") == (0, [])


def test_a_user_moved_to_another_state_loses_the_rows_at_once(
    client, fp_kz, approver_kz, approver_ru, fp_cn, ru
):
    share = factories.released(fp_kz, [approver_kz, approver_ru])
    client.force_login(fp_cn)
    assert listed(client, box="received") == (1, [share.pk])
    fp_cn.state = ru  # the exchange group follows the state (exchange.signals)
    fp_cn.save()
    assert listed(client, box="received") == (0, [])


def test_no_share_title_or_row_reaches_a_cache(
    client, fp_kz, approver_kz, approver_ru, fp_cn, monkeypatch
):
    share = factories.released(fp_kz, [approver_kz, approver_ru], title="Route MARK-TITLE-1")
    stored = []
    for name in ("set", "add", "set_many"):
        original = getattr(LocMemCache, name)

        def recording(self, *args, _original=original, **kwargs):
            stored.append(repr(args))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(LocMemCache, name, recording)
    client.force_login(fp_cn)
    assert listed(client, box="received") == (1, [share.pk])
    client.get(reverse("home"))
    assert not any("MARK-TITLE-1" in value for value in stored)


def test_a_box_that_cannot_hold_anything_counts_zero(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)  # a focal point is never asked for consent
    response = api_client.get("/api/v1/exchange/shares/", {"box": "asked"})
    assert response.status_code == 200
    assert response.json()["count"] == 0
