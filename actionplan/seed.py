"""Demo data for the Action Plan: the plan from the document, open approvals, a review cycle.

Idempotent: everything is looked up first and only what is missing is made.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from cica_portal import approvals
from cica_portal.models import ApprovalRequest, Area, State, User

from . import services
from .models import ImplementationReport, ItemStatusChange, MeasureProposal, PlanItem, ReviewCycle

DEMO_MEASURE = {
    "area": 4,
    "title": "Regional network of anti-trafficking hotlines among CICA focal points",
    "text": "Member States designate a 24-hour contact point within their focal points network "
    "for urgent cases of trafficking in human beings, and exchange the contact details through "
    "the CICA Secretariat once a year.",
    "rationale": "Proposed following the joint CICA-IOM regional seminar on human trafficking.",
}
MEASURE_APPROVED_BY = ["KZ", "RU", "CN", "TR", "AZ", "KG", "TJ", "MN", "TH"]
ITEM_APPROVED_BY = ["KZ", "AZ", "IN", "KR"]
# (area, kind, number, statuses to move through, reason)
DECISION_BASIS = "SOC, Astana, 2025: conclusions on the implementation of the Action Plan"
DECISIONS = [
    (
        1,
        "activity",
        1,
        ["approved", "completed"],
        "The experts meeting on border control and management was held.",
    ),
    (
        1,
        "issue",
        1,
        ["approved", "in_implementation"],
        "Agreed at the SOC; nominations of focal points are being collected.",
    ),
    (
        2,
        "issue",
        1,
        ["approved", "in_implementation"],
        "The seminar calendar was agreed by the SOC.",
    ),
    (
        2,
        "issue",
        4,
        ["approved", "in_implementation"],
        "Agreed together with the focal points network under area I.",
    ),
    (3, "activity", 1, ["approved"], "The SOC agreed to convene the experts meeting."),
    (4, "topic", 3, ["deferred"], "Deferred until the regional seminar has met."),
]
SUBMITTED = ["KZ", "RU", "CN", "TR", "AZ", "IN", "MN", "TH"]
DRAFTS = ["KG", "TJ", "UZ", "PK", "QA"]
RETURNED = ["EG"]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _answer(request: ApprovalRequest, codes: list[str]) -> None:
    for code in codes:
        approver = _user(f"approver-{code.lower()}")
        if approver is None:
            continue
        answer = request.current_answers().filter(state__code=code).first()
        if answer is not None and answer.is_pending and request.is_open:
            approvals.answer_request(
                request,
                approver=approver,
                decision="approve",
                comment="",  # demo approvers write no words of their own (in any language)
                seen_hash=request.content_hash,
            )
            request.refresh_from_db()


def _decisions(secretariat: User) -> int:
    done = 0
    for area, kind, number, steps, reason in DECISIONS:
        item = PlanItem.objects.filter(area__number=area, kind=kind, number=number).first()
        if item is None or item.status_changes.filter(via=ItemStatusChange.Via.DECISION).exists():
            continue
        for step in steps:
            services.change_status(
                item, to_status=step, actor=secretariat, reason=reason, basis=DECISION_BASIS
            )
            item.refresh_from_db()
        done += 1
    return done


def _open_item_approval(secretariat: User) -> None:
    item = PlanItem.objects.get(area__number=1, kind="issue", number=6)
    item_type = ContentType.objects.get_for_model(PlanItem)
    request = ApprovalRequest.objects.filter(subject_type=item_type, subject_id=item.pk).first()
    if request is None:
        request = services.put_to_approval(item, actor=secretariat)
    _answer(request, ITEM_APPROVED_BY)


def _measure(proposer: User) -> None:
    proposal = MeasureProposal.objects.filter(title=DEMO_MEASURE["title"]).first()
    if proposal is None:
        proposal = services.propose_measure(
            proposer=proposer,
            area=Area.objects.get(number=DEMO_MEASURE["area"]),
            title=DEMO_MEASURE["title"],
            text=DEMO_MEASURE["text"],
            rationale=DEMO_MEASURE["rationale"],
        )
    request = services.proposals.request_of(proposal)
    if request is not None:
        _answer(request, MEASURE_APPROVED_BY)


def _cycle(secretariat: User) -> ReviewCycle:
    today = timezone.localdate()
    deadline = today + timedelta(days=21)
    swg_start = deadline + timedelta(days=10)
    soc_start = swg_start + timedelta(days=30)
    cycle, _ = ReviewCycle.objects.get_or_create(
        year=today.year,
        defaults={
            "opens_on": today - timedelta(days=30),
            "report_deadline": deadline,
            "swg_start": swg_start,
            "swg_end": swg_start + timedelta(days=1),
            "soc_start": soc_start,
            "soc_end": soc_start + timedelta(days=1),
        },
    )
    if cycle.status == ReviewCycle.Status.PLANNED:
        services.open_cycle(cycle, actor=secretariat)
        cycle.refresh_from_db()
    return cycle


def _reports(cycle: ReviewCycle, secretariat: User) -> int:
    made = 0
    for code in SUBMITTED + DRAFTS + RETURNED:
        focal_point = _user(f"fp-{code.lower()}")
        if focal_point is None or not cycle.is_open:
            continue
        if ImplementationReport.objects.filter(cycle=cycle, state=focal_point.state).exists():
            continue
        report = services.start_report(cycle, actor=focal_point)
        entries = {}
        for n, entry in enumerate(report.entries.select_related("item")):
            progress = ("completed", "in_progress", "not_started", "in_progress")[n % 4]
            narrative = (
                f"{focal_point.state.name_en}: national agencies took part; "
                f"see the attached summary for {entry.item.label}."
                if progress != "not_started"
                else ""
            )
            entries[entry.item_id] = {"progress": progress, "narrative": narrative}
        services.save_report(report, actor=focal_point, entries=entries)
        if code in SUBMITTED or code in RETURNED:
            services.submit_report(report, actor=focal_point)
        if code in RETURNED:
            services.return_report(
                report,
                actor=secretariat,
                reason="Please describe the activities under area III in more detail.",
            )
        made += 1
    return made


def seed_demo(*, password: str, stdout) -> None:
    """The plan, two open approvals, and this year's review cycle with some reports."""
    loaded = services.load_plan()
    stdout.write(f"Action Plan: {loaded['created']} items loaded from the document.")
    if not PlanItem.objects.exclude(text_ru="").exclude(text_ru=None).exists():
        # The Russian text ships as a draft translation; an official one loaded since stays.
        translated = services.load_plan_translation()
        stdout.write(f"Action Plan: Russian draft translation of {translated['changed']} items.")
    secretariat = _user("secretariat")
    proposer = _user("fp-kz")
    if secretariat is None or proposer is None or not State.objects.members().exists():
        stdout.write("Action Plan: demo people missing; approvals and reports skipped.")
        return
    with transaction.atomic():
        decided = _decisions(secretariat)
        _open_item_approval(secretariat)
        _measure(proposer)
        cycle = _cycle(secretariat)
        made = _reports(cycle, secretariat)
    stdout.write(
        f"Action Plan: {decided} status decisions, review cycle {cycle.year} "
        f"({made} reports made now)."
    )
