"""The Secretariat puts a plan item's text under silence from the item's page."""

from datetime import UTC, datetime

import pytest

from actionplan.models import PlanItem
from cica_portal.models import ApprovalRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(plan):
    return PlanItem.objects.get(area__number=1, kind="issue", number=2)


def test_the_instant_typed_in_the_secretariats_zone_is_stored_in_utc(client, item, secretariat):
    secretariat.time_zone = "Asia/Almaty"  # UTC+5
    secretariat.save(update_fields=["time_zone"])
    client.force_login(secretariat)
    page = client.get(f"/plan/items/{item.pk}/").content.decode()
    assert "In your time zone, Asia/Almaty" in page
    response = client.post(f"/plan/items/{item.pk}/silence/", {"silence_until": "2030-01-01T12:00"})
    request = ApprovalRequest.objects.get()
    assert response["Location"] == f"/approvals/{request.pk}/"
    assert request.rule == ApprovalRequest.Rule.SILENCE
    assert request.silence_until == datetime(2030, 1, 1, 7, 0, tzinfo=UTC)
    assert request.required_states.count() == 28


def test_an_instant_in_the_past_is_refused_and_nothing_is_opened(client, item, secretariat):
    client.force_login(secretariat)
    response = client.post(
        f"/plan/items/{item.pk}/silence/", {"silence_until": "2020-01-01T12:00"}, follow=True
    )
    assert "The silence must end in the future." in response.content.decode()
    assert not ApprovalRequest.objects.exists()


def test_a_malformed_instant_is_a_message_not_a_500(client, item, secretariat):
    client.force_login(secretariat)
    response = client.post(f"/plan/items/{item.pk}/silence/", {"silence_until": "tomorrow"})
    assert response.status_code == 302
    assert not ApprovalRequest.objects.exists()


def test_only_the_secretariat_puts_an_item_under_silence(client, item, fp_kz, approver_kz):
    for person in (fp_kz, approver_kz):
        client.force_login(person)
        response = client.post(
            f"/plan/items/{item.pk}/silence/", {"silence_until": "2030-01-01T12:00"}
        )
        assert response.status_code == 403
    assert not ApprovalRequest.objects.exists()


def test_the_silence_page_refuses_get(client, item, secretariat):
    client.force_login(secretariat)
    assert client.get(f"/plan/items/{item.pk}/silence/").status_code == 405
