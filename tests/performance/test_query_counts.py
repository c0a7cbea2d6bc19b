"""Flat query counts: every list and detail page and API list costs the same number of SQL queries
with 10 and with 1,000 rows behind it, and stays within the budget in docs/PERFORMANCE.md.

The rows are made in bulk by the scale generator (`generate_scale_data`), restricted to three
states so that the viewing users (of KZ, and the Secretariat) have rows of their own at both
sizes; notifications, review cycles and proposals are added here the same way.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cica_portal.models import ApprovalRequest, Notification, State
from portal_site.management.commands.generate_scale_data import generate

# Queries per page, whatever the rows (docs/PERFORMANCE.md): a list page or API list reads its
# page of rows; a detail page also reads the object's history and may record the read (a share
# read is a row and an audit record, which locks and moves the audit chain's head); the
# dashboard gathers every app's cards.
LIST_BUDGET = 15
DETAIL_BUDGET = 30
# The review reads the cycle's previous years, its SOC requests and the audit chain's head.
DETAIL_PAGES = {
    "dashboard",
    "meeting",
    "approval",
    "share",
    "share (own)",
    "API exchange/shares/",
    "review",
    # A check that hits records the hit, counts the check and tells the issuing state at once.
    "document check",
}
STATES = ["KZ", "RU", "CN"]


def _add_rows(n: int, users: dict, seed: int) -> None:
    from actionplan.models import ImplementationReport, MeasureProposal, ReviewCycle
    from cica_portal.models import Area

    generate(shares=n, focal_points=n, meetings=n, audit=n, seed=seed, states=STATES)
    kz = State.objects.get(code="KZ")
    area = Area.objects.order_by("pk").first()
    Notification.objects.bulk_create(
        Notification(recipient=u, key=f"perf:{seed}:{i}", subject=f"Notice {i}", body="Read me.")
        for u in users.values()
        for i in range(n)
    )
    MeasureProposal.objects.bulk_create(
        MeasureProposal(
            area=area, title=f"Measure {seed}-{i}", text="A measure.", state=kz,
            proposed_by=users["fp"],
        )
        for i in range(n)
    )  # fmt: skip
    first = ReviewCycle.objects.order_by("-year").values_list("year", flat=True).first() or 1990
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    cycles = ReviewCycle.objects.bulk_create(
        ReviewCycle(
            year=first + 1 + i, opens_on=today - 400 * day, report_deadline=today - 300 * day,
            swg_start=today - 290 * day, swg_end=today - 289 * day, soc_start=today - 280 * day,
            soc_end=today - 279 * day, status=ReviewCycle.Status.CLOSED,
        )
        for i in range(max(n // 10, 1))
    )  # fmt: skip
    ImplementationReport.objects.bulk_create(
        ImplementationReport(cycle=c, state=s, status="submitted", submitted_by=users["fp"])
        for c in cycles
        for s in State.objects.filter(code__in=STATES)
    )


def _pages(users: dict) -> list[tuple[str, str, str]]:
    """(name, who, path): ids picked among rows that exist at both sizes."""
    from actionplan.models import ImplementationReport, MeasureProposal, PlanItem, ReviewCycle
    from exchange.selectors import shares_for_list
    from focalpoints.models import FocalPoint
    from meetings.models import Meeting, Registration

    share = shares_for_list(users["fp"], box="received").order_by("pk").first()
    mine = shares_for_list(users["fp"], box="mine").order_by("pk").first()
    meeting = Meeting.objects.order_by("pk").first()
    entry = FocalPoint.objects.filter(state__code="KZ").order_by("pk").first()
    approval = ApprovalRequest.objects.filter(required_states__code="KZ").order_by("pk").first()
    report = ImplementationReport.objects.filter(state__code="KZ").order_by("pk").first()
    registration = Registration.objects.filter(state__code="KZ").order_by("pk").first()
    proposal = MeasureProposal.objects.order_by("pk").first()
    year = ReviewCycle.objects.order_by("year").values_list("year", flat=True).first()
    item = PlanItem.objects.order_by("pk").first()
    month = timezone.localtime(meeting.start).strftime("%Y-%m")  # a month with a meeting
    pages = [
        ("dashboard", "fp", "/"),
        ("dashboard", "approver", "/"),
        ("dashboard", "secretariat", "/"),
        ("directory", "fp", "/focal-points/"),
        ("directory", "secretariat", "/focal-points/"),
        ("focal point", "fp", f"/focal-points/{entry.pk}/"),
        ("nominations", "approver", "/focal-points/nominations/"),
        ("coverage", "secretariat", "/focal-points/coverage/"),
        ("calendar month", "fp", f"/meetings/?month={month}"),
        ("meeting list", "fp", "/meetings/list/"),
        ("meeting list (past)", "fp", "/meetings/list/?when=past"),
        ("meeting", "fp", f"/meetings/{meeting.pk}/"),
        ("meeting", "secretariat", f"/meetings/{meeting.pk}/"),
        ("participants", "secretariat", f"/meetings/{meeting.pk}/participants/"),
        ("training list", "fp", "/meetings/training/"),
        ("approvals inbox", "approver", "/approvals/inbox/"),
        ("approvals list", "secretariat", "/approvals/"),
        ("approvals list", "approver", "/approvals/"),
        ("approval", "approver", f"/approvals/{approval.pk}/"),
        ("notifications", "fp", "/notifications/"),
        ("share list", "fp", "/exchange/"),
        ("share list received", "fp", "/exchange/?box=received"),
        ("share list asked", "approver", "/exchange/?box=asked"),
        ("share list", "secretariat", "/exchange/"),
        ("share", "fp", f"/exchange/{share.pk}/"),
        ("share (own)", "fp", f"/exchange/{mine.pk}/"),
        ("document check", "fp", "/exchange/documents/check/?number=N00000001"),
        ("plan", "fp", "/plan/"),
        ("plan item", "fp", f"/plan/items/{item.pk}/"),
        ("proposals", "fp", "/plan/measures/"),
        ("proposal", "fp", f"/plan/measures/{proposal.pk}/"),
        ("reports", "fp", "/plan/reports/"),
        ("report", "fp", f"/plan/reports/{report.pk}/"),
        ("review list", "secretariat", "/plan/review/"),
        ("review", "secretariat", f"/plan/review/{year}/"),
        ("feed settings", "fp", "/meetings/calendar-feed/"),
    ]
    api = [
        "member-states/",
        "notifications/",
        "approvals/",
        "action-plan/areas/",
        "action-plan/reports/",
        "action-plan/review-cycles/",
        "focal-points/",
        "organisation-contact-points/",
        "meetings/",
        "meetings/registrations/",
        "meetings/training-requests/",
        "exchange/templates/",
        "exchange/shares/",
        f"exchange/shares/{share.pk}/",
        f"approvals/{approval.pk}/",
        f"focal-points/{entry.pk}/",
        f"meetings/{meeting.pk}/",
        f"meetings/registrations/{registration.pk}/",
    ]
    for path in api:
        for who in ("fp", "approver", "secretariat"):
            pages.append((f"API {path}", who, f"/api/v1/{path}"))
    return pages


def _count(client, users, pages) -> dict[tuple[str, str, str], tuple[int, int]]:
    counts = {}
    for page in pages:
        _name, who, path = page
        client.force_login(users[who])
        client.get(path)  # warm per-process caches (content types, permissions)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        counts[page] = (response.status_code, len(queries))
    return counts


@pytest.mark.django_db
def test_it_costs_the_same_queries_with_10_and_with_1000_rows_behind_every_page(
    client, fp_kz, approver_kz, secretariat, settings
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    from actionplan import services as plan_services

    plan_services.load_plan()
    users = {"fp": fp_kz, "approver": approver_kz, "secretariat": secretariat}
    _add_rows(10, users, seed=1)
    pages = _pages(users)
    small = _count(client, users, pages)
    _add_rows(990, users, seed=2)
    large = _count(client, users, pages)

    problems = []
    for page in pages:
        (status_small, n_small), (status_large, n_large) = small[page], large[page]
        label = f"{page[0]} as {page[1]} ({page[2]})"
        if status_small != status_large:
            problems.append(f"{label}: HTTP {status_small} then {status_large}")
        if n_small != n_large:
            problems.append(f"{label}: {n_small} queries with 10 rows, {n_large} with 1,000")
        # An approval's detail records what the approver was shown, and a share's read.
        detail = (
            page[0] in DETAIL_PAGES
            or page[0].startswith("API exchange/shares/")
            or re.fullmatch(r"API approvals/\d+/", page[0]) is not None
        )
        budget = DETAIL_BUDGET if detail else LIST_BUDGET
        if n_large > budget:
            problems.append(f"{label}: {n_large} queries, over the budget of {budget}")
    assert not problems, "\n".join(problems)
    # The pages were really shown (not all 403/404), the detail pages included.
    assert sum(1 for status, _n in large.values() if status == 200) >= len(pages) * 0.8
