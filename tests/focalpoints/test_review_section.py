"""The annual review shows the network's figures per member state: entries, stale ones,
confirmations and answers to the year's communication tests."""

import datetime

import pytest
from django.utils import timezone

from cica_portal import review_sections
from focalpoints import selectors, services
from tests.focalpoints.factories import FocalPointFactory

pytestmark = pytest.mark.django_db


def test_the_review_counts_per_state_entries_confirmations_and_test_answers(
    fp_kz, secretariat, monkeypatch
):
    mine = FocalPointFactory(user=fp_kz, areas=[1])
    FocalPointFactory(role="deputy", areas=[2])
    year = timezone.localdate().year
    services.open_campaign(actor=secretariat, year=year)
    services.confirm_entry(mine, actor=fp_kz)
    test = services.start_communication_test(actor=secretariat)
    for message in test.messages.all():
        services.send_test_message(message.pk)
    later = timezone.now() + datetime.timedelta(minutes=30)
    monkeypatch.setattr(timezone, "now", lambda: later)
    services.acknowledge(test.messages.get(entry=mine), by=fp_kz, channel="portal")

    figures = selectors.network_figures_for_year(year)
    kz = next(row for row in figures["rows"] if row["state"].code == "KZ")
    assert kz == {
        "state": kz["state"],
        "entries": 2,
        "stale": 0,
        "confirmed": 1,
        "sent": 2,
        "answered": 1,
        "median_minutes": 30,
    }
    rows = selectors.network_rows(figures)
    assert rows[0][0] == "State"
    assert ["KZ", 2, 0, 1, 2, 1, 30] in rows


def test_the_section_is_in_the_years_review():
    year = timezone.localdate().year
    names = [rendered.section.name for rendered in review_sections.sections_for(year)]
    assert "focalpoints.network" in names
