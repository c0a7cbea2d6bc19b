"""New confidence-building measures: proposed by a member state, in the plan only once approved."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cica_portal import approvals, audit, bilingual
from cica_portal.models import ApprovalRequest, Area, State, User
from cica_portal.transactions import retry_on_deadlock

from .. import selectors
from ..models import ItemStatusChange, MeasureProposal, PlanItem
from .errors import ActionPlanError

MEASURE_PURPOSE = "actionplan.measure"
APPROVAL_DAYS = 60

OUTCOME: dict[str, str] = {
    ApprovalRequest.Status.APPROVED: MeasureProposal.Status.APPROVED,
    ApprovalRequest.Status.REJECTED: MeasureProposal.Status.REJECTED,
    ApprovalRequest.Status.EXPIRED: MeasureProposal.Status.EXPIRED,
    ApprovalRequest.Status.WITHDRAWN: MeasureProposal.Status.WITHDRAWN,
}


@retry_on_deadlock
@transaction.atomic
def propose_measure(
    *,
    proposer: User,
    area: Area,
    title: str,
    text: str,
    rationale: str = "",
    deadline: datetime | None = None,
) -> MeasureProposal:
    """A member state proposes a new measure; every member state is asked to approve it."""
    if not selectors.may_propose(proposer):
        raise ActionPlanError(
            _("Only a member state's focal point or approver can propose a measure."),
            code="forbidden",
        )
    if not proposer.national_state.is_member:
        raise ActionPlanError(_("Only member states propose measures."), code="forbidden")
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise ActionPlanError(_("Give the measure a title."), field="title")
    if not text:
        raise ActionPlanError(_("Write the text of the measure."), field="text")
    proposal = MeasureProposal.objects.create(
        area=area,
        title=title,
        text=text,
        rationale=(rationale or "").strip(),
        state=proposer.national_state,
        proposed_by=proposer,
    )
    audit.log(
        proposal,
        "actionplan.measure.proposed",
        actor=proposer,
        data={"area": area.number, "state": proposer.national_state.code},
    )
    approvals.open_request(
        proposal,
        purpose=MEASURE_PURPOSE,
        title=bilingual.in_every_language(
            lambda: (
                _("New measure proposed under area %(roman)s: %(title)s")
                % {"roman": area.roman, "title": title[:200]}
            )
        ),
        content=proposal.approval_content(),
        states=State.objects.members(),
        opened_by=proposer,
        deadline=deadline or timezone.now() + timedelta(days=APPROVAL_DAYS),
    )
    return proposal


def request_of(proposal: MeasureProposal) -> ApprovalRequest | None:
    return (
        ApprovalRequest.objects.filter(
            subject_type=ContentType.objects.get_for_model(MeasureProposal),
            subject_id=proposal.pk,
        )
        .order_by("-opened_at")
        .first()
    )


@retry_on_deadlock
@transaction.atomic
def withdraw_proposal(proposal: MeasureProposal, *, actor: User) -> MeasureProposal:
    """The proposing state takes its proposal back while member states are still answering."""
    # The request before the proposal: the order an answer that closes it takes them in.
    approvals.lock_request(getattr(request_of(proposal), "pk", None))
    proposal = MeasureProposal.objects.select_for_update(of=("self",), no_key=True).get(
        pk=proposal.pk
    )
    if not selectors.is_proposing_state(actor, proposal):
        raise ActionPlanError(_("Only the proposing state can withdraw it."), code="forbidden")
    if not selectors.may_withdraw_proposal(actor, proposal):
        raise ActionPlanError(_("This proposal is no longer pending."), code="conflict")
    request = request_of(proposal)
    if request is not None:
        approvals.withdraw_request(request, actor=actor)
    proposal.status = MeasureProposal.Status.WITHDRAWN
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    audit.log(proposal, "actionplan.measure.withdrawn", actor=actor)
    return proposal


def measure_approval_closed(
    proposal: MeasureProposal, request: ApprovalRequest, *, actor: User | None
) -> None:
    """Consensus puts the measure into the plan as approved; otherwise it stays out."""
    proposal = MeasureProposal.objects.select_for_update(of=("self",), no_key=True).get(
        pk=proposal.pk
    )
    if proposal.status != MeasureProposal.Status.PENDING:
        return
    proposal.status = OUTCOME.get(request.status, MeasureProposal.Status.REJECTED)
    proposal.decided_at = timezone.now()
    if proposal.status == MeasureProposal.Status.APPROVED:
        # Lock the area so two measures approved at once get different numbers.
        Area.objects.select_for_update(of=("self",), no_key=True).get(pk=proposal.area_id)
        last = PlanItem.objects.filter(
            area_id=proposal.area_id, kind=PlanItem.Kind.MEASURE
        ).aggregate(n=models.Max("number"))["n"]
        # The measure's text is the original in the language its proposer writes in (their
        # account's), whoever's answer closed the request.
        written = bilingual.written_language(proposal.proposed_by)
        with translation.override(written):
            item = PlanItem.objects.create(
                area_id=proposal.area_id,
                kind=PlanItem.Kind.MEASURE,
                number=(last or 0) + 1,
                title=proposal.title,
                text=proposal.text,
                status=PlanItem.Status.APPROVED,
                proposed_by_state_id=proposal.state_id,
                **bilingual.statuses_for_original(written),
            )
        ItemStatusChange.objects.create(
            item=item,
            from_status="",
            to_status=item.status,
            via=ItemStatusChange.Via.APPROVAL,
            approval=request,
            by=actor,
            reason=_("New measure approved by the member states (request %(pk)s).")
            % {"pk": request.pk},
        )
        proposal.item = item
        audit.log(
            item,
            "actionplan.measure.entered_plan",
            actor=actor,
            data={"proposal": proposal.pk, "approval": request.pk},
        )
    proposal.save(update_fields=["status", "decided_at", "item"])
    audit.log(
        proposal,
        f"actionplan.measure.{proposal.status}",
        actor=actor,
        data={"approval": request.pk},
    )
