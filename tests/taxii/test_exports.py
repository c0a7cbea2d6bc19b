"""MISP and STIX exports of a released share: what a state may read, following its handling."""

import json

import pytest
from stix2validator import ValidationOptions, validate_instance

from cica_portal.models import AuditRecord
from exchange import services
from exchange.models import ShareRead
from taxii.stix import TLP_2_IDS, report_id
from tests.exchange.factories import released

pytestmark = pytest.mark.django_db


@pytest.fixture
def share(fp_kz, approver_kz, approver_ru):
    return released(
        fp_kz,
        [approver_kz, approver_ru],
        recipients=("CN", "UZ"),
        handling={"tlp": "AMBER", "handling_codes": ["H1", "H2"], "source_reliability": "B"},
    )


def test_it_exports_a_misp_event_shared_with_exactly_the_recipients(api_client, fp_cn, share):
    api_client.force_authenticate(fp_cn)
    response = api_client.get(f"/api/v1/exchange/shares/{share.pk}/misp/")
    assert response.status_code == 200
    event = json.loads(response.content)["Event"]
    assert event["distribution"] == "4"
    assert event["info"] == share.title
    orgs = [o["Organisation"]["name"] for o in event["SharingGroup"]["SharingGroupOrg"]]
    assert orgs == ["China", "Uzbekistan"]
    tags = {t["name"] for t in event["Tag"]}
    assert {"tlp:amber", 'cica:handling="H1"', 'cica:handling="H2"'} <= tags
    assert all("judicial" in a["comment"] for a in event["Attribute"])  # H1 travels with it
    assert ShareRead.objects.filter(share=share, user=fp_cn).exists()


def test_it_exports_a_valid_stix_bundle_with_the_h1_statement(api_client, fp_cn, share):
    api_client.force_authenticate(fp_cn)
    response = api_client.get(f"/api/v1/exchange/shares/{share.pk}/stix/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/stix+json;version=2.1"
    bundle = json.loads(response.content)
    result = validate_instance(bundle, ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for e in result.errors]
    (report,) = [o for o in bundle["objects"] if o["id"] == report_id(share)]
    assert TLP_2_IDS["AMBER"] in report["object_marking_refs"]
    statements = [o for o in bundle["objects"] if o.get("definition_type") == "statement"]
    assert "judicial" in statements[0]["definition"]["statement"]


def _misp(api_client, user, share) -> dict:
    api_client.force_authenticate(user)
    response = api_client.get(f"/api/v1/exchange/shares/{share.pk}/misp/")
    assert response.status_code == 200
    return json.loads(response.content)["Event"]


def _stix(api_client, user, share) -> dict:
    api_client.force_authenticate(user)
    response = api_client.get(f"/api/v1/exchange/shares/{share.pk}/stix/")
    assert response.status_code == 200
    bundle = json.loads(response.content)
    result = validate_instance(bundle, ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for e in result.errors]
    return bundle


def test_a_misp_or_stix_file_is_an_export_for_intelligence_use_recorded_as_such(
    api_client, fp_cn, share
):
    _misp(api_client, fp_cn, share)
    _stix(api_client, fp_cn, share)
    reads = ShareRead.objects.filter(share=share, user=fp_cn)
    assert [read.via for read in reads] == ["export", "export"]
    records = AuditRecord.objects.filter(action="exchange.share.exported", actor=fp_cn)
    assert sorted((r.data["purpose"], r.data["format"]) for r in records) == [
        ("intelligence", "misp"),
        ("intelligence", "stix"),
    ]


def test_h1_stays_in_the_file_when_no_permission_for_judicial_use_is_recorded(
    api_client, fp_cn, share
):
    event = _misp(api_client, fp_cn, share)
    assert not [t for t in event["Tag"] if t["name"].startswith("cica:judicial-use")]
    assert all("permitted" not in a["comment"] for a in event["Attribute"])
    bundle = _stix(api_client, fp_cn, share)
    statements = [o for o in bundle["objects"] if o.get("definition_type") == "statement"]
    assert len(statements) == 1


def test_the_file_names_the_permission_for_judicial_use_of_the_readers_state_only(
    api_client, fp_kz, fp_cn, share
):
    from cica_portal.models import State
    from tests.factories import FocalPointUserFactory

    services.grant_judicial_use(share, by=fp_kz, state=State.objects.get(code="CN"))
    event = _misp(api_client, fp_cn, share)
    tags = {t["name"] for t in event["Tag"]}
    assert {'cica:handling="H1"', 'cica:judicial-use-permitted="CN"'} <= tags
    assert all("permitted China" in a["comment"] for a in event["Attribute"])
    bundle = _stix(api_client, fp_cn, share)
    (report,) = [o for o in bundle["objects"] if o["id"] == report_id(share)]
    statements = {
        o["id"]: o["definition"]["statement"]
        for o in bundle["objects"]
        if o.get("definition_type") == "statement"
    }
    assert set(statements) <= set(report["object_marking_refs"])
    assert len(statements) == 2
    assert any("permitted China" in text for text in statements.values())

    uzbekistan = FocalPointUserFactory(username="fp-uz", state=State.objects.get(code="UZ"))
    event = _misp(api_client, uzbekistan, share)
    assert 'cica:judicial-use-permitted="CN"' not in {t["name"] for t in event["Tag"]}
    assert all("permitted" not in a["comment"] for a in event["Attribute"])


def test_only_a_released_share_is_exported(api_client, fp_kz, share):
    services.withdraw_share(share, actor=fp_kz)
    api_client.force_authenticate(fp_kz)
    for kind in ("misp", "stix"):
        response = api_client.get(f"/api/v1/exchange/shares/{share.pk}/{kind}/")
        assert response.status_code == 403
    assert not ShareRead.objects.filter(share=share, via="export").exists()


def test_a_red_share_is_never_exported(api_client, fp_kz, approver_kz, approver_ru, fp_cn):
    red = released(fp_kz, [approver_kz, approver_ru], handling={"tlp": "RED"})
    api_client.force_authenticate(fp_cn)
    for kind in ("misp", "stix"):
        response = api_client.get(f"/api/v1/exchange/shares/{red.pk}/{kind}/")
        assert response.status_code == 403
        assert red.title not in response.content.decode()


def test_a_state_that_may_not_read_it_gets_404(api_client, fp_ru, fp_cn, share):
    from tests.factories import FocalPointUserFactory, state

    outsider = FocalPointUserFactory(username="fp-in", state=state("IN"))
    api_client.force_authenticate(outsider)
    for kind in ("misp", "stix"):
        assert api_client.get(f"/api/v1/exchange/shares/{share.pk}/{kind}/").status_code == 404
    api_client.force_authenticate(None)
    assert api_client.get(f"/api/v1/exchange/shares/{share.pk}/misp/").status_code in (401, 403)
