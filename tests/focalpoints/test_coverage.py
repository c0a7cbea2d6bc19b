"""Coverage at a glance: states by areas, gaps and expiring terms marked in text and class."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from focalpoints import selectors, services
from tests.focalpoints.factories import FocalPointFactory

pytestmark = pytest.mark.django_db


def test_it_shows_who_covers_each_cell_primary_first(client, fp_kz, kz, ru):
    today = timezone.localdate()
    FocalPointFactory(state=kz, name="Deputy KZ", role="deputy", areas=[1])
    FocalPointFactory(state=kz, name="Primary KZ", areas=[1, 2])
    FocalPointFactory(
        state=ru, name="Primary RU", areas=[1], term_end=today + datetime.timedelta(days=30)
    )
    areas, rows = selectors.coverage_matrix(fp_kz)
    by_state = {row.state.code: row.cells for row in rows}
    assert len(rows) == 28
    assert [a.number for a in areas] == [1, 2, 3, 4]
    assert [e.name for e in by_state["KZ"][0].entries] == ["Primary KZ", "Deputy KZ"]
    assert by_state["KZ"][2].empty
    assert by_state["RU"][0].expiring
    assert not by_state["KZ"][0].expiring

    client.force_login(fp_kz)
    page = client.get(reverse("focalpoints:coverage")).content.decode()
    assert "matrix__cell--empty" in page
    assert "No focal point" in page
    assert "matrix__cell--expiring" in page
    assert "Term ends soon" in page
    assert "matrix__cell--covered" in page
    assert "/focal-points/coverage/KZ/1/" not in page  # only the Secretariat opens cells


def test_the_secretariat_opens_a_cell_with_history(client, secretariat, approver_kz, kz):
    entry = FocalPointFactory(state=kz, name="Old primary", areas=[1])
    services.withdraw(entry, actor=approver_kz, reason="Moved on")
    client.force_login(secretariat)
    page = client.get(reverse("focalpoints:coverage")).content.decode()
    assert "/focal-points/coverage/KZ/1/" in page
    response = client.get(reverse("focalpoints:coverage-cell", args=["KZ", 1]))
    assert response.status_code == 200
    assert "Old primary" in response.content.decode()
    assert "Moved on" in response.content.decode()
    assert client.get(reverse("focalpoints:coverage-cell", args=["XX", 1])).status_code == 404
    assert client.get(reverse("focalpoints:coverage-cell", args=["KZ", 9])).status_code == 404


def test_others_cannot_open_a_cell(client, fp_kz, approver_kz):
    for user in (fp_kz, approver_kz):
        client.force_login(user)
        assert client.get(reverse("focalpoints:coverage-cell", args=["KZ", 1])).status_code == 403
