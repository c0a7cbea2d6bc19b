"""The Secretariat's journey to the official list and a check-in at the door, in Chromium."""

from __future__ import annotations

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _a_validated_delegation():
    """An upcoming demo meeting with Kazakhstan's delegation confirmed and validated."""
    from django.utils import timezone

    from cica_portal.models import User
    from meetings import services
    from meetings.models import Meeting

    meeting = (
        Meeting.objects.filter(status__in=Meeting.OPEN_STATUSES, start__gt=timezone.now())
        .exclude(registrations__state__code="KZ")
        .order_by("start")
        .first()
    )
    meeting.registration_deadline = None
    meeting.save(update_fields=["registration_deadline"])
    focal_point = User.objects.get(username="fp-kz")
    line = services.register_delegation(
        meeting,
        by=focal_point,
        delegates=[{"name": "Head of the Kazakh delegation", "role": "head"}],
    )
    services.confirm_registration(line, by=User.objects.get(username="secretariat"))
    services.validate_delegation(line, by=User.objects.get(username="approver-kz"))
    return meeting, line.delegates.get()


def test_it_publishes_the_official_list_and_checks_a_delegate_in_at_the_door(portal):
    from meetings.badges import badge_code

    meeting, delegate = _a_validated_delegation()
    page = portal.login("secretariat")
    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Official list of participants").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Official list of participants"
    page.get_by_role("button", name="Publish the official list").click()
    assert "The official list is published" in page.locator("body").inner_text()
    assert page.get_by_role("cell", name="Head of the Kazakh delegation").is_visible()
    portal.check(page, "official-list")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF in Russian").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")

    # The participants' list carries the badge's QR code; the door page checks the code in.
    page.goto(f"/meetings/{meeting.pk}/participants/")
    assert page.locator(".badge-card__qr svg").count() == 1
    page.get_by_role("link", name="Check-in at the door").first.click()
    portal.check(page, "check-in")
    page.get_by_label("Badge code").fill(badge_code(delegate))
    page.get_by_role("button", name="Check in").click()
    assert "Checked in." in page.locator("#check-in-result").inner_text()
    assert "1 of 1 confirmed delegates are in." in page.locator(".lead").inner_text()
    portal.check(page, "check-in-done")
    page.get_by_label("Badge code").fill(badge_code(delegate))
    page.get_by_role("button", name="Check in").click()
    assert "Already checked in" in page.locator("#check-in-result").inner_text()
