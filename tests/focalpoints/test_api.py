"""GET /api/v1/focal-points/ per the contract, with the same rights as the pages."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import UserFactory, api_token_for
from tests.focalpoints.factories import FocalPointFactory, OrganisationContactFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/focal-points/"


@pytest.fixture
def entries(kz, ru):
    today = timezone.localdate()
    return [
        FocalPointFactory(state=kz, name="Focal point, Kazakhstan", areas=[1, 2]),
        FocalPointFactory(state=ru, name="Focal point, Russia", areas=[2, 4]),
        FocalPointFactory(state=ru, name="Nominee", role="deputy", status="nominated"),
        FocalPointFactory(
            state=kz,
            name="Expired",
            role="deputy",
            term_start=today - datetime.timedelta(400),
            term_end=today - datetime.timedelta(1),
        ),
    ]


def test_it_lists_active_entries_with_the_contract_fields(api_client, fp_cn, entries):
    api_client.force_authenticate(fp_cn)
    body = api_client.get(URL).json()
    assert set(body) >= {"count", "next", "previous", "results"}
    assert body["count"] == 2
    first = next(r for r in body["results"] if r["state"] == "KZ")
    assert first["id"] == entries[0].pk
    assert first["areas"] == [1, 2]
    assert first["name"] == "Focal point, Kazakhstan"
    assert first["email"] == entries[0].email


def test_it_filters_by_state_and_area(api_client, fp_cn, entries):
    api_client.force_authenticate(fp_cn)
    assert [r["name"] for r in api_client.get(URL, {"state": "KZ"}).json()["results"]] == [
        "Focal point, Kazakhstan"
    ]
    assert api_client.get(URL, {"state": "kz"}).json()["count"] == 1
    assert api_client.get(URL, {"area": 2}).json()["count"] == 2
    assert api_client.get(URL, {"area": 4}).json()["count"] == 1
    assert api_client.get(URL, {"state": "KZ", "area": 4}).json()["count"] == 0


def test_an_unknown_filter_value_is_a_400(api_client, fp_cn, entries):
    api_client.force_authenticate(fp_cn)
    assert api_client.get(URL, {"state": "XX"}).status_code == 400
    assert api_client.get(URL, {"area": 9}).status_code == 400


def test_anonymous_and_outsiders_are_refused(api_client, entries):
    assert api_client.get(URL).status_code in (401, 403)
    assert api_client.get(f"{URL}{entries[0].pk}/").status_code in (401, 403)
    api_client.force_authenticate(UserFactory(username="visitor"))
    assert api_client.get(URL).status_code == 403


def test_a_token_has_its_users_rights(api_client, fp_cn, entries):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(fp_cn)}")
    assert api_client.get(URL).json()["count"] == 2


def test_detail_shows_only_directory_entries(api_client, fp_cn, entries):
    api_client.force_authenticate(fp_cn)
    response = api_client.get(f"{URL}{entries[0].pk}/")
    assert response.status_code == 200
    assert response.json()["state"] == "KZ"
    assert api_client.get(f"{URL}{entries[2].pk}/").status_code == 404
    assert api_client.get(f"{URL}{entries[3].pk}/").status_code == 404
    assert api_client.post(URL, {}).status_code == 405


def test_organisation_contact_points_list(api_client, fp_cn):
    OrganisationContactFactory()
    assert api_client.get("/api/v1/organisation-contact-points/").status_code in (401, 403)
    api_client.force_authenticate(fp_cn)
    (result,) = api_client.get("/api/v1/organisation-contact-points/").json()["results"]
    assert result["organisation"] == "IOM"
    assert result["email"] == "contact@iom.example"


def test_the_schema_builds_without_warnings_for_focal_points(api_client, secretariat):
    api_client.force_authenticate(secretariat)
    response = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
