"""Approvers nominate for their own state; the Secretariat verifies or returns; all is recorded."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cica_portal.models import AuditRecord, Notification
from focalpoints import services
from focalpoints.models import FocalPoint, FocalPointArea
from tests.focalpoints.factories import FocalPointFactory, area, with_checked_note_verbale

pytestmark = pytest.mark.django_db


def _form(**overrides):
    today = timezone.localdate()
    data = {
        "name": "Focal point, Kazakhstan (police)",
        "organisation": "Ministry of Internal Affairs",
        "position": "Head of division",
        "areas": [str(area(2).pk)],
        "role": "primary",
        "languages": ["en", "ru"],
        "email": "police@kz.example",
        "phone": "+7 7172 000001",
        "address": "Astana",
        "term_start": today.isoformat(),
        "term_end": (today + datetime.timedelta(days=700)).isoformat(),
    }
    data.update(overrides)
    return data


def _nominate(approver, **overrides):
    today = timezone.localdate()
    data = {
        "name": "Focal point, test",
        "organisation": "Ministry",
        "email": "x@example.org",
        "term_start": today,
        "term_end": today + datetime.timedelta(days=400),
        "role": "primary",
        "languages": ["en"],
    }
    data.update(overrides)
    areas = data.pop("areas", [area(1)])
    return services.nominate(approver=approver, areas=areas, **data)


def test_it_lets_an_approver_nominate_for_their_own_state(client, approver_kz, secretariat, ru):
    client.force_login(approver_kz)
    response = client.post(reverse("focalpoints:nominate"), _form(state=ru.code, status="active"))
    entry = FocalPoint.objects.get()
    assert response.status_code == 302
    assert entry.state.code == "KZ"  # from the server, not the posted "state"
    assert entry.status == "nominated"
    assert entry.nominated_by == approver_kz
    assert entry.language_codes == ["en", "ru"]
    assert [a.number for a in entry.areas.all()] == [2]
    assert entry.transitions.get().to_status == "nominated"
    assert AuditRecord.objects.filter(action="focalpoints.entry.nominated").exists()
    assert Notification.objects.filter(
        recipient=secretariat, key=f"fp:{entry.pk}:nominated"
    ).exists()


def test_a_focal_point_cannot_nominate(client, fp_kz):
    client.force_login(fp_kz)
    assert client.post(reverse("focalpoints:nominate"), _form()).status_code == 403
    assert not FocalPoint.objects.exists()


def test_anonymous_is_sent_to_login_for_nominating(client):
    response = client.get(reverse("focalpoints:nominate"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_nominate_refuses_wrong_method(client, approver_kz):
    client.force_login(approver_kz)
    assert client.put(reverse("focalpoints:nominate")).status_code == 405


def test_bad_input_shows_form_errors_and_keeps_what_was_typed(client, approver_kz):
    client.force_login(approver_kz)
    today = timezone.localdate()
    data = _form(email="not-an-email", term_end=(today - datetime.timedelta(days=1)).isoformat())
    response = client.post(reverse("focalpoints:nominate"), data)
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert "term_end" in response.context["form"].errors
    assert "Ministry of Internal Affairs" in response.content.decode()
    assert not FocalPoint.objects.exists()


def test_an_approver_cannot_link_another_states_focal_point(client, approver_kz, fp_ru):
    client.force_login(approver_kz)
    response = client.post(reverse("focalpoints:nominate"), _form(user=fp_ru.pk))
    assert response.status_code == 200
    assert "user" in response.context["form"].errors
    assert not FocalPoint.objects.exists()


def test_it_allows_one_primary_per_state_and_area(approver_kz, kz):
    FocalPointFactory(state=kz, areas=[1])
    with pytest.raises(services.FocalPointError):
        _nominate(approver_kz, areas=[area(1)])
    deputy = _nominate(approver_kz, areas=[area(1)], role="deputy")
    assert deputy.status == "nominated"


def test_the_database_refuses_a_second_primary_seat(kz):
    FocalPointFactory(state=kz, areas=[1])
    other = FocalPointFactory(state=kz, role="deputy", areas=[2])
    with pytest.raises(IntegrityError), transaction.atomic():
        FocalPointArea.objects.create(entry=other, area=area(1), state=kz, holds_primary=True)


def test_the_secretariat_verifies_a_nomination(client, approver_kz, secretariat):
    entry = with_checked_note_verbale(_nominate(approver_kz))
    client.force_login(secretariat)
    response = client.post(reverse("focalpoints:verify", args=[entry.pk]))
    entry.refresh_from_db()
    assert response.status_code == 302
    assert entry.status == "active"
    assert entry.verified_by == secretariat
    assert entry.coverage.get().holds_primary
    assert [t.to_status for t in entry.transitions.all()] == ["nominated", "active"]
    assert Notification.objects.filter(
        recipient=approver_kz, key__startswith=f"fp:{entry.pk}:verified"
    ).exists()


def test_verify_refuses_a_second_primary_that_raced_in(approver_kz, secretariat, kz):
    entry = _nominate(approver_kz)
    FocalPointFactory(state=kz, areas=[1])
    with pytest.raises(services.FocalPointError):
        services.verify(entry, actor=secretariat)


def test_an_approver_cannot_verify(client, approver_kz):
    entry = _nominate(approver_kz)
    client.force_login(approver_kz)
    assert client.post(reverse("focalpoints:verify", args=[entry.pk])).status_code == 403
    assert client.get(reverse("focalpoints:verify", args=[entry.pk])).status_code == 405


def test_the_secretariat_returns_with_a_reason(client, approver_kz, secretariat):
    entry = _nominate(approver_kz)
    client.force_login(secretariat)
    url = reverse("focalpoints:return", args=[entry.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    client.post(url, {"reason": "Use the official address."})
    entry.refresh_from_db()
    assert entry.status == "returned"
    assert entry.return_reason == "Use the official address."
    assert entry.transitions.last().reason == "Use the official address."


def test_a_returned_nomination_is_corrected_and_goes_back(client, approver_kz, secretariat):
    entry = _nominate(approver_kz)
    services.return_entry(entry, actor=secretariat, reason="Wrong email")
    client.force_login(approver_kz)
    response = client.post(
        reverse("focalpoints:edit", args=[entry.pk]), _form(email="official@kz.example")
    )
    entry.refresh_from_db()
    assert response.status_code == 302
    assert entry.status == "nominated"
    assert entry.email == "official@kz.example"
    assert entry.changes.filter(field="email", new_value="official@kz.example").exists()


def test_an_approver_cannot_edit_another_states_nomination(client, approver_kz, approver_ru):
    entry = _nominate(approver_ru)
    client.force_login(approver_kz)
    url = reverse("focalpoints:edit", args=[entry.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _form()).status_code == 404
    assert client.post(reverse("focalpoints:withdraw", args=[entry.pk])).status_code == 404


def test_an_approver_cannot_edit_a_verified_entry(client, approver_kz, kz):
    entry = FocalPointFactory(state=kz)
    client.force_login(approver_kz)
    assert client.get(reverse("focalpoints:edit", args=[entry.pk])).status_code == 403


def test_withdrawn_entries_leave_the_directory_but_stay_in_history(client, approver_kz, kz, fp_ru):
    entry = FocalPointFactory(state=kz, areas=[1, 2])
    client.force_login(approver_kz)
    client.post(reverse("focalpoints:withdraw", args=[entry.pk]), {"reason": "Retired"})
    entry.refresh_from_db()
    assert entry.status == "withdrawn"
    assert not entry.coverage.filter(holds_primary=True).exists()
    assert entry.transitions.last().reason == "Retired"
    assert not FocalPoint.objects.current().exists()
    client.force_login(fp_ru)
    assert client.get(reverse("focalpoints:detail", args=[entry.pk])).status_code == 404
    # the seat is free again
    assert _nominate(approver_kz, areas=[area(1)]).status == "nominated"


def test_terms_that_ended_are_closed(kz):
    today = timezone.localdate()
    old = FocalPointFactory(
        state=kz, term_start=today - datetime.timedelta(400), term_end=today - datetime.timedelta(1)
    )
    assert services.end_expired_terms() == 1
    old.refresh_from_db()
    assert old.status == "ended"
    assert not old.coverage.filter(holds_primary=True).exists()
    assert services.end_expired_terms() == 0
