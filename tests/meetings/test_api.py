"""The meetings API as the contract fixes it, plus delegations, documents and training."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from icalendar import Calendar

from cica_portal.models import Area
from meetings import services
from meetings.models import Kind, Registration

from ..factories import UserFactory
from .factories import MeetingFactory, RegistrationFactory
from .test_documents import PDF

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


@pytest.fixture
def two_meetings():
    first = MeetingFactory(
        title="SWG session",
        kind=Kind.SWG_SESSION,
        start=datetime(2027, 2, 10, 10, tzinfo=ALMATY),
        end=datetime(2027, 2, 11, 17, tzinfo=ALMATY),
    )
    first.areas.set(Area.objects.filter(number__in=[2, 4]))
    second = MeetingFactory(
        title="SOC session",
        kind=Kind.SOC_SESSION,
        start=datetime(2027, 6, 1, 10, tzinfo=ALMATY),
        end=datetime(2027, 6, 2, 17, tzinfo=ALMATY),
    )
    return first, second


def test_it_lists_meetings_with_the_contract_fields(api_client, fp_kz, two_meetings):
    api_client.force_authenticate(fp_kz)
    response = api_client.get("/api/v1/meetings/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {"next", "previous"} <= body.keys()
    first = body["results"][0]
    assert {"id", "title", "kind", "start", "end", "status", "areas"} <= first.keys()
    assert first["areas"] == [2, 4]
    assert first["kind"] == "swg_session"
    assert datetime.fromisoformat(first["start"]) == two_meetings[0].start


def test_it_filters_by_after_and_before(api_client, fp_kz, two_meetings):
    api_client.force_authenticate(fp_kz)
    titles = lambda r: [m["title"] for m in r.json()["results"]]  # noqa: E731
    assert titles(api_client.get("/api/v1/meetings/?after=2027-03-01")) == ["SOC session"]
    assert titles(api_client.get("/api/v1/meetings/?before=2027-03-01")) == ["SWG session"]
    assert titles(api_client.get("/api/v1/meetings/?after=2027-02-10&before=2027-06-01")) == [
        "SWG session",
        "SOC session",
    ]


@pytest.mark.parametrize("field", ["after", "before"])
def test_a_bad_date_is_a_400_naming_the_field(api_client, fp_kz, field):
    api_client.force_authenticate(fp_kz)
    response = api_client.get(f"/api/v1/meetings/?{field}=31-12-2027")
    assert response.status_code == 400
    assert field in response.json()


def test_the_api_needs_credentials_and_a_network_role(api_client, two_meetings):
    assert api_client.get("/api/v1/meetings/").status_code in (401, 403)
    api_client.force_authenticate(UserFactory())
    assert api_client.get("/api/v1/meetings/").status_code == 403


def test_the_ics_endpoint_gives_one_event(api_client, fp_kz, two_meetings):
    api_client.force_authenticate(fp_kz)
    meeting = two_meetings[0]
    response = api_client.get(f"/api/v1/meetings/{meeting.pk}/ics/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    assert events[0].decoded("dtstart") == meeting.start
    assert api_client.get("/api/v1/meetings/99999/ics/").status_code == 404


def test_a_focal_point_registers_their_state_through_the_api(api_client, fp_kz, two_meetings):
    api_client.force_authenticate(fp_kz)
    response = api_client.post(
        "/api/v1/meetings/registrations/",
        {
            "meeting": two_meetings[0].pk,
            "delegates": [{"name": "Head of delegation", "role": "head"}, {"name": "Expert"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "KZ"
    assert len(response.json()["delegates"]) == 2


def test_the_state_comes_from_the_server_not_the_body(api_client, fp_kz, two_meetings):
    api_client.force_authenticate(fp_kz)
    response = api_client.post(
        "/api/v1/meetings/registrations/",
        {
            "meeting": two_meetings[0].pk,
            "state": "RU",
            "status": "confirmed",
            "delegates": [{"name": "Delegate"}],
        },
        format="json",
    )
    assert response.status_code == 201
    registration = Registration.objects.get()
    assert registration.state.code == "KZ"
    assert registration.status == "submitted"


def test_the_api_enforces_the_size_limit(api_client, fp_kz):
    meeting = MeetingFactory(max_delegates_per_state=1)
    api_client.force_authenticate(fp_kz)
    response = api_client.post(
        "/api/v1/meetings/registrations/",
        {
            "meeting": meeting.pk,
            "delegates": [{"name": "A"}, {"name": "B"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "delegates" in response.json()


def test_an_approver_cannot_register_through_the_api(api_client, approver_kz, two_meetings):
    api_client.force_authenticate(approver_kz)
    response = api_client.post(
        "/api/v1/meetings/registrations/",
        {"meeting": two_meetings[0].pk, "delegates": [{"name": "A"}]},
        format="json",
    )
    assert response.status_code == 403


def test_registrations_of_other_states_are_not_listed(api_client, fp_kz, fp_ru, two_meetings):
    RegistrationFactory(meeting=two_meetings[0], registered_by=fp_ru)
    mine = RegistrationFactory(meeting=two_meetings[0], registered_by=fp_kz)
    api_client.force_authenticate(fp_kz)
    ids = [r["id"] for r in api_client.get("/api/v1/meetings/registrations/").json()["results"]]
    assert ids == [mine.pk]
    other = Registration.objects.get(state__code="RU")
    assert api_client.get(f"/api/v1/meetings/registrations/{other.pk}/").status_code == 404


def test_documents_list_only_readable_ones(api_client, secretariat, fp_kz, two_meetings):
    meeting = two_meetings[0]
    for access in ("all_members", "participants", "secretariat"):
        services.upload_document(
            meeting,
            by=secretariat,
            upload=SimpleUploadedFile("a.pdf", PDF),
            kind="agenda",
            title=access,
            access=access,
        )
    api_client.force_authenticate(fp_kz)
    url = f"/api/v1/meetings/{meeting.pk}/documents/"
    assert [d["title"] for d in api_client.get(url).json()["results"]] == ["all_members"]
    RegistrationFactory(meeting=meeting, registered_by=fp_kz)
    assert sorted(d["title"] for d in api_client.get(url).json()["results"]) == [
        "all_members",
        "participants",
    ]


def test_training_requests_through_the_api(api_client, fp_kz, fp_ru):
    api_client.force_authenticate(fp_kz)
    response = api_client.post(
        "/api/v1/meetings/training-requests/",
        {
            "area": 1,
            "topic": "Document security",
            "preferred_period": "2027",
            "expected_participants": 20,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "KZ"
    assert response.json()["status"] == "submitted"
    pk = response.json()["id"]
    api_client.force_authenticate(fp_ru)
    assert api_client.get(f"/api/v1/meetings/training-requests/{pk}/").status_code == 404
    assert api_client.get("/api/v1/meetings/training-requests/").json()["count"] == 0


def test_the_schema_has_no_warnings_for_meetings(api_client, secretariat):
    api_client.force_authenticate(secretariat)
    response = api_client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/meetings/{id}/ics/" in response.content


@pytest.mark.parametrize("field", ["after", "before"])
def test_an_empty_date_is_a_400_too(api_client, fp_kz, field):
    api_client.force_authenticate(fp_kz)
    response = api_client.get(f"/api/v1/meetings/?{field}=")
    assert response.status_code == 400
    assert field in response.json()
