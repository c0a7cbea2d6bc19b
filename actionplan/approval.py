"""What the Action Plan plugs into the core's approvals: plan items, new measures and the
SOC's adoption of the annual review."""

from cica_portal import approvals, decisions

from . import selectors
from .models import MeasureProposal, PlanItem, ReviewCycle
from .services import plan, proposals, stages

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

# The SOC's adoption of the consolidated review: the approvers of every member state answer;
# they read the text through the approval page (the review page opens to them once published).
REVIEW = approvals.SubjectType(
    purpose=stages.REVIEW_PURPOSE,
    model=ReviewCycle,
    visible_to=selectors.reviews_put_to_states,
    on_closed=stages.review_approval_closed,
    summary_template="actionplan/approval_subject_reviewcycle.html",
    allows_silence=True,
    content_of=stages.review_content_of,
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

REVIEW_DECISIONS = decisions.DecisionSource(
    name=stages.REVIEW_PURPOSE,
    model=ReviewCycle,
    visible_to=selectors.reviews_put_to_states,
    url_of=ReviewCycle.get_absolute_url,
)


def register() -> None:
    approvals.register(ITEM)
    approvals.register(MEASURE)
    decisions.register(ITEM_DECISIONS)
    decisions.register(MEASURE_DECISIONS)
    approvals.register(REVIEW)
    decisions.register(REVIEW_DECISIONS)
