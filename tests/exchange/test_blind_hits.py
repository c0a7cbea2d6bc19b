"""Blind hit / no hit, as Prüm does it: a state the notice was not released to learns only that
there is a hit, its reference and whom to contact; the issuing state decides on its release."""

import pytest
from django.urls import reverse

from cica_portal import approvals
from cica_portal.models import Notification
from exchange import document_services, services
from exchange.models import DocumentHit, ReshareRequest, Share
from tests.exchange import factories

pytestmark = pytest.mark.django_db
CHECK = "/api/v1/exchange/documents/check/"


@pytest.fixture
def notice(fp_kz, approver_kz):
    share = factories.released(
        fp_kz,
        [approver_kz],
        slug="lost-stolen-document",
        concerned=(),
        recipients=("CN",),
        title="Passport stolen in Almaty",
        content=factories.document_content("N12345678", place_lost_or_stolen="Almaty"),
    )
    return share


def test_without_the_issuers_leave_a_state_learns_nothing(notice, fp_ru, api_client):
    api_client.force_authenticate(fp_ru)
    body = api_client.get(CHECK, {"number": "N12345678"}).json()
    assert body["hits"] == body["blind_hits"] == body["possible_hits"] == []
    assert not DocumentHit.objects.exists()


def test_a_blind_hit_says_only_hit_reference_and_whom_to_contact(notice, fp_kz, fp_ru, api_client):
    document_services.change_notice(notice.document_notice, by=fp_kz, checkable_by_all=True)
    api_client.force_authenticate(fp_ru)
    response = api_client.get(CHECK, {"number": "N12345678"})
    body = response.json()
    assert body["hits"] == []
    assert body["possible_hits"] == []
    [blind] = body["blind_hits"]
    assert set(blind) == {"reference", "hit", "issuing_state", "message"}
    assert (blind["reference"], blind["issuing_state"]) == (notice.pk, "KZ")
    text = response.content.decode()
    for secret in ("Almaty", "Passport stolen", "2026-05-02", "Stolen"):
        assert secret not in text
    hit = DocumentHit.objects.get()
    assert hit.blind
    assert hit.checked_by_state.code == "RU"
    told = Notification.objects.get(key=f"exchange:document-hit:{hit.pk}")
    assert told.recipient == fp_kz
    assert "not released" in told.body
    # Nothing was read: the checking state still may not open the notice.
    assert not notice.reads.filter(user=fp_ru).exists()
    assert api_client.get(f"/api/v1/exchange/shares/{notice.pk}/").status_code == 404


def test_a_blind_hit_is_never_the_secretariats(notice, fp_kz, secretariat, api_client):
    document_services.change_notice(notice.document_notice, by=fp_kz, checkable_by_all=True)
    api_client.force_authenticate(secretariat)
    assert api_client.get(CHECK, {"number": "N12345678"}).json()["blind_hits"] == []


def test_a_possible_hit_is_never_blind(notice, fp_kz, fp_ru, api_client):
    document_services.change_notice(notice.document_notice, by=fp_kz, checkable_by_all=True)
    api_client.force_authenticate(fp_ru)
    body = api_client.get(CHECK, {"number": "NI234S678"}).json()
    assert body["blind_hits"] == body["possible_hits"] == []


def test_the_page_shows_a_blind_hit_without_content(notice, fp_kz, fp_ru, client):
    document_services.change_notice(notice.document_notice, by=fp_kz, checkable_by_all=True)
    client.force_login(fp_ru)
    page = client.get(reverse("exchange:check"), {"number": "N12345678"}).content.decode()
    assert f"#{notice.pk}" in page
    assert "Almaty" not in page


def test_the_issuing_state_releases_the_notice_to_the_checker_through_consent(
    notice, fp_kz, approver_kz, fp_ru, fp_cn, api_client
):
    document_services.change_notice(notice.document_notice, by=fp_kz, checkable_by_all=True)
    api_client.force_authenticate(fp_ru)
    hit_id = api_client.get(CHECK, {"number": "N12345678"}).json()["blind_hits"][0]["hit"]
    release = f"/api/v1/exchange/documents/hits/{hit_id}/release/"
    assert api_client.post(release).status_code == 403  # the checker does not decide
    api_client.force_authenticate(fp_kz)
    made = api_client.post(release)
    assert made.status_code == 201
    reshare = ReshareRequest.objects.get(pk=made.json()["reshare_request"])
    assert [s.code for s in reshare.states.all()] == ["RU"]
    assert api_client.post(release).status_code == 409  # asked once
    approvals.answer_request(
        reshare.approval,
        approver=approver_kz,
        decision="approve",
        comment="",
        seen_hash=reshare.approval.content_hash,
    )
    share = Share.objects.get(pk=notice.pk)
    assert "RU" in {s.code for s in share.recipient_states.all()}
    api_client.force_authenticate(fp_ru)
    assert [
        h["share_id"] for h in api_client.get(CHECK, {"number": "N12345678"}).json()["hits"]
    ] == [notice.pk]


def test_a_hit_by_a_recipient_offers_no_release(notice, fp_kz, fp_cn, api_client):
    api_client.force_authenticate(fp_cn)
    hit_id = api_client.get(CHECK, {"number": "N12345678"}).json()["hits"][0]["hit"]
    with pytest.raises(services.ExchangeError):
        services.release_notice_to_checker(DocumentHit.objects.get(pk=hit_id), by=fp_kz)
