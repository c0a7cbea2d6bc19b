"""The yearly confirmation in Chromium: Kazakhstan's approver corrects an entry during the
campaign (in English, then the page in Russian), and the Secretariat closes the campaign
after the confirmation step."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = os.environ.get("CICA_CHECK_SHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_the_approver_corrects_an_entry_and_the_secretariat_closes_the_campaign(portal):
    from cica_portal.models import User
    from focalpoints import services
    from focalpoints.models import Confirmation

    secretariat = User.objects.get(username="secretariat")
    campaign = services.open_campaign(actor=secretariat)

    approver = portal.login("approver-kz")
    approver.goto("/focal-points/confirmation/")
    approver.get_by_role("link", name="Correct it").first.click()
    assert approver.get_by_role("heading", level=1).inner_text().startswith("Correct and confirm")
    portal.check(approver)
    _shot(approver, "correct-en")
    approver.get_by_label("Phone").fill("+7 7172 99 00 11")
    approver.get_by_role("button", name="Save and confirm").click()
    assert "Corrected and confirmed" in approver.get_by_role("status").first.inner_text()
    portal.check(approver)
    assert Confirmation.objects.filter(
        campaign=campaign, corrected=True, confirmed_by__username="approver-kz"
    ).exists()

    approver.get_by_role("button", name="Русский").click()
    approver.goto("/focal-points/confirmation/")
    approver.get_by_role("link", name="Исправить").first.click()
    assert (
        approver.get_by_role("heading", level=1).inner_text().startswith("Исправить и подтвердить")
    )
    portal.check(approver)
    _shot(approver, "correct-ru")

    office = portal.login("secretariat")
    office.goto("/focal-points/confirmation/")
    office.get_by_role("link", name="Close the campaign…").click()
    assert "waiting" in office.get_by_role("status").first.inner_text()
    portal.check(office)
    _shot(office, "close-en")
    office.get_by_role("button", name="Close the campaign").click()
    assert "closed" in office.get_by_role("status").first.inner_text()
    portal.check(office)
    _shot(office, "closed-en")
    campaign.refresh_from_db()
    assert not campaign.is_open

    office.get_by_role("button", name="Русский").click()
    office.goto(f"/focal-points/confirmation/{campaign.pk}/close/")
    portal.check(office)
    _shot(office, "close-ru-after")
