"""MISP and STIX exports of a released share: what a state may read, following its handling."""

import json

import pytest
from stix2validator import ValidationOptions, validate_instance

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
