"""What the Action Plan plugs into the core's approvals: plan items and new measures."""

from cica_portal import approvals, decisions

from . import selectors
from .models import MeasureProposal, PlanItem
from .services import plan, proposals

ITEM = approvals.SubjectType(
    purpose=plan.ITEM_PURPOSE,
    model=PlanItem,
    visible_to=selectors.items_visible_to,
    on_closed=plan.item_approval_closed,
    summary_template="actionplan/approval_subject_planitem.html",
    allows_silence=True,
    content_of=plan.item_content,
)

MEASURE = approvals.SubjectType(
    purpose=proposals.MEASURE_PURPOSE,
    model=MeasureProposal,
    visible_to=selectors.proposals_visible_to,
    on_closed=proposals.measure_approval_closed,
    summary_template="actionplan/approval_subject_measureproposal.html",
    allows_silence=True,
)


# The decision register's links and areas for decisions about the plan's items and measures
# (a Secretariat decision on an item enters the register under the item's purpose).
ITEM_DECISIONS = decisions.DecisionSource(
    name=plan.ITEM_PURPOSE,
    model=PlanItem,
    visible_to=selectors.items_visible_to,
    url_of=PlanItem.get_absolute_url,
    area_of=lambda item: item.area,
)

MEASURE_DECISIONS = decisions.DecisionSource(
    name=proposals.MEASURE_PURPOSE,
    model=MeasureProposal,
    visible_to=selectors.proposals_visible_to,
    url_of=MeasureProposal.get_absolute_url,
    area_of=lambda proposal: proposal.area,
)


def register() -> None:
    approvals.register(ITEM)
    approvals.register(MEASURE)
    decisions.register(ITEM_DECISIONS)
    decisions.register(MEASURE_DECISIONS)
