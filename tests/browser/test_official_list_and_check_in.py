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
    assert "Version 1, published on" in page.get_by_test_id("official-list-version").inner_text()
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


def test_it_shows_the_timetable_and_makes_sends_and_logs_a_letter_from_the_meeting_page(portal):
    from cica_portal.models import AuditRecord
    from meetings.models import Letter, Meeting

    meeting = Meeting.objects.get(title="CICA Chiefs of Police meeting")
    page = portal.login("secretariat")
    page.goto(f"/meetings/{meeting.pk}/")
    timetable = page.get_by_role("region", name="Timetable")
    assert timetable.get_by_role("columnheader", name="Chair").is_visible()
    first = meeting.sessions.order_by("start").first()
    assert timetable.get_by_role("rowheader", name=first.title).is_visible()
    assert "10:00" in timetable.inner_text()  # Baku's time, the venue's
    timetable.scroll_into_view_if_needed()
    portal.check(page, "timetable")
    page.get_by_role("button", name="Русский").click()
    page.wait_for_load_state("load")
    timetable = page.get_by_role("region", name="Расписание")
    assert timetable.get_by_role("columnheader", name="Председатель").is_visible()
    timetable.scroll_into_view_if_needed()
    portal.check(page, "timetable-ru")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("load")

    page.get_by_role("link", name="Letters (invitations, notes verbales, visa support)").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Letters"
    page.get_by_label("Letters", exact=True).select_option("note_verbale")
    page.get_by_label("Russian", exact=True).uncheck()
    page.get_by_role("button", name="Make the letters").click()
    letter = Letter.objects.filter(meeting=meeting, kind="note_verbale", state__code="KZ").get()
    row = page.get_by_role("row").filter(has_text=letter.reference)
    assert row.is_visible()
    with page.expect_download() as download:
        row.get_by_role("link", name="Download PDF").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    row.get_by_role("button", name="Send to the focal points").click()
    assert f"The letter {letter.reference} is sent" in page.locator("body").inner_text()
    row = page.get_by_role("row").filter(has_text=letter.reference)
    assert row.get_by_role("button", name="Send to the focal points").count() == 0
    letter.refresh_from_db()
    assert letter.sent_at is not None
    assert letter.sent_to in row.inner_text()
    row.scroll_into_view_if_needed()
    assert AuditRecord.objects.filter(
        action="meetings.letter.sent", object_id=str(letter.pk)
    ).exists()
    portal.check(page, "letters")
