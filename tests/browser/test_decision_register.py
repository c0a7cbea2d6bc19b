"""The decision register in Chromium: the Secretariat records a meeting's decision on the
meeting's page, a focal point finds it in the register, in English and in Russian."""

from __future__ import annotations

import pytest
from django.utils import timezone

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _held_meeting():
    from meetings.models import Meeting

    return (
        Meeting.objects.filter(start__lte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-start")
        .first()
    )


def test_it_records_a_meeting_decision_and_a_focal_point_finds_it_in_the_register(portal):
    meeting = _held_meeting()
    assert meeting is not None, "the demo data has a meeting that has begun"
    secretariat = portal.login("secretariat")
    secretariat.goto(f"/meetings/{meeting.pk}/")
    form = secretariat.locator("section[aria-labelledby=decision-heading]")
    form.get_by_label("Title of the decision").fill("Calendar of police seminars for 2028")
    portal.expected_failures.add(portal.url(f"/meetings/{meeting.pk}/decisions/"))  # the 400
    form.get_by_role("button", name="Enter in the decision register").click()  # no text yet
    assert (
        secretariat.locator("#id_decision-title").input_value()
        == "Calendar of police seminars for 2028"
    )
    secretariat.get_by_label("Text of the decision").fill(
        "The meeting agreed the calendar of twice-yearly police seminars for 2028."
    )
    secretariat.get_by_role("button", name="Enter in the decision register").click()
    secretariat.wait_for_url(portal.url(f"/meetings/{meeting.pk}/"))
    assert (
        "is entered in the register"
        in secretariat.locator(".messages, [role=status]").first.inner_text()
    )
    portal.check(secretariat, "meeting-decision-recorded")

    focal_point = portal.login("fp-ru")
    focal_point.get_by_role("link", name="Decisions", exact=True).click()
    focal_point.get_by_label("Search").fill("police seminars")
    focal_point.get_by_role("button", name="Search").click()
    rows = focal_point.locator("table tbody tr")
    assert rows.count() == 1
    assert "Calendar of police seminars for 2028" in rows.first.inner_text()
    portal.check(focal_point, "decision-register")
    rows.first.get_by_role("link").click()
    assert "CICA/DEC/" in focal_point.get_by_role("heading", level=1).inner_text()
    assert meeting.title in focal_point.locator("dl.facts").inner_text()
    portal.check(focal_point, "decision-entry")
    focal_point.locator("form.language-switcher button", has_text="Русский").click()
    focal_point.wait_for_load_state("load")
    assert "Решение совещания" in focal_point.locator("dl.facts").inner_text()
    portal.check(focal_point, "decision-entry-ru")
    portal.goto_expecting(focal_point, "/decisions/999999/", 404)
