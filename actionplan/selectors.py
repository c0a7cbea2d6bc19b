"""Reads of the actionplan app, always scoped to the user asking (404 for missing-or-not-yours)."""

from __future__ import annotations

import functools
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_noop

from cica_portal import approvals
from cica_portal.bilingual import LanguageStatus
from cica_portal.models import ApprovalRequest, Area, State, User

from .models import (
    ImplementationReport,
    ItemStatusChange,
    MeasureProposal,
    PlanItem,
    ReportAttachment,
    ReportEntry,
    ReviewCycle,
)

# Items "in the plan": a measure is only there once approved, so PROPOSED never shows.
IN_PLAN = ~Q(status=PlanItem.Status.PROPOSED)


def plan_items() -> QuerySet[PlanItem]:
    return PlanItem.objects.filter(IN_PLAN).select_related("area", "proposed_by_state")


DATA_FILE = Path(__file__).resolve().parent / "data" / "action-plan-2008.json"
# The plan's Russian text as the portal ships it: a draft translation (services.plan).
RUSSIAN_FILE = DATA_FILE.with_name("action-plan-2008.ru.json")

# The source document's own words around the areas, marked here to be translated (the data
# file holds them in English, as the plan was adopted).
_HEADINGS = (
    gettext_noop("Issues for possible consideration and approval by Member States:"),
    gettext_noop("Issues for possible consideration:"),
)


@functools.cache
def plan_document() -> dict:
    """The plan's title, its Introduction and each area's heading of its issues, as the source
    document has them (the items themselves are rows: `plan_items`)."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    russian = json.loads(RUSSIAN_FILE.read_text(encoding="utf-8")) if RUSSIAN_FILE.exists() else {}
    return {
        "title": data["title"],
        "introduction": data["introduction"],
        "introduction_ru": russian.get("introduction", []),
        "headings": {area["number"]: area.get("items_heading", "") for area in data["areas"]},
    }


def plan_translation_is_official() -> bool:
    """The Russian text of the plan is official once every item's Russian version is."""
    return not plan_items().exclude(ru_status=LanguageStatus.OFFICIAL).exists()


def plan_areas() -> QuerySet[Area]:
    """The four areas with their items in the plan, in two queries."""
    return Area.objects.order_by("number").prefetch_related(
        Prefetch("items", queryset=plan_items().order_by("kind", "number", "pk"), to_attr="plan")
    )


def items_visible_to(user: User) -> QuerySet[PlanItem]:
    """Every network member reads the plan's items (and those put to their approval)."""
    if not (user.is_authenticated and user.is_network_member):
        return PlanItem.objects.none()
    return PlanItem.objects.all()


def decided_status_choices() -> list[tuple[str, str]]:
    """The statuses a decision may give an item in the plan (never back to proposed)."""
    return [
        (v, str(label)) for v, label in PlanItem.Status.choices if v != PlanItem.Status.PROPOSED
    ]


def get_item_for(user: User, pk: int) -> PlanItem:
    """The plan is read by every network member; a proposed item is not in it."""
    if not (user.is_authenticated and user.is_network_member):
        raise Http404
    return get_object_or_404(plan_items(), pk=pk)


def history_of(item: PlanItem) -> QuerySet[ItemStatusChange]:
    return item.status_changes.select_related("by", "approval", "basis_meeting")


def approvals_of(model: type, pks: Iterable[int]) -> QuerySet[ApprovalRequest]:
    requests = ApprovalRequest.objects.filter(
        subject_type=ContentType.objects.get_for_model(model), subject_id__in=list(pks)
    )
    return approvals.with_answer_counts(requests).order_by("-opened_at")


def open_approvals() -> QuerySet[ApprovalRequest]:
    """Open requests about plan items and new measures, with how many states answered."""
    types = ContentType.objects.get_for_models(PlanItem, MeasureProposal).values()
    requests = ApprovalRequest.objects.filter(
        subject_type__in=list(types), status=ApprovalRequest.Status.OPEN
    )
    return approvals.with_answer_counts(requests).order_by("deadline", "opened_at")


def open_approvals_followed_by(user: User) -> QuerySet[ApprovalRequest]:
    """Every open request the user may follow, whatever its subject (plan items, new measures,
    invitations of international bodies, and the shares it may read), soonest deadline first."""
    requests = approvals.requests_visible_to(user).filter(status=ApprovalRequest.Status.OPEN)
    return approvals.with_answer_counts(requests).order_by(
        F("deadline").asc(nulls_last=True), "opened_at"
    )


# --- Proposals ---------------------------------------------------------------------------------


def proposals_visible_to(user: User) -> QuerySet[MeasureProposal]:
    """The Secretariat sees all; a state's people see their state's proposals in every outcome
    and the other states' pending ones, which they are asked to approve."""
    queryset = MeasureProposal.objects.select_related("area", "state", "proposed_by", "item")
    if not (user.is_authenticated and user.is_network_member):
        return queryset.none()
    if user.is_secretariat:
        return queryset
    return queryset.filter(Q(state_id=user.state_id) | Q(status=MeasureProposal.Status.PENDING))


def get_proposal_for(user: User, pk: int) -> MeasureProposal:
    return get_object_or_404(proposals_visible_to(user), pk=pk)


# --- Reports -----------------------------------------------------------------------------------


def reports_visible_to(user: User) -> QuerySet[ImplementationReport]:
    """A state's focal points and approvers see their own state's reports, drafts included;
    the Secretariat sees a report once it has been submitted (and while it is being corrected),
    never a draft the state has not yet sent."""
    queryset = ImplementationReport.objects.select_related("cycle", "state", "submitted_by")
    if not (user.is_authenticated and user.is_network_member):
        return queryset.none()
    if user.is_secretariat:
        return queryset.exclude(status=ImplementationReport.Status.DRAFT)
    return queryset.filter(state_id=user.national_state_id)


def get_report_for(user: User, pk: int) -> ImplementationReport:
    return get_object_or_404(reports_visible_to(user), pk=pk)


def entries_of(report: ImplementationReport) -> QuerySet[ReportEntry]:
    return report.entries.select_related("item__area")


def attachments_of(report: ImplementationReport) -> QuerySet[ReportAttachment]:
    return report.attachments.select_related("item__area", "uploaded_by")


def get_attachment_for(user: User, pk: int) -> ReportAttachment:
    visible = reports_visible_to(user).values("pk")
    return get_object_or_404(
        ReportAttachment.objects.select_related("report"), pk=pk, report__in=visible
    )


# --- Review cycles -----------------------------------------------------------------------------


def cycles_visible_to(user: User) -> QuerySet[ReviewCycle]:
    """The dates of the review are known to every network member."""
    if not (user.is_authenticated and user.is_network_member):
        return ReviewCycle.objects.none()
    return ReviewCycle.objects.all()


def current_cycle() -> ReviewCycle | None:
    """The open cycle, else the latest one."""
    return (
        ReviewCycle.objects.filter(status=ReviewCycle.Status.OPEN).order_by("-year").first()
        or ReviewCycle.objects.order_by("-year").first()
    )


@dataclass
class StateRow:
    state: State
    report: ImplementationReport | None
    progress: Counter = field(default_factory=Counter)
    linked: bool = False  # the user may open the report

    @property
    def status(self) -> str:
        return self.report.status if self.report else "missing"

    @property
    def percent(self) -> int:
        """Share of entries reported in progress or completed (completed counts double)."""
        total = sum(self.progress.values())
        if not total:
            return 0
        done = self.progress["completed"] * 2 + self.progress["in_progress"]
        return round(done * 50 / total)


@dataclass
class AreaRow:
    area: Area
    items: list[PlanItem]
    statuses: Counter
    approvals: list[ApprovalRequest]

    @property
    def percent(self) -> int:
        if not self.items:
            return 0
        return round(sum(item.progress for item in self.items) / len(self.items))


def step5(value: int) -> int:
    """Round a percentage to the CSS width classes (w-0 … w-100, steps of 5)."""
    return max(0, min(100, int(5 * round(value / 5))))


def _plan_of(area: Area) -> list[PlanItem]:
    """The area's items in the plan, as `plan_areas()` prefetched them."""
    return area.plan  # type: ignore[attr-defined]  # set by Prefetch(to_attr="plan")


def area_progress() -> list[AreaRow]:
    """Each area's items and statuses: the plan's progress by area (for charts)."""
    areas = list(plan_areas())
    item_pks = [item.pk for area in areas for item in _plan_of(area)]
    by_item: dict[int, list[ApprovalRequest]] = defaultdict(list)
    for request in approvals_of(PlanItem, item_pks):
        by_item[request.subject_id].append(request)
    rows = []
    for area in areas:
        plan = _plan_of(area)
        rows.append(
            AreaRow(
                area=area,
                items=plan,
                statuses=Counter(item.status for item in plan),
                approvals=[r for item in plan for r in by_item.get(item.pk, [])],
            )
        )
    return rows


def state_rows(cycle: ReviewCycle, *, user: User) -> list[StateRow]:
    """Every member state with its report: a draft the state has not sent is no report, to
    anyone; only a submitted report's entries count. A report links only for who may open it
    (`reports_visible_to`). In 4 queries."""
    sent = ImplementationReport.objects.filter(cycle=cycle).exclude(
        status=ImplementationReport.Status.DRAFT
    )
    reports = {report.state_id: report for report in sent.select_related("state")}
    openable = set(reports_visible_to(user).filter(cycle=cycle).values_list("pk", flat=True))
    progress: dict[int, Counter] = defaultdict(Counter)
    for row in (
        ReportEntry.objects.filter(
            report__cycle=cycle, report__status=ImplementationReport.Status.SUBMITTED
        )
        .values("report__state_id", "progress")
        .annotate(n=Count("pk"))
    ):
        progress[row["report__state_id"]][row["progress"]] = row["n"]
    rows = []
    for state in State.objects.members().order_by("name_en"):
        report = reports.get(state.pk)
        rows.append(
            StateRow(
                state=state,
                report=report,
                progress=progress[state.pk],
                linked=report is not None and report.pk in openable,
            )
        )
    return rows


def review_summary(cycle: ReviewCycle, *, user: User) -> dict:
    """Who reported and who did not, for the dashboard and the review page."""
    rows = state_rows(cycle, user=user)
    submitted = [r for r in rows if r.status == ImplementationReport.Status.SUBMITTED]
    missing = [r for r in rows if r.status != ImplementationReport.Status.SUBMITTED]
    return {"cycle": cycle, "rows": rows, "submitted": submitted, "missing": missing}


# --- "may I": each rule once; services refuse with it, views hand the answers to templates ----

# What the Secretariat may put to all member states' approval.
APPROVABLE_STATUSES = (
    PlanItem.Status.UNDER_CONSIDERATION,
    PlanItem.Status.PROPOSED,
    PlanItem.Status.DEFERRED,
)


def open_request_of(item: PlanItem) -> ApprovalRequest | None:
    return (
        ApprovalRequest.objects.filter(
            subject_type=ContentType.objects.get_for_model(PlanItem),
            subject_id=item.pk,
            status=ApprovalRequest.Status.OPEN,
        )
        .order_by("-opened_at")
        .first()
    )


def may_change_item_status(user: User) -> bool:
    """The Secretariat records the status decided for an item."""
    return user.is_secretariat


def may_put_to_approval(user: User, item: PlanItem, open_request: ApprovalRequest | None) -> bool:
    """The Secretariat asks all member states about an item not yet in the plan, once at a time."""
    return user.is_secretariat and item.status in APPROVABLE_STATUSES and open_request is None


def may_withdraw_item_approval(user: User, open_request: ApprovalRequest | None) -> bool:
    return user.is_secretariat and open_request is not None


def may_propose(user: User) -> bool:
    """A member state's focal point or approver proposes a new measure."""
    return user.is_focal_point or user.is_approver


def is_proposing_state(user: User, proposal: MeasureProposal) -> bool:
    return (user.is_focal_point or user.is_approver) and user.state_id == proposal.state_id


def may_withdraw_proposal(user: User, proposal: MeasureProposal) -> bool:
    """The proposing state takes its proposal back while member states are still answering."""
    return is_proposing_state(user, proposal) and proposal.status == MeasureProposal.Status.PENDING


def is_report_author(user: User, report: ImplementationReport) -> bool:
    """The state's focal point writes its report."""
    return user.is_focal_point and user.state_id == report.state_id


def may_edit_report(user: User, report: ImplementationReport) -> bool:
    return is_report_author(user, report) and report.is_editable


def may_start_report(user: User) -> bool:
    return user.is_focal_point


def may_follow_reviews(user: User) -> bool:
    """The annual review cycles, their planning and the consolidated review: the Secretariat."""
    return user.is_secretariat


def may_read_review(user: User, cycle: ReviewCycle) -> bool:
    """The Secretariat reads the consolidated review at every stage; once the SOC adopted it
    and it is published, so do member states' focal points and approvers."""
    if not (user.is_authenticated and user.is_network_member):
        return False
    if user.is_secretariat:
        return True
    return cycle.is_published and (user.is_focal_point or user.is_approver)


def reviews_put_to_states(user: User) -> QuerySet[ReviewCycle]:
    """The reviews a user may read through their approval or the decision register: the
    Secretariat all; a member state's people those the Secretariat sent to the SOC."""
    if not (user.is_authenticated and user.is_network_member):
        return ReviewCycle.objects.none()
    if user.is_secretariat:
        return ReviewCycle.objects.all()
    if not (user.is_focal_point or user.is_approver):
        return ReviewCycle.objects.none()
    return ReviewCycle.objects.filter(
        stage__in=(ReviewCycle.Stage.SOC, ReviewCycle.Stage.PUBLISHED)
    )


def may_manage_review(user: User, cycle: ReviewCycle) -> bool:
    """The Secretariat moves the review through its stages until it is published."""
    return user.is_secretariat and cycle.is_open


def review_rights(user: User, cycle: ReviewCycle, open_request: ApprovalRequest | None) -> dict:
    """The answers the review page needs for its buttons."""
    manage = may_manage_review(user, cycle)
    Stage = ReviewCycle.Stage
    return {
        "manage": manage,
        "write": manage and cycle.stage in (Stage.REPORTING, Stage.CONSOLIDATION),
        "consolidate": manage and cycle.stage == Stage.REPORTING,
        "to_swg": manage and cycle.stage == Stage.CONSOLIDATION,
        "swg": manage and cycle.stage == Stage.SWG,
        "to_soc": manage and cycle.stage in (Stage.SWG, Stage.SOC) and open_request is None,
    }


def open_review_request(cycle: ReviewCycle) -> ApprovalRequest | None:
    return (
        ApprovalRequest.objects.filter(
            subject_type=ContentType.objects.get_for_model(ReviewCycle),
            subject_id=cycle.pk,
            status=ApprovalRequest.Status.OPEN,
        )
        .order_by("-opened_at")
        .first()
    )


def review_requests(cycle: ReviewCycle) -> QuerySet[ApprovalRequest]:
    return approvals_of(ReviewCycle, [cycle.pk])


def returned_reports_of(user: User) -> QuerySet[ImplementationReport]:
    """The user's state's reports returned for correction, in whatever cycle."""
    if not (user.is_authenticated and (user.is_focal_point or user.is_approver)):
        return ImplementationReport.objects.none()
    return reports_visible_to(user).filter(status=ImplementationReport.Status.RETURNED)


def may_return_report(user: User, report: ImplementationReport) -> bool:
    """The Secretariat returns a submitted report for correction."""
    return user.is_secretariat and report.status == ImplementationReport.Status.SUBMITTED


def item_rights(user: User, item: PlanItem, open_request: ApprovalRequest | None) -> dict:
    """The answers an item's page needs."""
    return {
        "change_status": may_change_item_status(user),
        "put_to_approval": may_put_to_approval(user, item, open_request),
        "withdraw_approval": may_withdraw_item_approval(user, open_request),
    }
