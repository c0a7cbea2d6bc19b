"""Writes of requests for information: one function per business action, one transaction each.

Send a request, answer it (in full, in part, or refuse with a reason), close the third states'
consent to an answer, remind and escalate overdue requests, set a state's working time.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cica_portal import approvals, audit, urgent
from cica_portal.dates import when_lazy
from cica_portal.errors import DomainError
from cica_portal.models import ApprovalRequest, State, User
from cica_portal.notifications import Notice, notify
from cica_portal.transactions import retry_on_deadlock
from exchange import handling
from exchange import selectors as exchange_selectors

from . import selectors, working_time
from .models import InformationRequest, RefusalReason, RequestedState, Urgency, WorkingTime

MAX_STATES = 30
MAX_TEXT = {"subject": 200, "purpose": 4000, "legal_grounds": 4000, "questions": 8000}


class InquiryError(DomainError):
    pass


def _people(state_ids: Iterable[int], role: str) -> QuerySet[User]:
    return User.objects.filter(state_id__in=list(state_ids), role=role, is_active=True)


def _required_text(name: str, value: Any, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InquiryError(_("This field is required."), field=name)
    if len(text) > limit:
        raise InquiryError(_("Enter text of at most %(n)d characters.") % {"n": limit}, field=name)
    return text


def _requested_states(states: Iterable[State], requester: State) -> list[State]:
    chosen = list({state.pk: state for state in states}.values())
    if not chosen:
        raise InquiryError(_("Name at least one state to ask."), field="states")
    if len(chosen) > MAX_STATES:
        raise InquiryError(_("Name at most %(n)d states.") % {"n": MAX_STATES}, field="states")
    if any(state.pk == requester.pk for state in chosen):
        raise InquiryError(_("A state does not send a request to itself."), field="states")
    if any(not state.is_member for state in chosen):
        raise InquiryError(_("Requests go to member states only."), field="states")
    return chosen


def due_at(state: State, urgency: str, *, sent_at: datetime.datetime) -> datetime.datetime:
    """When the state's answer is due: the urgency's period in the state's working time."""
    schedule = working_time.schedule_of(WorkingTime.objects.filter(state=state).first())
    return working_time.add(sent_at, working_time.period_for(urgency), schedule)


@retry_on_deadlock
@transaction.atomic
def send_request(
    *,
    by: User,
    subject: str,
    purpose: str,
    legal_grounds: str,
    questions: str,
    urgency: str,
    states: Iterable[State],
    urgency_reason: str = "",
    handling_codes: list[str] | None = None,
    handling_note: str = "",
    share_id: int | None = None,
    secretariat_may_read: bool = False,
) -> InformationRequest:
    """Send a structured request to the named states; each is told at once and given its
    deadline in its own working time."""
    if not selectors.may_send(by):
        raise InquiryError(
            _("Only a focal point sends requests for information."), code="forbidden"
        )
    requester = by.national_state
    text = {
        name: _required_text(name, value, MAX_TEXT[name])
        for name, value in (
            ("subject", subject),
            ("purpose", purpose),
            ("legal_grounds", legal_grounds),
            ("questions", questions),
        )
    }
    if urgency not in Urgency.values:
        raise InquiryError(_("Choose one of the urgencies."), field="urgency")
    urgency_reason = (urgency_reason or "").strip()
    if urgency == Urgency.URGENT and not urgency_reason:
        raise InquiryError(_("Say why the request is urgent."), field="urgency_reason")
    clean, errors = handling.clean_handling(
        {"handling_codes": handling_codes or [], "handling_note": handling_note or ""}
    )
    if errors:
        field, messages = next(iter(errors.items()))
        raise InquiryError(messages[0], field=field)
    if share_id is not None and not (
        exchange_selectors.visible_shares(by).filter(pk=share_id).exists()
    ):
        raise InquiryError(_("Choose a share you may read."), field="share")
    chosen = _requested_states(states, requester)
    request = InformationRequest.objects.create(
        requesting_state=requester,
        author=by,
        urgency=urgency,
        urgency_reason=urgency_reason[:1000],
        handling_codes=clean["handling_codes"],
        handling_note=clean["handling_note"],
        share_id=share_id,
        secretariat_may_read=bool(secretariat_may_read),
        **text,
    )
    now = request.created_at
    parts = RequestedState.objects.bulk_create(
        RequestedState(request=request, state=state, due_at=due_at(state, urgency, sent_at=now))
        for state in chosen
    )
    audit.log(
        request,
        "inquiries.request.sent",
        actor=by,
        data={
            "states": sorted(state.code for state in chosen),
            "urgency": urgency,
            "share_id": share_id,
            "secretariat_may_read": request.secretariat_may_read,
        },
    )
    for part in parts:
        _tell_requested_state(request, part)
    return request


def _tell_requested_state(request: InformationRequest, part: RequestedState) -> None:
    """The requested state's focal points are told; an urgent request also reaches whoever
    answers for the state now (an office's mailbox, the person on duty, acting deputies),
    each address once."""
    focal_points = list(_people([part.state_id], User.Role.FOCAL_POINT))
    notice = _received_notice(request, part)
    notify(
        focal_points,
        key=f"inquiries:{part.pk}:received",
        notice=notice,
        url=request.get_absolute_url(),
    )
    if request.urgency == Urgency.URGENT:
        urgent.send(
            urgent.UrgentItem(
                key=f"inquiries:{part.pk}:urgent",
                state_id=part.state_id,
                notice=notice,
                url=request.get_absolute_url(),
                told=urgent.told_addresses(user.email for user in focal_points),
            )
        )


def _received_notice(request: InformationRequest, part: RequestedState) -> Notice:
    return Notice(
        _("Request for information #%(id)s from %(state)s"),
        _(
            "%(state)s asks your state for information (urgency: %(urgency)s). The answer "
            "is due by %(due)s. Open the request to read it and answer."
        ),
        {
            "id": request.pk,
            "state": request.requesting_state.in_their_language("name"),
            "urgency": Urgency(request.urgency).label,
            "due": when_lazy(part.due_at),
        },
    )


def _lock(part: RequestedState) -> RequestedState:
    return (
        RequestedState.objects.select_for_update(of=("self",), no_key=True)
        .select_related("request", "request__requesting_state", "state")
        .get(pk=part.pk)
    )


def _checked_answer(
    part: RequestedState,
    *,
    outcome: str,
    answer: str,
    refusal_reason: str,
    third_states: list[State],
) -> tuple[str, str, list[State]]:
    if outcome not in RequestedState.Outcome.values:
        raise InquiryError(_("Choose to answer, to answer in part, or to refuse."), field="outcome")
    answer = (answer or "").strip()
    if outcome != RequestedState.Outcome.REFUSE and not answer:
        raise InquiryError(_("Write the answer."), field="answer")
    if len(answer) > 20000:
        raise InquiryError(
            _("Enter text of at most %(n)d characters.") % {"n": 20000}, field="answer"
        )
    if outcome != RequestedState.Outcome.ANSWER and refusal_reason not in RefusalReason.values:
        raise InquiryError(
            _("Choose the reason for not giving (all of) the information."), field="refusal_reason"
        )
    if outcome == RequestedState.Outcome.ANSWER:
        refusal_reason = ""
    if outcome == RequestedState.Outcome.REFUSE:
        answer, third_states = "", []
    own = {part.state_id, part.request.requesting_state_id}
    third = [state for state in {s.pk: s for s in third_states}.values() if state.pk not in own]
    if any(not state.is_member for state in third):
        raise InquiryError(_("Only member states consent to an answer."), field="third_states")
    return answer, refusal_reason, third


@retry_on_deadlock
@transaction.atomic
def answer_request(
    part: RequestedState,
    *,
    by: User,
    outcome: str,
    answer: str = "",
    refusal_reason: str = "",
    refusal_note: str = "",
    third_states: Iterable[State] = (),
    late_reason: str = "",
) -> RequestedState:
    """The requested state's answer: in full, in part, or a refusal with a reason. An answer
    carrying third states' information waits for their consent; any other reaches the
    requester at once. A late answer says why it is late."""
    part = _lock(part)
    if not (by.is_focal_point and by.state_id == part.state_id):
        raise InquiryError(
            _("Only a focal point of the requested state answers."), code="forbidden"
        )
    if part.status != RequestedState.Status.PENDING:
        raise InquiryError(_("This request was answered already."), code="conflict")
    answer, refusal_reason, third = _checked_answer(
        part,
        outcome=outcome,
        answer=answer,
        refusal_reason=refusal_reason,
        third_states=list(third_states),
    )
    now = timezone.now()
    late_reason = (late_reason or "").strip()[:1000]
    if now > part.due_at and not late_reason:
        raise InquiryError(
            _("The deadline has passed: say why the answer is late."), field="late_reason"
        )
    part.outcome, part.answer, part.refusal_reason = outcome, answer, refusal_reason
    part.refusal_note = (refusal_note or "").strip()[:1000]
    part.late_reason = late_reason if now > part.due_at else ""
    part.answered_by, part.answered_at = by, now
    fields = [
        "outcome",
        "answer",
        "refusal_reason",
        "refusal_note",
        "late_reason",
        "answered_by",
        "answered_at",
        "status",
        "consent",
        "approval",
        "released_at",
    ]
    part.third_states.set(third)
    if third:
        part.status = RequestedState.Status.AWAITING_CONSENT
        part.consent = RequestedState.Consent.PENDING
        part.approval = approvals.open_request(
            part,
            purpose=selectors.PURPOSE,
            title=f"Answer of {part.state.code} to request for information #{part.request_id}",
            content=_consent_content(part),
            states=third,
            opened_by=by,
        )
        part.released_at = None
    else:
        part.consent = RequestedState.Consent.NONE
        part.approval = None
        _release(part, now=now)
    part.save(update_fields=fields)
    audit.log(
        part.request,
        f"inquiries.answer.{outcome}",
        actor=by,
        data={
            "state": part.state.code,
            "late": now > part.due_at,
            "refusal_reason": refusal_reason,
            "third_states": sorted(state.code for state in third),
        },
    )
    if part.is_final:
        _tell_requester(part)
    return part


def _consent_content(part: RequestedState) -> dict[str, Any]:
    return {
        "request": part.request_id,
        "state": part.state.code,
        "outcome": part.outcome,
        "answer": part.answer,
    }


_FINAL_STATUS = {
    RequestedState.Outcome.ANSWER: RequestedState.Status.ANSWERED,
    RequestedState.Outcome.PARTIAL: RequestedState.Status.PARTIAL,
    RequestedState.Outcome.REFUSE: RequestedState.Status.REFUSED,
}


def _release(part: RequestedState, *, now: datetime.datetime) -> None:
    part.status = _FINAL_STATUS[RequestedState.Outcome(part.outcome)]
    part.released_at = now


def _tell_requester(part: RequestedState) -> None:
    request = part.request
    notify(
        [request.author, *_people([request.requesting_state_id], User.Role.FOCAL_POINT)],
        key=f"inquiries:{part.pk}:answered",
        notice=Notice(
            _("%(state)s answered request for information #%(id)s"),
            _("%(state)s gave its answer (%(status)s). Open the request to read it."),
            {
                "id": request.pk,
                "state": part.state.in_their_language("name"),
                "status": RequestedState.Status(part.status).label,
            },
        ),
        url=request.get_absolute_url(),
    )


def close_consent(part: RequestedState, request: ApprovalRequest, *, actor: User | None) -> None:
    """Called by the approval mechanism when the third states' consent closes (same
    transaction): approved, the answer reaches the requester; refused or expired, it does not,
    and the requested state is asked to answer again without that information."""
    part = _lock(part)
    if part.approval_id != request.pk or part.status != RequestedState.Status.AWAITING_CONSENT:
        return  # a request this answer no longer follows
    now = timezone.now()
    if request.status == ApprovalRequest.Status.APPROVED:
        part.consent = RequestedState.Consent.APPROVED
        _release(part, now=now)
        part.save(update_fields=["consent", "status", "released_at"])
        audit.log(
            part.request, "inquiries.answer.released", actor=actor, data={"state": part.state.code}
        )
        _tell_requester(part)
        return
    if request.status not in (ApprovalRequest.Status.REJECTED, ApprovalRequest.Status.EXPIRED):
        return
    part.consent = RequestedState.Consent.DECLINED
    part.status = RequestedState.Status.PENDING
    part.answered_at = None
    part.save(update_fields=["consent", "status", "answered_at"])
    audit.log(
        part.request, "inquiries.answer.not_released", actor=actor, data={"state": part.state.code}
    )
    notify(
        _people([part.state_id], User.Role.FOCAL_POINT),
        key=f"approval:{request.pk}:closed",
        notice=Notice(
            _("Your answer to request for information #%(id)s was not released"),
            _(
                "Not every third state consented to your answer, so the requester has not "
                "received it. Open the request to answer again without their information."
            ),
            {"id": part.request_id},
        ),
        url=part.request.get_absolute_url(),
    )


# --- deadlines -----------------------------------------------------------------------------------


def remind_overdue(now: datetime.datetime | None = None) -> int:
    """Remind the requested state's focal points of each overdue request, and escalate it to
    the state's approvers: each once (a conditional update only one worker wins). Returns the
    number of notices sent."""
    now = now or timezone.now()
    sent = 0
    for pk in selectors.overdue_parts(now).values_list("pk", flat=True)[:1000]:
        sent += _remind_one(pk, now)
    return sent


@transaction.atomic
def _remind_one(pk: int, now: datetime.datetime) -> int:
    sent = 0
    pending = RequestedState.objects.filter(pk=pk, status=RequestedState.Status.PENDING)
    part = pending.select_related("request", "request__requesting_state", "state").first()
    if part is None:
        return 0
    context = {
        "id": part.request_id,
        "state": part.request.requesting_state.in_their_language("name"),
        "due": when_lazy(part.due_at),
    }
    if pending.filter(reminded_at=None).update(reminded_at=now):
        notify(
            _people([part.state_id], User.Role.FOCAL_POINT),
            key=f"inquiries:{part.pk}:overdue",
            notice=Notice(
                _("Request for information #%(id)s is overdue"),
                _(
                    "The answer to %(state)s was due by %(due)s. Answer it now, and say why it "
                    "is late."
                ),
                context,
            ),
            url=part.request.get_absolute_url(),
        )
        audit.log(part.request, "inquiries.request.reminded", data={"state": part.state.code})
        sent += 1
    if pending.filter(escalated_at=None).update(escalated_at=now):
        notify(
            _people([part.state_id], User.Role.APPROVER),
            key=f"inquiries:{part.pk}:escalated",
            notice=Notice(
                _("Overdue: request for information #%(id)s to your state"),
                _(
                    "%(state)s is still waiting for your state's answer, which was due by "
                    "%(due)s. Please see that your focal point answers it."
                ),
                context,
            ),
            url=part.request.get_absolute_url(),
        )
        audit.log(part.request, "inquiries.request.escalated", data={"state": part.state.code})
        sent += 1
    return sent


@transaction.atomic
def set_working_time(
    state: State,
    *,
    by: User,
    time_zone: str,
    working_days: str,
    day_starts: datetime.time,
    day_ends: datetime.time,
) -> WorkingTime:
    """The Secretariat records when a state works; requests sent after count in it."""
    if not by.is_secretariat:
        raise InquiryError(_("Only the Secretariat sets a state's working time."), code="forbidden")
    if day_ends <= day_starts:
        raise InquiryError(_("The working day must end after it starts."), field="day_ends")
    row, _created = WorkingTime.objects.select_for_update().get_or_create(
        state=state,
        defaults={
            "time_zone": time_zone,
            "working_days": working_days,
            "day_starts": day_starts,
            "day_ends": day_ends,
        },
    )
    row.time_zone, row.working_days = time_zone, working_days
    row.day_starts, row.day_ends = day_starts, day_ends
    row.full_clean()
    row.save()
    audit.log(
        row,
        "inquiries.working_time.set",
        actor=by,
        data={
            "state": state.code,
            "time_zone": time_zone,
            "working_days": working_days,
            "hours": f"{day_starts:%H:%M}-{day_ends:%H:%M}",
        },
    )
    return row
