"""A focal point keeps their own details; verified fields wait for the Secretariat."""

import pytest
from django.urls import reverse

from cica_portal.models import Notification
from focalpoints import services
from focalpoints.models import FocalPoint
from tests.focalpoints.factories import FocalPointFactory

pytestmark = pytest.mark.django_db


def _details(entry, **overrides):
    data = {
        "name": entry.name,
        "organisation": entry.organisation,
        "position": entry.position,
        "email": entry.email,
        "phone": entry.phone,
        "address": entry.address,
        "languages": entry.language_codes,
    }
    data.update(overrides)
    return data


def test_unverified_fields_change_at_once(client, fp_kz, kz):
    entry = FocalPointFactory(state=kz, user=fp_kz)
    client.force_login(fp_kz)
    url = reverse("focalpoints:my-details", args=[entry.pk])
    response = client.post(url, _details(entry, phone="+7 700 111", languages=["en", "kk"]))
    entry.refresh_from_db()
    assert response.status_code == 302
    assert entry.phone == "+7 700 111"
    assert entry.language_codes == ["en", "kk"]
    assert entry.status == "active"
    change = entry.changes.get(field="phone")
    assert change.old_value == "+7 7172 000000"
    assert change.changed_by == fp_kz


def test_verified_fields_wait_and_the_directory_keeps_the_old_values(
    client, fp_kz, kz, secretariat
):
    entry = FocalPointFactory(state=kz, user=fp_kz, email="old@kz.example")
    client.force_login(fp_kz)
    client.post(
        reverse("focalpoints:my-details", args=[entry.pk]), _details(entry, email="new@kz.example")
    )
    entry.refresh_from_db()
    assert entry.status == "changes_to_verify"
    assert entry.email == "old@kz.example"
    assert entry.pending_changes == {"email": "new@kz.example"}
    assert FocalPoint.objects.current().filter(pk=entry.pk).exists()  # still in the directory
    assert entry.changes.get(field="email").outcome == "pending"
    assert Notification.objects.filter(
        recipient=secretariat, key__startswith=f"fp:{entry.pk}:changes"
    ).exists()
    directory = client.get(reverse("focalpoints:directory")).content.decode()
    assert "old@kz.example" in directory
    assert "new@kz.example" not in directory

    services.verify(entry, actor=secretariat)
    entry.refresh_from_db()
    assert entry.status == "active"
    assert entry.email == "new@kz.example"
    assert entry.pending_changes == {}
    assert entry.changes.get(field="email").outcome == "verified"


def test_the_secretariat_can_decline_changes(fp_kz, kz, secretariat):
    entry = FocalPointFactory(state=kz, user=fp_kz, email="old@kz.example")
    services.update_contact_details(entry, actor=fp_kz, email="new@kz.example")
    services.return_entry(entry, actor=secretariat, reason="Not an official address")
    entry.refresh_from_db()
    assert entry.status == "active"
    assert entry.email == "old@kz.example"
    assert entry.changes.get(field="email").outcome == "returned"


def test_a_focal_point_cannot_edit_another_entry(client, fp_kz, fp_ru, ru):
    other = FocalPointFactory(state=ru, user=fp_ru)
    client.force_login(fp_kz)
    url = reverse("focalpoints:my-details", args=[other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _details(other, email="evil@example.org")).status_code == 404
    other.refresh_from_db()
    assert other.email != "evil@example.org"
    with pytest.raises(services.FocalPointError):
        services.update_contact_details(other, actor=fp_kz, email="evil@example.org")


def test_a_focal_point_of_the_same_state_cannot_edit_a_colleagues_entry(client, fp_kz, kz):
    colleague = FocalPointFactory(state=kz, role="deputy")  # no account linked
    client.force_login(fp_kz)
    assert client.get(reverse("focalpoints:my-details", args=[colleague.pk])).status_code == 404


def test_an_approver_cannot_use_self_service(client, approver_kz, kz):
    entry = FocalPointFactory(state=kz)
    client.force_login(approver_kz)
    assert client.get(reverse("focalpoints:my-details", args=[entry.pk])).status_code == 403


def test_self_service_bad_input_is_a_form_error(client, fp_kz, kz):
    entry = FocalPointFactory(state=kz, user=fp_kz)
    client.force_login(fp_kz)
    url = reverse("focalpoints:my-details", args=[entry.pk])
    response = client.post(url, _details(entry, email="nope", phone="+7 999"))
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    entry.refresh_from_db()
    assert entry.phone == "+7 7172 000000"
    assert client.delete(url).status_code == 405


def test_a_focal_point_cannot_nominate_for_another_state(client, fp_kz, ru):
    client.force_login(fp_kz)
    response = client.post(reverse("focalpoints:nominate"), {"name": "X", "state": ru.code})
    assert response.status_code == 403
    assert not FocalPoint.objects.exists()


def test_history_shows_who_changed_what(client, fp_kz, kz):
    entry = FocalPointFactory(state=kz, user=fp_kz)
    services.update_contact_details(entry, actor=fp_kz, phone="+7 123")
    client.force_login(fp_kz)
    page = client.get(reverse("focalpoints:detail", args=[entry.pk])).content.decode()
    assert "+7 123" in page
    assert "phone" in page
