"""The three journeys of issue 9, lived in Chromium from the login page with the demo accounts."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

import icalendar
import openpyxl
import pytest
from django.utils import timezone

pytestmark = [
    pytest.mark.browser,
    # The reference data (states, areas, templates) comes from migrations: restore it for each
    # journey, since the live server needs committed rows and the flush removes them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element has the focus: it is reachable by keyboard."""
    target = page.locator(selector)
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never receives the focus with Tab")


def _upcoming_meeting_without(state_code: str):
    """An upcoming meeting still open to registration, where the state has no delegation."""
    from django.db.models import Q

    from meetings.models import Meeting

    now = timezone.now()
    return (
        Meeting.objects.filter(status__in=Meeting.OPEN_STATUSES, start__gt=now)
        .filter(Q(registration_deadline__isnull=True) | Q(registration_deadline__gt=now))
        .exclude(registrations__state__code=state_code)
        .order_by("start")
        .first()
    )


def test_it_lets_a_focal_point_keep_details_register_request_training_and_share_a_case(portal):
    page = portal.login("fp-kz", screenshot="login")
    portal.check(page, "dashboard")

    # The skip link is the first stop of the keyboard and leads to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Contact details, through the dashboard card and the entry's page.
    page.get_by_role("link", name="Focal point, Kazakhstan").click()
    page.get_by_role("link", name="Update my details").click()
    portal.check(page)
    # An invalid email: the error is shown next to the field and tied to it.
    page.get_by_label("Email").fill("not-an-address")
    page.get_by_role("button", name="Save").click()
    email = page.get_by_label("Email")
    assert email.get_attribute("aria-invalid") == "true"
    described_by = email.get_attribute("aria-describedby").split()
    assert described_by == ["id_email_error"]
    errors = page.locator("#id_email_error")
    assert "valid email" in errors.inner_text()
    assert errors.get_attribute("role") == "alert"
    portal.check(page, axe=True)
    email.fill("focal.point@mfa.kz.example")
    page.get_by_label("Phone").fill("+7 7172 72 00 01")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("status").inner_text().startswith(("Saved", "Your details"))
    assert "+7 7172 72 00 01" in page.locator(".facts").first.inner_text()
    portal.check(page)

    # The yearly confirmation and a communication test, opened by the Secretariat.
    from cica_portal.models import User
    from focalpoints import services as focal_point_services

    secretariat = User.objects.get(username="secretariat")
    focal_point_services.open_campaign(actor=secretariat)
    test = focal_point_services.start_communication_test(actor=secretariat)
    page.goto("/focal-points/confirmation/")
    page.get_by_role("button", name="Confirm: this is right").first.click()
    assert "Confirmed" in page.get_by_role("status").inner_text()
    portal.check(page, "confirmation")
    message = test.messages.get(entry__user__username="fp-kz")
    page.goto("/focal-points/nominations/")
    page.locator(f"a[href='/focal-points/tests/messages/{message.pk}/']").click()
    page.get_by_role("button", name="Acknowledge the test").click()
    assert "Acknowledged" in page.get_by_role("status").first.inner_text()
    portal.check(page, "communication-test")
    message.refresh_from_db()
    assert message.acknowledged_at is not None

    # The directory.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Focal points").click()
    assert page.get_by_role("heading", level=1).count() == 1
    portal.check(page, "directory")

    # The delegation for an upcoming meeting.
    meeting = _upcoming_meeting_without("KZ")
    assert meeting is not None, "the demo data has no upcoming meeting open to Kazakhstan"
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    page.get_by_role("link", name="List", exact=True).click()
    page.get_by_role("main").get_by_role("link", name=meeting.title, exact=True).first.click()
    page.get_by_role("link", name="Register your delegation").click()
    portal.check(page, "register")
    first = page.get_by_role("group", name="Delegate 1")
    first.get_by_label("Name").fill("Deputy Minister of Internal Affairs")
    first.get_by_label("Position").fill("Head of the national delegation")
    first.get_by_label("Role").select_option("head")
    second = page.get_by_role("group", name="Delegate 2")
    second.get_by_label("Name").fill("Head of the border service's analysis unit")
    second.get_by_label("Role").select_option("expert")
    page.get_by_role("button", name="Register the delegation").click()
    assert "Your delegation is registered" in page.get_by_role("status").inner_text()
    portal.check(page, "meeting")
    assert meeting.registrations.get(state__code="KZ").delegates.count() == 2

    # A training seminar, with the keyboard alone.
    page.goto("/")
    page.get_by_role("link", name="Request a training seminar").click()
    page.wait_for_url("**/meetings/training/new/")
    _tab_to(page, "#id_area")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("Detecting forged travel documents at land borders")
    page.keyboard.press("Tab")
    page.keyboard.type("Second half of next year")
    page.keyboard.press("Tab")
    page.keyboard.type("25")
    page.keyboard.press("Tab")
    page.keyboard.type("Interpretation into Russian; document examination kits.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Send the request"
    page.keyboard.press("Enter")
    page.wait_for_url("**/meetings/training/*/")
    assert "Your request is sent" in page.get_by_role("status").inner_text()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Detecting forged")
    portal.check(page)

    # A trafficking case naming two concerned states, drafted then submitted for consent.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Information exchange"
    ).click()
    page.get_by_role("link", name="Draft a new share").click()
    page.get_by_role("link", name="Trafficking case").click()
    page.get_by_label("Title", exact=True).fill("Forged work visas sold to migrants")
    page.get_by_label("Kind of trafficking").select_option("Smuggling of migrants")
    page.get_by_label("Country of origin").select_option("KZ")
    page.get_by_label("Transit countries").select_option(["UZ"])
    page.get_by_label("Destination countries").select_option(["RU"])
    page.get_by_label("Modus operandi").fill(
        "Recruiters online sell forged work visas; migrants cross on foot at night."
    )
    # Handling and evaluation: each choice is read with its meaning; the label stays TLP:...
    page.get_by_role("radio", name="TLP:AMBER —").check()
    page.get_by_role("checkbox", name="H0 —").check()
    page.get_by_label("Reliability of the source").select_option("B")
    page.get_by_label("Reliability of the information").select_option("2")
    concerned = page.get_by_role("group", name="Concerned states")
    concerned.get_by_label("Russia").check()
    concerned.get_by_label("Uzbekistan").check()
    recipients = page.get_by_role("group", name="Recipient states")
    for name in ("Russia", "Uzbekistan", "Kyrgyzstan"):
        recipients.get_by_label(name).check()
    portal.check(page, "share-form")
    page.get_by_role("button", name="Save draft").click()
    assert "Draft saved" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="Ask for consent").click()
    assert "Consent is now asked" in page.get_by_role("status").inner_text()
    portal.check(page)

    from exchange.models import Share

    share = Share.objects.get(listed_title="Forged work visas sold to migrants")
    assert share.status == Share.Status.PENDING_CONSENT
    assert {s.code for s in share.concerned_states.all()} >= {"RU", "UZ"}
    assert (share.tlp, share.handling_codes, share.evaluation) == ("AMBER", ["H0", "H2"], "B2")
    assert "TLP:AMBER" in page.locator(".handling-banner").inner_text()


@pytest.fixture
def submitted_case(demo):
    """A trafficking case from Kazakhstan concerning Russia and China, waiting for consent."""
    from cica_portal.models import State, User
    from exchange import services
    from exchange.models import ShareTemplate

    def states(*codes):
        return list(State.objects.filter(code__in=codes))

    author = User.objects.get(username="fp-kz")
    share = services.create_share(
        author=author,
        template=ShareTemplate.objects.get(slug="trafficking-case", is_current=True),
        title="Synthetic drugs in parcels by air",
        content={
            "kind": "Illicit drugs",
            "origin_state": "KZ",
            "destination_states": ["RU", "CN"],
            "modus_operandi": "Small parcels declared as spare parts, sent by air freight.",
        },
        concerned_states=states("RU", "CN"),
        recipient_states=states("RU", "CN", "KG"),
    )
    return services.submit_share(share, actor=author)


def test_it_releases_a_case_when_every_state_approves_and_only_recipients_read_it(
    submitted_case, portal
):
    from exchange.models import Share

    share = submitted_case
    approval_url = f"/approvals/{share.approval_id}/"
    for number, code in enumerate(("kz", "ru", "cn")):
        page = portal.login(f"approver-{code}")
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Approvals inbox"
        ).click()
        first = code == "kz"  # the same pages for the next states: axe once is enough
        portal.check(page, "inbox" if first else None, axe=first)
        page.locator(f'a[href="{approval_url}"]').click()
        assert "Synthetic drugs in parcels by air" in page.locator(".subject").inner_text()
        portal.check(page, "approval" if first else None, axe=first)
        if first:
            # Without a decision: the error is tied to the group of choices.
            page.get_by_role("button", name="Record my state's answer").click()
            group = page.get_by_role("group", name="Your state's answer")
            assert group.get_attribute("aria-describedby") == "id_decision_error"
            assert "required" in page.locator("#id_decision_error").inner_text()
            portal.check(page)
        if number < 2:
            page.get_by_role("radio", name="Approve").check()
            page.get_by_label("Comment").fill("Agreed by the national central bureau.")
            page.get_by_role("button", name="Record my state's answer").click()
        else:
            # The last approver answers with the keyboard alone.
            _tab_to(page, "#id_decision_0")
            page.keyboard.press("Space")
            assert page.get_by_role("radio", name="Approve").is_checked()
            page.keyboard.press("Tab")
            page.keyboard.type("Agreed.")
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")
            page.wait_for_load_state("load")
        assert "Your state's answer is recorded" in page.get_by_role("status").inner_text()
        portal.check(page, axe=first)
    share.refresh_from_db()
    assert share.status == Share.Status.RELEASED

    # A recipient state's focal point finds and reads it.
    page = portal.login("fp-kg")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Information exchange"
    ).click()
    page.get_by_role("link", name=f"#{share.pk} Synthetic drugs in parcels by air").click()
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .endswith("Synthetic drugs in parcels by air")
    )
    assert "Small parcels declared as spare parts" in page.locator("main").inner_text()
    portal.check(page, "share")
    assert share.reads.filter(user__username="fp-kg").exists()
    assert "TLP:AMBER+STRICT" in page.locator(".handling-banner").inner_text()

    # H2: the recipient asks to pass it on; the providers will decide on exactly that.
    page.get_by_role("group", name="States to pass it on to").get_by_label("Tajikistan").check()
    page.get_by_label("Reason").fill("The parcels are forwarded to Dushanbe.")
    page.get_by_role("button", name="Ask to pass it on").click()
    assert "Your request is sent" in page.get_by_role("status").inner_text()
    portal.check(page)
    reshare = share.reshare_requests.get()
    assert [s.code for s in reshare.states.all()] == ["TJ"]
    assert reshare.status == "pending"

    # A state that is neither concerned nor a recipient cannot find it.
    page = portal.login("fp-in")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Information exchange"
    ).click()
    portal.check(page)
    assert "Synthetic drugs" not in page.locator("main").inner_text()
    portal.goto_expecting(page, f"/exchange/{share.pk}/", 404)
    assert "Synthetic drugs" not in page.content()


def admin_outcome(page) -> str:
    """The admin's message after a save or an action; its form errors if it refused."""
    page.locator(".messagelist, .errornote").first.wait_for(timeout=30_000)
    if page.locator(".errornote").count():
        errors = page.locator(".errornote, .errorlist").all_inner_texts()
        raise AssertionError(f"the admin refused the form at {page.url}: {errors}")
    return page.locator(".messagelist").inner_text()


def test_it_lets_the_secretariat_schedule_a_meeting_and_download_the_review(portal):
    from meetings.models import Meeting

    today = timezone.localdate()
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    day = next_month + timedelta(days=9)
    title = "Experts meeting on border control, autumn round"

    page = portal.login("secretariat")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Administration").click()
    portal.check(page, axe=False)
    page.get_by_role("link", name="Meetings", exact=True).first.click()
    page.get_by_role("link", name="Add meeting").click()
    page.locator("#id_title").fill(title)
    page.locator("#id_kind").select_option("border_experts")
    page.locator("#id_start_0").fill(day.isoformat())
    page.locator("#id_start_1").fill("10:00")
    page.locator("#id_end_0").fill(day.isoformat())
    page.locator("#id_end_1").fill("17:00")
    page.locator("#id_host_state").select_option(label="Kazakhstan")
    page.locator("#id_venue").fill("Ministry of Foreign Affairs, Astana")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was added successfully" in admin_outcome(page)
    meeting = Meeting.objects.get(title=title)
    assert meeting.status == Meeting.Status.PLANNED

    # Confirm it with the admin action.
    page.locator(f'input[name="_selected_action"][value="{meeting.pk}"]').check()
    page.locator('select[name="action"]').select_option("confirm")
    page.locator('button[name="index"]').click()  # "Go"
    assert "1 meeting is now confirmed" in admin_outcome(page)
    portal.check(page, axe=False)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONFIRMED

    # The calendar of next month shows it; its page offers the .ics.
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    page.get_by_role("link", name="Next month").click()
    portal.check(page, "calendar")
    page.get_by_role("link", name=title).click()
    assert page.get_by_role("heading", level=1).inner_text() == title
    portal.check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    calendar = icalendar.Calendar.from_ical(download.value.path().read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == title
    zone = timezone.get_current_timezone()
    assert event.decoded("DTSTART") == datetime.combine(day, time(10), tzinfo=zone)
    assert str(event["STATUS"]) == "CONFIRMED"

    # The annual review, from the dashboard, and its consolidated spreadsheet.
    page.goto("/")
    page.get_by_role("region", name="Annual review").get_by_role("link").first.click()
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .startswith("Consolidated implementation review")
    )
    portal.check(page, "review")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the spreadsheet (.xlsx)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    summary = workbook.worksheets[0]
    assert summary["A1"].value == "CICA Action Plan: implementation review"
    assert len(workbook.worksheets) > 1

    # The review's stages: the Secretariat writes its summary and conclusions, consolidates,
    # sends the text to the SWG, records its conclusions and asks the SOC to adopt it.
    page.locator("#id_summary").fill("Most member states reported progress on every area.")
    page.locator("#id_conclusions").fill("Area III needs more exchanges of experts.")
    page.get_by_role("button", name="Save the summary and conclusions").click()
    page.get_by_role("button", name="Begin the consolidation").click()
    page.get_by_role("button", name="Send to the SWG").click()
    portal.check(page)
    page.locator("#id_swg_conclusions").fill("The SWG recommends the review for adoption.")
    page.get_by_role("button", name="Record the conclusions").click()
    page.get_by_role("button", name="Ask for adoption by consensus").click()
    assert (
        "Adoption of the consolidated implementation review"
        in page.get_by_role("heading", level=1).inner_text()
    )
    _every_member_state_approves_the_review()
    page.goto(f"/plan/review/{timezone.localdate().year}/")
    assert page.locator(".stages [aria-current=step]").inner_text() == "Published"
    assert "The SWG recommends the review for adoption." in page.content()
    portal.check(page, "review-published")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")


def _every_member_state_approves_the_review() -> None:
    from cica_portal import approvals
    from cica_portal.models import ApprovalRequest, State, User
    from tests.factories import ApproverFactory

    request = ApprovalRequest.objects.get(purpose="actionplan.review", status="open")
    for state in State.objects.members():
        approver = User.objects.filter(
            role=User.Role.APPROVER, state=state, is_active=True
        ).first() or ApproverFactory(username=f"journey-approver-{state.code.lower()}", state=state)
        approvals.answer_request(
            request, approver=approver, decision="approve", seen_hash=request.content_hash
        )
