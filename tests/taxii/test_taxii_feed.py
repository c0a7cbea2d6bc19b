"""The TAXII 2.1 feed: read by independent clients (taxii2-client polls it over HTTP,
stix2-validator checks every object), the same shares as the web list for every role, RED
never, another state's collection a 404, a withdrawal a revoked version, each report a read."""

import pytest
from stix2validator import ValidationOptions, validate_instance

from exchange import services
from exchange.models import ShareRead
from taxii.stix import TLP_2_IDS, report_id
from taxii.views import collection_id
from tests.exchange.factories import released
from tests.factories import SecretariatFactory, api_token_for

MEDIA = "application/taxii+json;version=2.1"


@pytest.fixture
def shares(fp_kz, approver_kz, approver_ru, fp_ru):
    """From Kazakhstan, concerning Russia: one to China (GREEN), one to China and the
    Secretariat, one RED to China, one to China withdrawn after release."""
    people = [approver_kz, approver_ru]
    green = released(fp_kz, people, recipients=("CN",), handling={"tlp": "GREEN"})
    to_secretariat = released(fp_kz, people, recipients=("CN",), secretariat_may_read=True)
    red = released(fp_kz, people, recipients=("CN",), handling={"tlp": "RED"})
    withdrawn = released(fp_kz, people, recipients=("CN",))
    services.withdraw_share(withdrawn, actor=fp_kz)
    return {"green": green, "secretariat": to_secretariat, "red": red, "withdrawn": withdrawn}


def _get(api_client, user, path, **params):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return api_client.get(path, params, HTTP_ACCEPT=MEDIA)


def _objects(api_client, user) -> list[dict]:
    collection = _get(api_client, user, "/taxii2/cica/collections/").json()["collections"][0]
    page = _get(api_client, user, f"/taxii2/cica/collections/{collection['id']}/objects/")
    assert page.status_code == 200
    assert page["Content-Type"] == MEDIA
    return page.json().get("objects", [])


@pytest.mark.django_db
def test_it_serves_what_the_web_list_shows_as_released_for_every_role(
    api_client, shares, fp_kz, approver_kz, fp_cn, approver_cn, fp_ru, approver_ru, secretariat
):
    for user in (fp_kz, approver_kz, fp_cn, approver_cn, fp_ru, approver_ru, secretariat):
        api_client.force_authenticate(user)
        listed = api_client.get("/api/v1/exchange/shares/", {"page_size": 100}).json()["results"]
        api_client.force_authenticate(None)
        expected = {
            report_id(type("S", (), {"pk": row["id"]}))
            for row in listed
            if row["status"] == "released" and row["tlp"] != "RED"
        }
        reports = [o for o in _objects(api_client, user) if o["type"] == "report"]
        served = {o["id"] for o in reports if not o.get("revoked")}
        assert served == expected, user.username
        assert report_id(shares["red"]) not in {o["id"] for o in reports}


@pytest.mark.django_db
def test_it_marks_with_tlp_2_and_revokes_a_withdrawn_share(api_client, shares, fp_cn):
    objects = {o["id"]: o for o in _objects(api_client, fp_cn)}
    green = objects[report_id(shares["green"])]
    assert green["object_marking_refs"] == [TLP_2_IDS["GREEN"]]
    assert objects[TLP_2_IDS["GREEN"]]["name"] == "TLP:GREEN"
    assert objects[report_id(shares["withdrawn"])]["revoked"] is True
    assert green["name"] == shares["green"].title
    assert any(o["type"] == "identity" and o["name"] == "Kazakhstan" for o in objects.values())
    assert {o["country"] for o in objects.values() if o["type"] == "location"} >= {"KZ", "CN"}


@pytest.mark.django_db
def test_every_object_passes_the_stix_validator(api_client, shares, fp_cn):
    options = ValidationOptions(version="2.1", strict=False)
    for obj in _objects(api_client, fp_cn):
        result = validate_instance(obj, options)
        assert result.is_valid, (obj["id"], [str(e) for e in result.errors])


@pytest.mark.django_db
def test_another_states_collection_is_a_404(api_client, shares, fp_cn, fp_ru):
    china = collection_id("CN")
    assert _get(api_client, fp_ru, f"/taxii2/cica/collections/{china}/objects/").status_code == 404
    assert _get(api_client, fp_ru, f"/taxii2/cica/collections/{china}/").status_code == 404
    assert _get(api_client, fp_cn, f"/taxii2/cica/collections/{china}/").status_code == 200
    api_client.credentials()
    assert api_client.get("/taxii2/").status_code == 401


@pytest.mark.django_db
def test_each_report_served_counts_as_a_read(api_client, shares, fp_cn):
    before = ShareRead.objects.filter(user=fp_cn).count()
    _objects(api_client, fp_cn)
    assert ShareRead.objects.filter(user=fp_cn).count() == before + 2  # green and secretariat's


@pytest.mark.django_db
def test_a_taxii_read_is_recorded_as_the_taxii_channel_and_the_originator_sees_it(
    api_client, client, shares, fp_cn, fp_kz
):
    _objects(api_client, fp_cn)
    reads = ShareRead.objects.filter(share=shares["green"], user=fp_cn)
    assert [read.via for read in reads] == ["taxii"]
    client.force_login(fp_kz)
    page = client.get(shares["green"].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    reads_section = page.content.decode().split('id="reads-heading"')[1]
    assert "TAXII feed" in reads_section


@pytest.mark.django_db
def test_it_pages_and_filters(api_client, shares, fp_cn):
    base = f"/taxii2/cica/collections/{collection_id('CN')}"
    first = _get(api_client, fp_cn, f"{base}/objects/", limit=2).json()
    assert first["more"] is True
    assert len(first["objects"]) == 2
    rest = _get(api_client, fp_cn, f"{base}/objects/", limit=100, next=first["next"]).json()
    everything = _objects(api_client, fp_cn)
    assert [o["id"] for o in first["objects"] + rest["objects"]] == [o["id"] for o in everything]
    reports = _get(api_client, fp_cn, f"{base}/objects/", **{"match[type]": "report"}).json()
    assert {o["type"] for o in reports["objects"]} == {"report"}
    one = report_id(shares["green"])
    by_id = _get(api_client, fp_cn, f"{base}/objects/", **{"match[id]": one}).json()
    assert [o["id"] for o in by_id["objects"]] == [one]
    manifest = _get(api_client, fp_cn, f"{base}/manifest/").json()
    assert len(manifest["objects"]) == len(everything)
    versions = _get(api_client, fp_cn, f"{base}/objects/{report_id(shares['withdrawn'])}/versions/")
    assert len(versions.json()["versions"]) == 2
    bad = _get(api_client, fp_cn, f"{base}/objects/", added_after="yesterday")
    assert bad.status_code == 400
    assert "added_after" in bad.json()


@pytest.mark.django_db
def test_the_secretariat_reads_only_what_was_released_to_it(api_client, shares):
    staff = SecretariatFactory(username="secretariat-2")
    reports = {o["id"] for o in _objects(api_client, staff) if o["type"] == "report"}
    assert reports == {report_id(shares["secretariat"])}


@pytest.fixture
def taxii_server():
    """A live server as the browser tests start one (the portal has no MEDIA_URL)."""
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    with override_settings(MEDIA_URL="/media-never-linked/", SECURE_SSL_REDIRECT=False):
        server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_taxii2_client_polls_the_collection_over_http(taxii_server, shares, fp_cn):
    from taxii2client.v21 import Server

    token = api_token_for(fp_cn)
    server = Server(f"{taxii_server.url}/taxii2/", user="fp-cn", password=token)
    (root,) = server.api_roots
    (collection,) = root.collections
    assert collection.alias == "cn"
    assert collection.can_read
    envelope = collection.get_objects()
    ids = {o["id"] for o in envelope["objects"]}
    assert report_id(shares["green"]) in ids
    assert report_id(shares["red"]) not in ids


def test_the_share_extension_publishes_a_schema_that_its_objects_meet(api_client, shares, fp_cn):
    import jsonschema

    objects = _objects(api_client, fp_cn)
    definition = next(o for o in objects if o["type"] == "extension-definition")
    path = definition["schema"].removeprefix("http://127.0.0.1:8000")
    response = api_client.get(path)  # no credentials: it describes a format, not a share
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    schema = response.json()
    reports = [o for o in objects if o["type"] == "report" and not o.get("revoked")]
    assert reports
    for report in reports:
        jsonschema.validate(report["extensions"][definition["id"]], schema)


def test_the_extension_schema_refuses_what_the_portal_never_writes(api_client):
    import jsonschema

    schema = api_client.get("/taxii2/cica/extension-definitions/share-1.json").json()
    with pytest.raises(jsonschema.ValidationError, match="H9"):
        jsonschema.validate(
            {
                "extension_type": "property-extension",
                "template": "t",
                "template_version": 1,
                "fields": {},
                "handling_codes": ["H9"],
                "source_reliability": "A",
                "information_reliability": "1",
            },
            schema,
        )
