"""During the yearly confirmation the state's approver corrects an entry (through the services,
audited, counted as the entry's confirmation; the state and role never come from the form),
and the Secretariat closes the campaign after a confirmation step; closing twice is harmless."""

import pytest
from django.urls import reverse

from cica_portal.models import AuditRecord, Notification
from focalpoints import selectors, services
from focalpoints.models import Confirmation, FocalPoint, FocalPointChange
from focalpoints.services import FocalPointError
from tests.focalpoints.factories import FocalPointFactory

pytestmark = pytest.mark.django_db


def _form(entry: FocalPoint, **changes) -> dict:
    data = {
        "name": entry.name,
        "name_other_script": entry.name_other_script,
        "organisation": entry.organisation,
        "position": entry.position,
        "email": entry.email,
        "phone": entry.phone,
        "address": entry.address,
        "languages": entry.language_codes,
    }
    data.update(changes)
    return data


def test_the_approver_corrects_an_entry_and_that_confirms_it(client, approver_kz, secretariat):
    entry = FocalPointFactory(name="Aigerim Nurlanovna", areas=[1])
    campaign = services.open_campaign(actor=secretariat, year=2026)
    client.force_login(approver_kz)
    url = reverse("focalpoints:campaign-correct", args=[entry.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(entry, phone="+7 7172 555555", state="RU", role="deputy"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.phone == "+7 7172 555555"
    assert (entry.state.code, entry.role) == ("KZ", "primary")  # never from the form
    confirmation = Confirmation.objects.get(campaign=campaign, entry=entry)
    assert (confirmation.confirmed_by, confirmation.corrected) == (approver_kz, True)
    assert AuditRecord.objects.filter(
        action="focalpoints.entry.confirmed", actor=approver_kz
    ).exists()
    change = FocalPointChange.objects.get(entry=entry, field="phone")
    assert change.changed_by == approver_kz


def test_a_verified_detail_corrected_by_the_approver_waits_for_the_secretariat(
    approver_kz, secretariat
):
    entry = FocalPointFactory(email="old@mfa.kz.example")
    services.open_campaign(actor=secretariat, year=2026)
    services.correct_in_campaign(entry, actor=approver_kz, email="new@mfa.kz.example")
    entry.refresh_from_db()
    assert entry.email == "old@mfa.kz.example"
    assert entry.pending_changes == {"email": "new@mfa.kz.example"}
    assert entry.status == FocalPoint.Status.CHANGES_TO_VERIFY
    assert Notification.objects.filter(recipient=secretariat, key__contains=":changes:").exists()


def test_no_correction_outside_a_campaign_or_by_another_state(
    client, approver_kz, approver_ru, fp_kz, secretariat
):
    entry = FocalPointFactory()
    with pytest.raises(FocalPointError) as refused:
        services.correct_in_campaign(entry, actor=approver_kz, phone="1")
    assert refused.value.code == "forbidden"
    services.open_campaign(actor=secretariat, year=2026)
    for outsider in (approver_ru, fp_kz, secretariat):
        with pytest.raises(FocalPointError):
            services.correct_in_campaign(entry, actor=outsider, phone="1")
        client.force_login(outsider)
        url = reverse("focalpoints:campaign-correct", args=[entry.pk])
        assert client.get(url).status_code == 403
    nominated = FocalPointFactory(status="nominated", areas=[2])
    client.force_login(approver_ru)
    url = reverse("focalpoints:campaign-correct", args=[nominated.pk])
    assert client.get(url).status_code == 404  # another state's nomination: not found


def test_bad_input_is_a_form_error_and_changes_nothing(client, approver_kz, secretariat):
    entry = FocalPointFactory(phone="+7 000")
    services.open_campaign(actor=secretariat, year=2026)
    client.force_login(approver_kz)
    url = reverse("focalpoints:campaign-correct", args=[entry.pk])
    response = client.post(url, _form(entry, email="not an address", phone="+7 111"))
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    entry.refresh_from_db()
    assert entry.phone == "+7 000"
    assert not Confirmation.objects.exists()


def test_the_confirmation_page_offers_the_approver_a_correction(client, approver_kz, secretariat):
    entry = FocalPointFactory()
    services.open_campaign(actor=secretariat, year=2026)
    client.force_login(approver_kz)
    page = client.get(reverse("focalpoints:confirmation")).content.decode()
    assert reverse("focalpoints:campaign-correct", args=[entry.pk]) in page


def test_the_secretariat_closes_the_campaign_after_a_confirmation_step(client, secretariat):
    FocalPointFactory()
    campaign = services.open_campaign(actor=secretariat, year=2026)
    client.force_login(secretariat)
    page = client.get(reverse("focalpoints:confirmation")).content.decode()
    url = reverse("focalpoints:campaign-close", args=[campaign.pk])
    assert url in page
    asked = client.get(url)  # the confirmation step: nothing is closed yet
    assert asked.status_code == 200
    assert "0 of 1 current entries confirmed" in asked.content.decode()
    campaign.refresh_from_db()
    assert campaign.is_open
    assert client.post(url).status_code == 302
    campaign.refresh_from_db()
    assert not campaign.is_open
    assert selectors.open_campaign() is None
    assert services.remind_unconfirmed(campaign_id=campaign.pk) == 0  # reminders stop


def test_closing_twice_changes_and_records_nothing_more(client, secretariat):
    campaign = services.open_campaign(actor=secretariat, year=2026)
    services.close_campaign(campaign, actor=secretariat)
    closed_at = campaign.closed_at
    services.close_campaign(campaign, actor=secretariat)
    client.force_login(secretariat)
    response = client.post(reverse("focalpoints:campaign-close", args=[campaign.pk]), follow=True)
    assert "already closed" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.closed_at == closed_at
    assert AuditRecord.objects.filter(action="focalpoints.campaign.closed").count() == 1


def test_only_the_secretariat_closes_a_campaign(client, approver_kz, secretariat):
    campaign = services.open_campaign(actor=secretariat, year=2026)
    with pytest.raises(FocalPointError):
        services.close_campaign(campaign, actor=approver_kz)
    client.force_login(approver_kz)
    url = reverse("focalpoints:campaign-close", args=[campaign.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert client.put(url).status_code in (403, 405)
    campaign.refresh_from_db()
    assert campaign.is_open
