"""The review's stages as work: states report, the Secretariat consolidates and writes its
summary and conclusions, the SWG considers the text and its conclusions are recorded, the SOC
adopts it (consensus or silence, through the approvals, bound to the text's hash), and the
adopted review is published to every member state's people.

Each step is one function; each refuses a step out of order with a sentence a person can read.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import approvals, audit
from cica_portal.models import ApprovalRequest, State, User
from cica_portal.notifications import Notice, notify, secretariat_users
from cica_portal.transactions import retry_on_deadlock

from .. import consolidated, selectors
from ..models import ReviewCycle
from .errors import ActionPlanError
from .review import submitted_state_ids

REVIEW_PURPOSE = "actionplan.review"
SOC_DAYS = 30
Stage = ReviewCycle.Stage


def _lock(cycle: ReviewCycle, actor: User | None) -> ReviewCycle:
    if actor is not None and not actor.is_secretariat:
        raise ActionPlanError(
            _("Only the Secretariat moves the review through its stages."), code="forbidden"
        )
    return ReviewCycle.objects.select_for_update(of=("self",), no_key=True).get(pk=cycle.pk)


def _require(cycle: ReviewCycle, *stages: str) -> None:
    if not cycle.is_open or cycle.stage not in stages:
        raise ActionPlanError(
            _("The %(year)s review is at the stage “%(stage)s”: this step is not possible now.")
            % {"year": cycle.year, "stage": Stage(cycle.stage).label},
            code="conflict",
        )


def _move(
    cycle: ReviewCycle, stage: str, *, actor: User | None, stamp: str, **data: object
) -> None:
    before = cycle.stage
    cycle.stage = stage
    setattr(cycle, stamp, timezone.now())
    cycle.save(update_fields=["stage", stamp])
    audit.log(
        cycle,
        "actionplan.review.stage",
        actor=actor,
        data={"year": cycle.year, "from": before, "to": stage, **data},
    )


def content_hash_of(cycle: ReviewCycle) -> str:
    return approvals.content_hash(consolidated.review_content(cycle))


@retry_on_deadlock
@transaction.atomic
def write_review_text(
    cycle: ReviewCycle, *, actor: User, summary: str, conclusions: str
) -> ReviewCycle:
    """The Secretariat writes its summary and conclusions, until the text goes to the SWG."""
    cycle = _lock(cycle, actor)
    _require(cycle, Stage.REPORTING, Stage.CONSOLIDATION)
    summary, conclusions = (summary or "").strip(), (conclusions or "").strip()
    changes = {
        name: value
        for name, value in (("summary", summary), ("conclusions", conclusions))
        if getattr(cycle, name) != value
    }
    if not changes:
        return cycle
    for name, value in changes.items():
        setattr(cycle, name, value)
    cycle.save(update_fields=list(changes))
    audit.log(cycle, "actionplan.review.text_written", actor=actor, data=changes)
    return cycle


@retry_on_deadlock
@transaction.atomic
def begin_consolidation(cycle: ReviewCycle, *, actor: User) -> ReviewCycle:
    """States have reported: no new report starts; late and corrected ones may still come."""
    cycle = _lock(cycle, actor)
    _require(cycle, Stage.REPORTING)
    submitted = len(submitted_state_ids(cycle))
    _move(cycle, Stage.CONSOLIDATION, actor=actor, stamp="consolidated_at", submitted=submitted)
    return cycle


@retry_on_deadlock
@transaction.atomic
def send_to_swg(cycle: ReviewCycle, *, actor: User) -> ReviewCycle:
    """The consolidated text goes to the SWG: from now on it and the reports no longer change."""
    cycle = _lock(cycle, actor)
    _require(cycle, Stage.CONSOLIDATION)
    if not (cycle.summary.strip() and cycle.conclusions.strip()):
        raise ActionPlanError(
            _("Write the Secretariat's summary and conclusions before sending it to the SWG."),
            field="summary",
        )
    if not submitted_state_ids(cycle):
        raise ActionPlanError(
            _("No member state has submitted a report: there is nothing to consider."),
            code="conflict",
        )
    _move(cycle, Stage.SWG, actor=actor, stamp="swg_at", content_hash=content_hash_of(cycle))
    notify(
        secretariat_users(),
        key=f"review:{cycle.year}:to-swg",
        notice=Notice(
            gettext_lazy("The %(year)s consolidated review is before the SWG"),
            gettext_lazy("Record the SWG's conclusions on the review page once it has met."),
            {"year": cycle.year},
        ),
        url=cycle.get_absolute_url(),
    )
    return cycle


@retry_on_deadlock
@transaction.atomic
def record_swg_conclusions(cycle: ReviewCycle, *, actor: User, conclusions: str) -> ReviewCycle:
    """The SWG's conclusions, recorded while the text is before it (they go to the SOC)."""
    cycle = _lock(cycle, actor)
    _require(cycle, Stage.SWG)
    conclusions = (conclusions or "").strip()
    if not conclusions:
        raise ActionPlanError(_("Write the SWG's conclusions."), field="swg_conclusions")
    if conclusions == cycle.swg_conclusions:
        return cycle
    cycle.swg_conclusions = conclusions
    cycle.save(update_fields=["swg_conclusions"])
    audit.log(
        cycle, "actionplan.review.swg_concluded", actor=actor, data={"conclusions": conclusions}
    )
    return cycle


@retry_on_deadlock
@transaction.atomic
def put_review_to_soc(
    cycle: ReviewCycle,
    *,
    actor: User,
    deadline: datetime | None = None,
    silence_until: datetime | None = None,
) -> ApprovalRequest:
    """The SOC adopts the consolidated text: every member state is asked, by consensus before a
    deadline or under silence until an instant, bound to the hash of this very text. A text
    the SOC did not adopt may be put to it again."""
    cycle = _lock(cycle, actor)
    _require(cycle, Stage.SWG, Stage.SOC)
    if not cycle.swg_conclusions.strip():
        raise ActionPlanError(
            _("Record the SWG's conclusions before the SOC is asked to adopt the review."),
            field="swg_conclusions",
        )
    if selectors.open_review_request(cycle) is not None:
        raise ActionPlanError(_("The SOC is already asked to adopt this review."), code="conflict")
    if silence_until is None:
        deadline = deadline or timezone.now() + timedelta(days=SOC_DAYS)
    if cycle.stage == Stage.SWG:
        _move(cycle, Stage.SOC, actor=actor, stamp="soc_at")
    request = approvals.open_request(
        cycle,
        purpose=REVIEW_PURPOSE,
        title=_("Adoption of the consolidated implementation review %(year)s")
        % {"year": cycle.year},
        content=consolidated.review_content(cycle),
        states=State.objects.members(),
        opened_by=actor,
        deadline=deadline,
        rule=ApprovalRequest.Rule.SILENCE if silence_until else ApprovalRequest.Rule.CONSENSUS,
        silence_until=silence_until,
    )
    audit.log(cycle, "actionplan.review.put_to_soc", actor=actor, data={"approval": request.pk})
    return request


def review_content_of(cycle: ReviewCycle) -> dict:
    """The consolidated text as the SOC adopts it (what a retabled request asks again)."""
    return consolidated.review_content(cycle)


def review_approval_closed(
    cycle: ReviewCycle, request: ApprovalRequest, *, actor: User | None
) -> None:
    """Adopted by the SOC: the review is published to every member state's people. Any other
    outcome leaves it before the SOC, to be put to it again."""
    cycle = ReviewCycle.objects.select_for_update(of=("self",), no_key=True).get(pk=cycle.pk)
    adopted = request.adopted_hash or request.content_hash
    if request.status != ApprovalRequest.Status.APPROVED or cycle.is_published:
        audit.log(
            cycle,
            "actionplan.review.not_adopted",
            actor=actor,
            data={"approval": request.pk, "outcome": request.status},
        )
        return
    if content_hash_of(cycle) != adopted:  # the text changed under the request: never publish
        audit.log(
            cycle,
            "actionplan.review.not_adopted",
            actor=actor,
            data={"approval": request.pk, "outcome": "text_changed"},
        )
        return
    _publish(cycle, adopted, request=request, actor=actor)


def _publish(
    cycle: ReviewCycle, adopted: str, *, request: ApprovalRequest, actor: User | None
) -> None:
    cycle.adopted_hash = adopted
    cycle.status = ReviewCycle.Status.CLOSED
    cycle.save(update_fields=["adopted_hash", "status"])
    _move(
        cycle,
        Stage.PUBLISHED,
        actor=actor,
        stamp="published_at",
        approval=request.pk,
        adopted_hash=adopted,
    )
    members = State.objects.members().values_list("pk", flat=True)
    people = User.objects.filter(
        role__in=(User.Role.FOCAL_POINT, User.Role.APPROVER),
        state_id__in=members,
        is_active=True,
    )
    notice = Notice(
        gettext_lazy("The %(year)s implementation review is adopted and published"),
        gettext_lazy(
            "The Senior Officials Committee adopted the consolidated implementation review "
            "for %(year)s. Read it, print it or download it as PDF on the review page."
        ),
        {"year": cycle.year},
    )
    key = f"review:{cycle.year}:published"
    notify(people, key=key, notice=notice, url=cycle.get_absolute_url())
    notify(secretariat_users(), key=key, notice=notice, url=cycle.get_absolute_url())
