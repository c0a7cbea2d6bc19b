"""The Secretariat in the admin, in Chromium with the demo data: it sees the shares released to
it and nothing else, cannot give itself rights, and still creates and deactivates accounts.

With CICA_ADMIN_SCREENSHOTS=<directory> the pages are saved there to be looked at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .test_journeys import admin_outcome

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHOTS = os.environ.get("CICA_ADMIN_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"admin-{name}.png"), full_page=True)


def test_it_shows_the_secretariat_only_what_the_portal_shows_it(portal):
    from cica_portal.models import User
    from exchange.models import Share
    from exchange.selectors import visible_shares

    secretariat = User.objects.get(username="secretariat")
    released_to_it = sorted(visible_shares(secretariat).values_list("pk", flat=True))
    assert released_to_it
    assert Share.objects.count() > len(released_to_it)

    page = portal.login("secretariat")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Administration").click()
    portal.check(page, axe=False)
    shot(page, "index")

    page.goto("/admin/exchange/share/")
    portal.check(page, axe=False)
    shot(page, "shares")
    listed = sorted(int(text) for text in page.locator("#result_list .field-id").all_inner_texts())
    assert listed == released_to_it
    hidden = Share.objects.exclude(pk__in=released_to_it).order_by("pk").first()
    page.goto(f"/admin/exchange/share/{hidden.pk}/change/")
    assert page.url.endswith("/admin/")  # as for a share that does not exist
    assert "doesn’t exist" in page.locator(".messagelist").inner_text()
    page.goto("/admin/exchange/shareread/")
    assert "0 reads of shares" in page.locator("#changelist").inner_text()

    # Its own account: the rights are shown, not offered.
    page.goto(f"/admin/cica_portal/user/{secretariat.pk}/change/")
    portal.check(page, axe=False)
    shot(page, "own-account")
    assert page.locator("#id_is_superuser").count() == 0
    assert page.locator("#id_groups").count() == 0
    assert page.locator("#id_role").count() == 0

    # It still creates an account (no rights, the person sets the password) and deactivates it.
    page.goto("/admin/cica_portal/user/add/")
    shot(page, "add-user")
    assert page.locator("#id_role").count() == 0
    assert page.locator("#id_password1").count() == 0
    page.locator("#id_username").fill("fp-kz-new")
    page.locator("#id_full_name").fill("New focal point, Kazakhstan")
    page.locator("#id_email").fill("fp-kz-new@kz.cica.example")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was added successfully" in admin_outcome(page)
    shot(page, "user-added")
    page.locator("#id_is_active").uncheck()
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was changed successfully" in admin_outcome(page)
    created = User.objects.get(username="fp-kz-new")
    assert not created.is_active
    assert not created.is_staff
    assert created.role == ""

    # The review's reports: none of a state's drafts.
    page.goto("/admin/actionplan/implementationreport/")
    portal.check(page, axe=False)
    shot(page, "reports")
    from actionplan.models import ImplementationReport

    statuses = page.locator("#result_list .field-status").all_inner_texts()
    assert "Draft" not in statuses
    assert len(statuses) == ImplementationReport.objects.exclude(status="draft").count()
