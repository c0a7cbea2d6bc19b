"""The API list's exact `count`, kept under the asker's visibility scopes: never stale."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchange import scopes, services
from exchange.models import Share
from tests.exchange import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/exchange/shares/"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def count(api_client, user, **params) -> int:
    api_client.force_authenticate(user)
    response = api_client.get(URL, params)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["results"])  # one page here: the count is what is listed
    return body["count"]


def count_queries(api_client, user, **params) -> int:
    api_client.force_authenticate(user)
    with CaptureQueriesContext(connection) as queries:
        assert api_client.get(URL, params).status_code == 200
    return sum("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


def test_a_repeated_list_takes_its_count_from_the_cache(
    api_client, fp_kz, approver_kz, approver_ru
):
    factories.released(fp_kz, [approver_kz, approver_ru])
    assert count_queries(api_client, fp_kz) == 1
    assert count_queries(api_client, fp_kz) == 0


def test_a_release_and_a_withdrawal_change_the_recipients_count_at_once(
    api_client, fp_kz, approver_kz, approver_ru, fp_cn
):
    assert count(api_client, fp_cn, box="received") == 0
    assert count(api_client, fp_cn) == 0
    share = factories.released(fp_kz, [approver_kz, approver_ru])
    assert count(api_client, fp_cn, box="received") == 1
    assert count(api_client, fp_cn) == 1
    services.withdraw_share(share, actor=fp_kz)
    assert count(api_client, fp_cn, box="received") == 0
    assert count(api_client, fp_cn) == 0


def test_an_approver_removed_from_the_concerned_states_counts_it_no_more(
    api_client, fp_kz, approver_ru, approver_uz
):
    share = factories.pending(fp_kz, concerned=("RU",))
    assert count(api_client, approver_ru, box="asked") == 1
    assert count(api_client, approver_uz, box="asked") == 0
    services.update_share(share, actor=fp_kz, concerned_states=factories.codes("UZ"))
    assert count(api_client, approver_ru, box="asked") == 0
    assert count(api_client, approver_uz, box="asked") == 1


def test_a_deleted_draft_leaves_the_count(api_client, fp_kz):
    share = factories.draft(fp_kz)
    assert count(api_client, fp_kz, box="mine") == 1
    services.delete_draft(share, by=fp_kz)
    assert count(api_client, fp_kz, box="mine") == 0


def test_a_filter_is_counted_on_its_own(api_client, fp_kz, approver_kz, approver_ru):
    factories.draft(fp_kz)
    factories.released(fp_kz, [approver_kz, approver_ru])
    assert count(api_client, fp_kz) == 2
    assert count(api_client, fp_kz, status=Share.Status.DRAFT) == 1
    assert count(api_client, fp_kz, status=Share.Status.RELEASED) == 1


def test_a_change_in_another_state_keeps_this_states_count(
    api_client, fp_kz, fp_cn, approver_kz, approver_ru
):
    factories.draft(fp_cn)
    assert count_queries(api_client, fp_cn, box="mine") == 1
    factories.released(fp_kz, [approver_kz, approver_ru], recipients=("TR",))  # not China's
    assert count_queries(api_client, fp_cn, box="mine") == 0


def test_a_generation_only_grows(db, fp_kz):
    share = factories.draft(fp_kz)
    scope = scopes.state_scope(fp_kz.state_id)

    def generation() -> int:
        return scopes.ScopeGeneration.objects.get(scope=scope).generation

    before = generation()
    services.update_share(share, actor=fp_kz, title="Another title")
    after = generation()
    services.delete_draft(share, by=fp_kz)
    assert before < after < generation()


def test_a_page_number_has_the_same_count(api_client, fp_kz):
    for _ in range(3):
        factories.draft(fp_kz)
    assert count(api_client, fp_kz) == 3
    response = api_client.get(URL, {"page": 1})
    assert response.status_code == 200
    assert response.json()["count"] == 3


def test_the_dashboard_cards_follow_a_release_and_a_withdrawal_at_once(
    client, fp_kz, approver_kz, approver_ru, fp_cn
):
    def cards(user) -> str:
        client.force_login(user)
        return client.get("/").content.decode()

    assert "0 shares released to you" in cards(fp_cn)
    share = factories.released(fp_kz, [approver_kz, approver_ru])
    assert "1 share released to you" in cards(fp_cn)
    services.withdraw_share(share, actor=fp_kz)
    assert "0 shares released to you" in cards(fp_cn)


def test_an_approver_card_counts_what_waits_for_consent_after_an_answer(client, fp_kz, approver_ru):
    share = factories.pending(fp_kz, concerned=("RU",))
    client.force_login(approver_ru)
    assert "1 share waits for your state" in client.get("/").content.decode()
    factories.decide(share, approver=approver_ru, decision="decline")
    assert "0 shares wait for your state" in client.get("/").content.decode()


def test_a_page_number_past_the_deepest_served_is_a_400_naming_page(api_client, fp_kz):
    from cica_portal.pagination import MAX_PAGE

    factories.draft(fp_kz)
    api_client.force_authenticate(fp_kz)
    response = api_client.get(URL, {"page": MAX_PAGE + 1})
    assert response.status_code == 400
    assert "page" in response.json()
    assert api_client.get(URL, {"page": 1}).status_code == 200
