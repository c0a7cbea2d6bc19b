"""Every hit is a lead to close: recorded, told to the issuing state, closed by the checker,
reminded to both sides while open, and counted in the annual review."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cica_portal.models import Notification
from exchange import document_selectors, document_services
from exchange.models import DocumentCheckTally, DocumentHit
from tests.exchange import factories
from tests.exchange.test_mrz import td3_line

pytestmark = pytest.mark.django_db
CHECK = "/api/v1/exchange/documents/check/"
HITS = "/api/v1/exchange/documents/hits/"


@pytest.fixture
def notice(fp_kz, approver_kz):
    return factories.released(
        fp_kz,
        [approver_kz],
        slug="lost-stolen-document",
        concerned=(),
        recipients=("CN",),
        content=factories.document_content("N12345678"),
    )


def _hit_keys():
    return Notification.objects.filter(key__startswith="exchange:document-hit:")


def test_a_hit_is_recorded_and_told_to_the_issuing_state_at_once(notice, fp_kz, fp_cn, api_client):
    api_client.force_authenticate(fp_cn)
    body = api_client.get(CHECK, {"number": "n1234 5678"}).json()
    [hit] = DocumentHit.objects.all()
    assert body["hits"][0]["hit"] == hit.pk
    assert (hit.share_id, hit.checked_by, hit.checked_by_state.code) == (notice.pk, fp_cn, "CN")
    assert (hit.channel, hit.blind, hit.outcome) == ("api", False, "")
    told = _hit_keys().get(key=f"exchange:document-hit:{hit.pk}")
    assert told.recipient == fp_kz
    assert "China" in told.body or "CN" in told.body


def test_the_page_records_its_hits_as_web(notice, fp_cn, client):
    client.force_login(fp_cn)
    page = client.get(reverse("exchange:check"), {"number": "N12345678"})
    assert page.status_code == 200
    assert DocumentHit.objects.get().channel == "web"


def test_a_check_without_a_hit_records_no_hit_but_counts_the_check(notice, fp_cn, api_client):
    api_client.force_authenticate(fp_cn)
    api_client.get(CHECK, {"number": "Q0000001"})
    assert not DocumentHit.objects.exists()
    assert DocumentCheckTally.objects.get(state=fp_cn.state).checks == 1


def test_exact_and_possible_hits_are_answered_apart(notice, fp_cn, api_client):
    api_client.force_authenticate(fp_cn)
    confused = api_client.get(CHECK, {"number": "NI2345G78"}).json()  # G is not confusable
    assert confused["hits"] == []
    assert confused["possible_hits"] == []
    possible = api_client.get(CHECK, {"number": "NI234S678"}).json()
    assert possible["hits"] == []
    assert [h["share_id"] for h in possible["possible_hits"]] == [notice.pk]
    assert possible["possible_hits"][0]["status"] == "stolen"
    exact = api_client.get(CHECK, {"number": "N12345678"}).json()
    assert [h["share_id"] for h in exact["hits"]] == [notice.pk]
    assert exact["possible_hits"] == []  # never listed among both
    assert DocumentHit.objects.count() == 1  # a possible hit is no hit


def test_the_mrz_checks_the_number_it_holds_for_its_issuing_state(notice, fp_cn, api_client):
    api_client.force_authenticate(fp_cn)
    zone = "P<KAZIVANOV<<IVAN" + "<" * 27 + "\n" + td3_line("N12345678")
    assert [h["share_id"] for h in api_client.get(CHECK, {"mrz": zone}).json()["hits"]] == [
        notice.pk
    ]
    russian = "P<RUSIVANOV<<IVAN" + "<" * 27 + "\n" + td3_line("N12345678", state="RUS")
    assert api_client.get(CHECK, {"mrz": russian}).json()["hits"] == []


def test_a_wrong_check_digit_is_a_400_naming_mrz(fp_cn, api_client):
    api_client.force_authenticate(fp_cn)
    line = td3_line("N12345678")
    broken = line[:9] + str((int(line[9]) + 1) % 10) + line[10:]
    response = api_client.get(CHECK, {"mrz": "P<KAZIVANOV<<IVAN" + "<" * 27 + "\n" + broken})
    assert response.status_code == 400
    assert "document number" in response.json()["mrz"][0]


def test_the_page_takes_a_zone_typed_by_hand_and_names_a_wrong_check_digit(notice, fp_cn, client):
    client.force_login(fp_cn)
    typed = (
        "p<kazivanov<<ivan"
        + "<" * 27
        + "\r\n"
        + td3_line("N12345678").lower()[:20]
        + " "
        + td3_line("N12345678")[20:]
    )
    page = client.get(reverse("exchange:check"), {"mrz": typed}).content.decode()
    assert f"#{notice.pk}" in page
    line = td3_line("N12345678")
    broken = line[:19] + str((int(line[19]) + 1) % 10) + line[20:]
    refused = client.get(
        reverse("exchange:check"), {"mrz": "P<KAZIVANOV<<IVAN" + "<" * 27 + "\n" + broken}
    )
    assert refused.status_code == 200
    assert "date of birth" in refused.content.decode()
    assert not DocumentHit.objects.filter(channel="web").count() > 1


def test_the_checker_records_the_outcome_and_the_issuer_sees_it(notice, fp_kz, fp_cn, api_client):
    api_client.force_authenticate(fp_cn)
    hit_id = api_client.get(CHECK, {"number": "N12345678"}).json()["hits"][0]["hit"]
    api_client.force_authenticate(fp_kz)
    assert (
        api_client.post(
            f"{HITS}{hit_id}/outcome/", {"outcome": "retained"}, format="json"
        ).status_code
        == 403
    )
    api_client.force_authenticate(fp_cn)
    bad = api_client.post(f"{HITS}{hit_id}/outcome/", {"outcome": "lost"}, format="json")
    assert bad.status_code == 400
    assert "outcome" in bad.json()
    done = api_client.post(
        f"{HITS}{hit_id}/outcome/", {"outcome": "retained", "note": "At the border"}, format="json"
    )
    assert done.status_code == 200
    assert done.json()["outcome"] == "retained"
    again = api_client.post(f"{HITS}{hit_id}/outcome/", {"outcome": "confirmed"}, format="json")
    assert again.status_code == 409
    assert Notification.objects.filter(
        recipient=fp_kz, key=f"exchange:document-hit:{hit_id}:closed"
    ).exists()
    api_client.force_authenticate(fp_kz)
    [row] = api_client.get(HITS).json()
    assert (row["share_id"], row["checked_by_state"], row["outcome"]) == (
        notice.pk,
        "CN",
        "retained",
    )
    assert row["checked_at"]


def test_nobody_else_sees_a_hit(notice, fp_cn, fp_ru, secretariat, api_client):
    api_client.force_authenticate(fp_cn)
    hit_id = api_client.get(CHECK, {"number": "N12345678"}).json()["hits"][0]["hit"]
    for outsider in (fp_ru, secretariat):
        api_client.force_authenticate(outsider)
        assert api_client.get(HITS).json() == []
        assert (
            api_client.post(
                f"{HITS}{hit_id}/outcome/", {"outcome": "retained"}, format="json"
            ).status_code
            == 404
        )


def test_the_hits_page_shows_both_sides(notice, fp_kz, fp_cn, client):
    client.force_login(fp_cn)
    client.get(reverse("exchange:check"), {"number": "N12345678"})
    hit = DocumentHit.objects.get()
    page = client.get(reverse("exchange:hits")).content.decode()
    assert reverse("exchange:hit-outcome", args=[hit.pk]) in page
    response = client.post(reverse("exchange:hit-outcome", args=[hit.pk]), {"outcome": "confirmed"})
    assert response.status_code == 302
    assert DocumentHit.objects.get().outcome == "confirmed"
    client.force_login(fp_kz)
    page = client.get(reverse("exchange:hits")).content.decode()
    assert "China" in page
    assert "Confirmed with the issuing state" in page
    assert client.post(
        reverse("exchange:hit-outcome", args=[hit.pk]), {"outcome": "confirmed"}
    ).status_code in (302, 403)


def test_an_open_hit_is_reminded_to_both_sides_once_a_period(
    notice, fp_kz, fp_cn, api_client, settings
):
    settings.DOCUMENT_HIT_REMINDER_HOURS = 24
    api_client.force_authenticate(fp_cn)
    api_client.get(CHECK, {"number": "N12345678"})
    hit = DocumentHit.objects.get()
    checked = timezone.now()
    DocumentHit.objects.filter(pk=hit.pk).update(checked_at=checked)
    assert document_services.remind_open_hits(now=checked + timedelta(hours=23)) == 0
    assert document_services.remind_open_hits(now=checked + timedelta(hours=25)) == 2
    assert document_services.remind_open_hits(now=checked + timedelta(hours=26)) == 0  # a rerun
    reminded = Notification.objects.filter(key__contains=f"document-hit:{hit.pk}:reminder")
    assert set(reminded.values_list("recipient__username", flat=True)) == {"fp-kz", "fp-cn"}
    assert document_services.remind_open_hits(now=checked + timedelta(hours=50)) == 2
    document_services.close_hit(hit, by=fp_cn, outcome="not_confirmed")
    assert document_services.remind_open_hits(now=checked + timedelta(hours=100)) == 0


def test_the_annual_review_counts_checks_hits_and_closed_hits_per_state(
    notice, fp_cn, fp_ru, api_client
):
    api_client.force_authenticate(fp_cn)
    api_client.get(CHECK, {"number": "N12345678"})
    api_client.get(CHECK, {"number": "N12345678"})
    api_client.get(CHECK, {"number": "nothing"})
    document_services.close_hit(DocumentHit.objects.first(), by=fp_cn, outcome="confirmed")
    api_client.force_authenticate(fp_ru)
    api_client.get(CHECK, {"number": "N12345678"})  # not released to RU: no hit
    figures = document_selectors.document_figures_for_year(timezone.localdate().year)
    rows = {
        row["state"].code: (row["checks"], row["hits"], row["closed"]) for row in figures["rows"]
    }
    assert rows == {"CN": (3, 2, 1), "RU": (1, 0, 0)}
    assert document_selectors.document_figures_for_year(2001)["rows"] == []


def test_the_scale_data_makes_the_notices_a_check_finds(fp_cn):
    from exchange.models import DocumentNotice, Share
    from portal_site.management.commands.generate_scale_data import generate

    generate(shares=60, seed=5, states=["KZ", "RU", "CN", "UZ"])
    released = Share.objects.filter(status="released", template__slug="lost-stolen-document")
    assert DocumentNotice.objects.count() == released.count() > 0
    notice = DocumentNotice.objects.select_related("share").first()
    number = notice.share.content["document_number"]
    [result] = document_selectors.find_documents(
        notice.share.author, [document_selectors.DocumentQuery(number)]
    )
    assert [n.pk for n in result.hits] == [notice.pk]
