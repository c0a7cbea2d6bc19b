"""What the Action Plan plugs into the core's approvals: plan items and new measures."""

from cica_portal import approvals

from . import selectors
from .models import MeasureProposal, PlanItem
from .services import plan, proposals


def _item_closed(request, *, actor=None) -> None:
    plan.item_approval_closed(PlanItem.objects.get(pk=request.subject_id), request, actor=actor)


def _measure_closed(request, *, actor=None) -> None:
    proposals.measure_approval_closed(
        MeasureProposal.objects.get(pk=request.subject_id), request, actor=actor
    )


ITEM = approvals.SubjectType(
    purpose=plan.ITEM_PURPOSE,
    model=PlanItem,
    visible_to=selectors.items_visible_to,
    on_closed=_item_closed,
    summary_template="actionplan/approval_subject_planitem.html",
)

MEASURE = approvals.SubjectType(
    purpose=proposals.MEASURE_PURPOSE,
    model=MeasureProposal,
    visible_to=selectors.proposals_visible_to,
    on_closed=_measure_closed,
    summary_template="actionplan/approval_subject_measureproposal.html",
)


def register() -> None:
    approvals.register(ITEM)
    approvals.register(MEASURE)
