"""Pages render for each role with the actions that role may take, and nothing more."""

import pytest
from django.urls import reverse

from tests.focalpoints.factories import FocalPointFactory

pytestmark = pytest.mark.django_db


def test_the_secretariat_sees_verify_and_return_on_a_nomination(client, secretariat, kz):
    entry = FocalPointFactory(state=kz, status="nominated")
    client.force_login(secretariat)
    page = client.get(reverse("focalpoints:detail", args=[entry.pk])).content.decode()
    assert reverse("focalpoints:verify", args=[entry.pk]) in page
    assert reverse("focalpoints:return", args=[entry.pk]) in page
    queue = client.get(reverse("focalpoints:nominations")).content.decode()
    assert entry.name in queue


def test_the_approver_sees_their_states_entries_and_can_correct(client, approver_kz, kz, ru):
    own = FocalPointFactory(state=kz, status="returned", return_reason="Fix the email")
    other = FocalPointFactory(state=ru, status="nominated", name="Someone else")
    client.force_login(approver_kz)
    listing = client.get(reverse("focalpoints:nominations")).content.decode()
    assert own.name in listing
    assert other.name not in listing
    page = client.get(reverse("focalpoints:detail", args=[own.pk])).content.decode()
    assert reverse("focalpoints:edit", args=[own.pk]) in page
    assert "Fix the email" in page
    form = client.get(reverse("focalpoints:edit", args=[own.pk])).content.decode()
    assert "Fix the email" in form


def test_the_focal_point_sees_their_entry_and_the_update_link(client, fp_kz, kz):
    entry = FocalPointFactory(state=kz, user=fp_kz)
    client.force_login(fp_kz)
    page = client.get(reverse("focalpoints:detail", args=[entry.pk])).content.decode()
    assert reverse("focalpoints:my-details", args=[entry.pk]) in page
    assert reverse("focalpoints:verify", args=[entry.pk]) not in page
    assert client.post(reverse("focalpoints:withdraw", args=[entry.pk])).status_code == 403


@pytest.mark.parametrize("who", ["secretariat", "approver_kz", "fp_kz"])
def test_the_dashboard_shows_the_network_card(client, request, who, kz):
    user = request.getfixturevalue(who)
    FocalPointFactory(state=kz, user=user if who == "fp_kz" else None)
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "Focal-point network" in page
