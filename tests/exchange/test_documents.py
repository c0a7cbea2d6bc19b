"""Lost and stolen documents: the check ignores case, spaces and dashes; duplicates are flagged."""

import pytest
from django.urls import reverse

from cica_portal.models import Notification
from exchange import services
from exchange.models import ShareRead
from exchange.validation import normalise_document_number
from tests.exchange import factories

pytestmark = pytest.mark.django_db
CHECK = "/api/v1/exchange/documents/check/"


@pytest.mark.parametrize(
    "typed", ["N 1234-567", "n1234567", " N-1234 567 ", "N–1234—567", "n 1 2 3 4 5 6 7"]
)
def test_the_number_is_normalised(typed):
    assert normalise_document_number(typed) == "N1234567"


@pytest.fixture
def notice(fp_kz, approver_kz):
    return factories.released(
        fp_kz,
        [approver_kz],
        slug="lost-stolen-document",
        concerned=(),
        recipients=("CN",),
        title="Stolen passport",
    )


def test_a_recipient_finds_a_released_notice(notice, fp_cn, api_client):
    api_client.force_authenticate(fp_cn)
    response = api_client.get(CHECK, {"number": "n-1234 567"})
    assert response.status_code == 200
    hits = response.json()["hits"]
    assert [hit["share"] for hit in hits] == [notice.pk]
    assert hits[0]["document_number"] == "N 1234-567"
    assert ShareRead.objects.filter(share=notice, user=fp_cn, via="check").exists()


def test_others_find_nothing(notice, fp_ru, api_client):
    api_client.force_authenticate(fp_ru)
    assert api_client.get(CHECK, {"number": "N1234567"}).json()["hits"] == []


def test_unreleased_or_withdrawn_notices_are_not_found(fp_kz, notice, fp_cn, api_client):
    services.withdraw_share(notice, actor=fp_kz)
    # Once withdrawn, the document may be reported again; until released, nobody finds it.
    factories.pending(fp_kz, slug="lost-stolen-document", concerned=(), recipients=("CN",))
    api_client.force_authenticate(fp_cn)
    assert api_client.get(CHECK, {"number": "N1234567"}).json()["hits"] == []


def test_an_empty_number_is_a_400(fp_cn, api_client):
    api_client.force_authenticate(fp_cn)
    assert api_client.get(CHECK, {"number": " - "}).status_code == 400


def test_the_check_page_shows_hits(notice, fp_cn, client):
    client.force_login(fp_cn)
    page = client.get(reverse("exchange:check"), {"number": "n1234567"}).content.decode()
    assert "Stolen passport" in page
    assert client.post(reverse("exchange:check")).status_code == 405
    assert client.get(reverse("exchange:check"), {"number": "Z9"}).status_code == 200


def test_two_states_passports_with_the_same_number_are_two_documents(
    notice, fp_ru, approver_ru, fp_cn, api_client
):
    ru_notice = factories.released(
        fp_ru,
        [approver_ru],
        slug="lost-stolen-document",
        content=factories.document_content("n1234567", issuing_state="RU"),
        concerned=(),
        recipients=("CN",),
    )
    # Keyed by issuing state: neither state is told of the other's notice any more.
    assert not Notification.objects.filter(key__startswith="exchange:document-match:").exists()
    api_client.force_authenticate(fp_cn)
    both = api_client.get(CHECK, {"number": "N1234567"}).json()["hits"]
    assert {hit["share_id"] for hit in both} == {notice.pk, ru_notice.pk}
    only_ru = api_client.get(CHECK, {"number": "N1234567", "issuing_state": "RU"}).json()["hits"]
    assert [hit["share_id"] for hit in only_ru] == [ru_notice.pk]
