"""The yearly confirmation: a campaign the Secretariat opens, one-click confirmation by the
focal point or the state's approver (or a correction), weekly reminders until done, and stale
entries after 13 months, computed from the clock."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cica_portal.models import Notification
from focalpoints import selectors, services
from focalpoints.models import Confirmation, FocalPoint
from focalpoints.services import FocalPointError
from tests.focalpoints.factories import FocalPointFactory

pytestmark = pytest.mark.django_db


def _freeze(monkeypatch, moment: datetime.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _entry_confirmed_at(moment: datetime.datetime, **kwargs) -> FocalPoint:
    entry = FocalPointFactory(
        term_start=datetime.date(2025, 1, 1), term_end=datetime.date(2030, 1, 1), **kwargs
    )
    FocalPoint.objects.filter(pk=entry.pk).update(last_confirmed_at=moment, created_at=moment)
    entry.refresh_from_db()
    return entry


def test_an_entry_is_stale_13_months_after_its_last_confirmation(monkeypatch):
    confirmed = datetime.datetime(2025, 10, 15, 9, 0, tzinfo=datetime.UTC)
    entry = _entry_confirmed_at(confirmed)
    _freeze(monkeypatch, datetime.datetime(2026, 11, 15, 8, 59, tzinfo=datetime.UTC))
    assert not entry.is_stale(timezone.now())
    assert not selectors.stale_entries().exists()
    _freeze(monkeypatch, datetime.datetime(2026, 11, 15, 9, 1, tzinfo=datetime.UTC))
    assert entry.is_stale(timezone.now())
    assert list(selectors.stale_entries()) == [entry]


def test_stale_entries_are_marked_in_the_directory_and_the_matrix(client, fp_ru, monkeypatch):
    _entry_confirmed_at(datetime.datetime(2025, 1, 10, tzinfo=datetime.UTC), name="Old entry")
    _freeze(monkeypatch, datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC))
    client.force_login(fp_ru)
    directory = client.get(reverse("focalpoints:directory")).content.decode()
    assert "stale: not confirmed for 13 months" in directory
    cell = selectors.coverage_matrix(fp_ru).rows
    kz_row = next(row for row in cell if row.state.code == "KZ")
    assert kz_row.cells[0].stale
    assert "Stale" in client.get(reverse("focalpoints:coverage")).content.decode()


def test_confirming_in_one_click_makes_it_fresh_and_counts_for_the_campaign(
    client, fp_kz, secretariat, monkeypatch
):
    entry = _entry_confirmed_at(datetime.datetime(2025, 1, 10, tzinfo=datetime.UTC), user=fp_kz)
    campaign = services.open_campaign(actor=secretariat, year=2026)
    client.force_login(fp_kz)
    response = client.post(reverse("focalpoints:confirm", args=[entry.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert not entry.is_stale(timezone.now())
    confirmation = Confirmation.objects.get(campaign=campaign, entry=entry)
    assert confirmation.confirmed_by == fp_kz
    assert selectors.campaign_progress(campaign) == {"total": 1, "confirmed": 1, "waiting": 0}


def test_the_states_approver_may_confirm_and_another_state_may_not(approver_kz, approver_ru):
    entry = FocalPointFactory()
    services.confirm_entry(entry, actor=approver_kz)
    with pytest.raises(FocalPointError) as refused:
        services.confirm_entry(entry, actor=approver_ru)
    assert refused.value.code == "forbidden"


def test_the_confirm_button_is_not_found_for_an_outsider_and_refuses_get(client, fp_ru, fp_kz):
    entry = FocalPointFactory(status="nominated")
    client.force_login(fp_ru)
    assert client.post(reverse("focalpoints:confirm", args=[entry.pk])).status_code == 404
    current = FocalPointFactory(user=fp_kz)
    client.force_login(fp_kz)
    assert client.get(reverse("focalpoints:confirm", args=[current.pk])).status_code == 405
    client.force_login(fp_ru)
    assert client.post(reverse("focalpoints:confirm", args=[current.pk])).status_code == 403


def test_a_correction_confirms_the_entry(fp_kz, secretariat):
    entry = FocalPointFactory(user=fp_kz)
    campaign = services.open_campaign(actor=secretariat, year=2026)
    services.update_contact_details(entry, actor=fp_kz, phone="+7 7172 111111")
    confirmation = Confirmation.objects.get(campaign=campaign, entry=entry)
    assert confirmation.corrected


def test_reminders_go_weekly_until_the_entry_is_confirmed(fp_kz, approver_kz, secretariat):
    entry = FocalPointFactory(user=fp_kz)
    services.open_campaign(actor=secretariat, year=2026)  # the first reminders go at once
    first_week = Notification.objects.filter(key__startswith=f"fp:{entry.pk}:confirm:2026")
    assert set(first_week.values_list("recipient__username", flat=True)) == {
        "fp-kz",
        "approver-kz",
    }
    monday = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())
    assert services.remind_unconfirmed(today=monday) == 2
    assert services.remind_unconfirmed(today=monday) == 0  # twice the same week: nothing
    services.confirm_entry(entry, actor=fp_kz)
    assert services.remind_unconfirmed(today=monday + datetime.timedelta(days=7)) == 0


def test_only_the_secretariat_opens_a_campaign_once_a_year(client, secretariat, approver_kz):
    with pytest.raises(FocalPointError):
        services.open_campaign(actor=approver_kz, year=2026)
    services.open_campaign(actor=secretariat, year=2026)
    with pytest.raises(FocalPointError) as refused:
        services.open_campaign(actor=secretariat, year=2026)
    assert refused.value.code == "conflict"
    client.force_login(approver_kz)
    assert client.post(reverse("focalpoints:campaign-open")).status_code == 403


def test_the_confirmation_page_lists_what_the_person_may_confirm(client, fp_kz, secretariat):
    mine = FocalPointFactory(user=fp_kz, name="My own entry")
    FocalPointFactory(name="Someone else", areas=[2])
    services.open_campaign(actor=secretariat, year=2026)
    client.force_login(fp_kz)
    page = client.get(reverse("focalpoints:confirmation")).content.decode()
    assert "My own entry" in page
    assert "Someone else" not in page
    assert reverse("focalpoints:confirm", args=[mine.pk]) in page


def test_reminders_are_scheduled_in_beat():
    assert PeriodicTask.objects.filter(task="focalpoints.remind_unconfirmed", enabled=True).exists()
