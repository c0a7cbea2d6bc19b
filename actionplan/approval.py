"""What the Action Plan plugs into the core's approvals: plan items and new measures."""

from cica_portal import approvals

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


def register() -> None:
    approvals.register(ITEM)
    approvals.register(MEASURE)
