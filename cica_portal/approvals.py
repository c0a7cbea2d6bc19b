"""Approval by member states: open a request, answer it, revise its text, close it.

Subjects (a new measure, an invitation to an international body, the release of a share) call
these functions; when a request closes, the subject's `on_approval_closed(request, actor=...)`
runs in the same transaction so the subject moves with the outcome.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .errors import DomainError
from .models import ApprovalRequest, State, StateAnswer, User
from .notifications import approvers_of, notify, notify_many

Decision = StateAnswer.Decision
REMIND_BEFORE = timedelta(days=3)
REMIND_BATCH = 500  # requests whose reminders are written together


class ApprovalError(DomainError):
    pass


def content_hash(content: Any) -> str:
    """SHA-256 of a canonical JSON form: the exact version a consent covers."""
    canonical = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _subject_url(request: ApprovalRequest) -> str:
    return f"/approvals/{request.pk}/"


def _ask_approvers(request: ApprovalRequest, state_ids: Iterable[int]) -> None:
    notify(
        approvers_of(state_ids),
        key=f"approval:{request.pk}:v{request.version}:asked",
        subject=lambda: _("Your state's answer is asked: %(title)s") % {"title": request.title},
        body=lambda: (
            _(
                "Your state is asked to approve: %(title)s.\n"
                "Open your inbox, read the text and approve or object with a comment%(deadline)s."
            )
            % {
                "title": request.title,
                "deadline": (
                    _(" before %(date)s")
                    % {"date": request.deadline.strftime("%Y-%m-%d %H:%M UTC")}
                    if request.deadline
                    else ""
                ),
            }
        ),
        url=_subject_url(request),
    )


@transaction.atomic
def open_request(
    subject: models.Model,
    *,
    purpose: str,
    title: str,
    content: Any,
    states: Iterable[State],
    opened_by: User | None,
    deadline: datetime | None = None,
    rule: str = ApprovalRequest.Rule.CONSENSUS,
) -> ApprovalRequest:
    """Ask the named states to approve exactly this content of the subject."""
    states = list({state.pk: state for state in states}.values())
    if not states:
        raise ApprovalError(_("Name at least one state that must answer."), field="states")
    if deadline is not None and deadline <= timezone.now():
        raise ApprovalError(_("The deadline must be in the future."), field="deadline")
    request = ApprovalRequest.objects.create(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        purpose=purpose,
        title=title[:300],
        content_hash=content_hash(content),
        rule=rule,
        deadline=deadline,
        opened_by=opened_by,
    )
    request.required_states.set(states)
    StateAnswer.objects.bulk_create(
        StateAnswer(request=request, state=state, version=1) for state in states
    )
    audit.log(
        request,
        "approval.opened",
        actor=opened_by,
        data={
            "purpose": purpose,
            "states": sorted(s.code for s in states),
            "content_hash": request.content_hash,
        },
    )
    _ask_approvers(request, [state.pk for state in states])
    return request


@transaction.atomic
def revise_request(
    request: ApprovalRequest, *, content: Any, actor: User | None
) -> ApprovalRequest:
    """A changed text voids every answer given to the old one and asks again."""
    request = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
    new_hash = content_hash(content)
    if new_hash == request.content_hash:
        return request
    if not request.is_open:
        raise ApprovalError(_("This approval is closed; its text can no longer change."))
    now = timezone.now()
    request.current_answers().update(voided_at=now)
    request.version += 1
    request.content_hash = new_hash
    request.save(update_fields=["version", "content_hash"])
    state_ids = list(request.required_states.values_list("pk", flat=True))
    StateAnswer.objects.bulk_create(
        StateAnswer(request=request, state_id=pk, version=request.version) for pk in state_ids
    )
    audit.log(
        request,
        "approval.revised",
        actor=actor,
        data={"version": request.version, "content_hash": new_hash},
    )
    _ask_approvers(request, state_ids)
    return request


@transaction.atomic
def answer_request(
    request: ApprovalRequest,
    *,
    approver: User,
    decision: str,
    comment: str = "",
    seen_hash: str | None = None,
) -> ApprovalRequest:
    """Record one state's answer, given once by one of its approvers; close when decided."""
    request = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
    if not approver.is_approver:
        raise ApprovalError(_("Only a release approver can answer for a state."), code="forbidden")
    answer = request.current_answers().filter(state_id=approver.state_id).first()
    if answer is None:
        raise ApprovalError(_("Your state is not asked to answer this request."), code="forbidden")
    if not request.is_open:
        raise ApprovalError(_("This request is no longer open for answers."), code="conflict")
    if not answer.is_pending:
        raise ApprovalError(_("Your state has already answered."), code="conflict")
    if seen_hash is not None and seen_hash != request.content_hash:
        raise ApprovalError(
            _("The text changed after you opened it. Read the new version and answer again."),
            code="conflict",
        )
    if decision not in {Decision.APPROVE, Decision.OBJECT, Decision.ABSTAIN}:
        raise ApprovalError(_("Choose approve, object or abstain."), field="decision")
    if decision == Decision.ABSTAIN and not request.allows_abstention:
        raise ApprovalError(
            _("This request needs a clear approval or objection."), field="decision"
        )
    answer.decision = decision
    answer.comment = comment
    answer.content_hash = request.content_hash
    answer.answered_by = approver
    answer.answered_at = timezone.now()
    answer.save(update_fields=["decision", "comment", "content_hash", "answered_by", "answered_at"])
    audit.log(
        request,
        f"approval.answer.{decision}",
        actor=approver,
        data={
            "state": approver.state.code,
            "version": request.version,
            "content_hash": request.content_hash,
        },
    )
    outcome = _outcome(request)
    if outcome:
        _close(request, outcome, actor=approver)
    return request


def _outcome(request: ApprovalRequest) -> str | None:
    decisions = list(request.current_answers().values_list("decision", flat=True))
    if Decision.OBJECT in decisions:
        return ApprovalRequest.Status.REJECTED
    if Decision.PENDING in decisions:
        return None
    if Decision.APPROVE in decisions:
        return ApprovalRequest.Status.APPROVED
    return ApprovalRequest.Status.REJECTED  # everyone abstained: nothing was approved


def _close(request: ApprovalRequest, status: str, *, actor: User | None) -> None:
    request.status = status
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at"])
    audit.log(request, f"approval.{status}", actor=actor)
    subject = request.subject
    if hasattr(subject, "on_approval_closed"):
        subject.on_approval_closed(request, actor=actor)
    if request.opened_by_id:
        notify(
            [request.opened_by],
            key=f"approval:{request.pk}:closed",
            subject=lambda: (
                _("Approval %(status)s: %(title)s")
                % {"status": request.get_status_display().lower(), "title": request.title}
            ),
            body=lambda: (
                _('The member states\' approval of "%(title)s" is now %(status)s.')
                % {"title": request.title, "status": request.get_status_display().lower()}
            ),
            url=_subject_url(request),
        )


@transaction.atomic
def withdraw_request(request: ApprovalRequest, *, actor: User | None) -> ApprovalRequest:
    """The subject no longer needs approval (withdrawn, cancelled); answers stay as history."""
    request = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
    if request.is_open:
        request.status = ApprovalRequest.Status.WITHDRAWN
        request.closed_at = timezone.now()
        request.save(update_fields=["status", "closed_at"])
        audit.log(request, "approval.withdrawn", actor=actor)
    return request


def close_expired_requests(now: datetime | None = None) -> int:
    """Close every open request whose deadline has passed; safe to run twice."""
    now = now or timezone.now()
    closed = 0
    pks = ApprovalRequest.objects.filter(
        status=ApprovalRequest.Status.OPEN, deadline__lt=now
    ).values_list("pk", flat=True)
    for pk in list(pks[:1000]):
        with transaction.atomic():
            request = (
                ApprovalRequest.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=ApprovalRequest.Status.OPEN)
                .first()
            )
            if request is not None:
                _close(request, ApprovalRequest.Status.EXPIRED, actor=None)
                closed += 1
    return closed


def _reminder_subject(request: ApprovalRequest) -> str:
    return _("Reminder: your state's answer is due: %(title)s") % {"title": request.title}


def _reminder_body(request: ApprovalRequest) -> str:
    return _("The deadline is %(date)s. Open your inbox to answer.") % {
        "date": request.deadline.strftime("%Y-%m-%d %H:%M UTC")
    }


def remind_pending_answers(now: datetime | None = None) -> int:
    """Remind approvers whose answer is due soon: once per request version and person."""
    now = now or timezone.now()
    due = (
        StateAnswer.objects.filter(
            decision=Decision.PENDING,
            voided_at=None,
            request__status=ApprovalRequest.Status.OPEN,
            request__deadline__gt=now,
            request__deadline__lte=now + REMIND_BEFORE,
            version=models.F("request__version"),
        )
        .select_related("request")
        .order_by("request_id")
    )
    by_request: dict[int, tuple[ApprovalRequest, list[int]]] = {}
    for answer in due:
        by_request.setdefault(answer.request_id, (answer.request, []))[1].append(answer.state_id)
    approvers: dict[int, list[User]] = {}
    all_states = {sid for _, ids in by_request.values() for sid in ids}
    for user in approvers_of(all_states):
        approvers.setdefault(user.state_id, []).append(user)
    # One batch of notices per REMIND_BATCH requests: a fixed number of queries per batch,
    # whatever the number of requests and people (docs/PERFORMANCE.md).
    occasions = []
    for request, state_ids in by_request.values():
        people = [user for sid in state_ids for user in approvers.get(sid, [])]
        occasions.append(
            (
                people,
                f"approval:{request.pk}:v{request.version}:reminder",
                functools.partial(_reminder_subject, request),
                functools.partial(_reminder_body, request),
                _subject_url(request),
            )
        )
    sent = 0
    for start in range(0, len(occasions), REMIND_BATCH):
        sent += len(notify_many(occasions[start : start + REMIND_BATCH]))
    return sent


# --- Selectors ---------------------------------------------------------------------------------


def requests_visible_to(user: User) -> QuerySet[ApprovalRequest]:
    """The Secretariat sees every request (not the content of what it covers); a state's
    people see the requests their state is asked to answer."""
    queryset = ApprovalRequest.objects.select_related("subject_type", "opened_by")
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_secretariat:
        return queryset
    if user.state_id and (user.is_approver or user.is_focal_point):
        return queryset.filter(required_states=user.state_id)
    return queryset.none()


def count_generation() -> str:
    """What changes whenever a count of requests may change: a new request (the latest id) or
    one that closes (the latest closing time); both read from an index."""
    latest = ApprovalRequest.objects.aggregate(
        opened=models.Max("pk"), closed=models.Max("closed_at")
    )
    return f"{latest['opened']}|{latest['closed']}"


def get_request_for(user: User, pk: int) -> ApprovalRequest:
    return get_object_or_404(requests_visible_to(user), pk=pk)


def inbox_for(user: User) -> QuerySet[ApprovalRequest]:
    """Open requests waiting for this approver's state, soonest deadline first."""
    if not (user.is_active and user.is_approver and user.state_id):
        return ApprovalRequest.objects.none()
    # A state has an answer row only on the requests that ask it: no need to join the
    # required states as `requests_visible_to` does.
    return (
        ApprovalRequest.objects.select_related("subject_type", "opened_by")
        .filter(
            status=ApprovalRequest.Status.OPEN,
            answers__state_id=user.state_id,
            answers__decision=Decision.PENDING,
            answers__version=models.F("version"),
        )
        .order_by(models.F("deadline").asc(nulls_last=True), "opened_at")
    )


def _requests_in_order(ids: list[int]) -> list[ApprovalRequest]:
    """The requests with these ids, in that order, with the columns a list shows."""
    rows = ApprovalRequest.objects.only("id", "title", "opened_at", "deadline").in_bulk(ids)
    return [rows[pk] for pk in ids]


def inbox_page(user: User, number, *, per_page: int = 25) -> Page:
    """A page of the inbox. The order and the page's ids come from the indexes alone (open
    requests, the state's pending answers); only the page's requests are then read."""
    page = Paginator(inbox_for(user).values_list("pk", flat=True), per_page).get_page(number)
    page.object_list = _requests_in_order(list(page.object_list))
    return page


def inbox_top(user: User, count: int) -> list[ApprovalRequest]:
    """The first few requests of the inbox (the dashboard's list)."""
    return _requests_in_order(list(inbox_for(user).values_list("pk", flat=True)[:count]))


def answers_of(request: ApprovalRequest) -> QuerySet[StateAnswer]:
    return request.current_answers().select_related("state", "answered_by")


def tally(request: ApprovalRequest) -> dict[str, int]:
    counts = dict.fromkeys(Decision.values, 0)
    for row in request.current_answers().values("decision").annotate(n=models.Count("pk")):
        counts[row["decision"]] = row["n"]
    return counts


def subjects_with_open_request(model: type[models.Model]) -> Q:
    """A Q for `model` rows that have an open approval request (for list filters)."""
    ids = ApprovalRequest.objects.filter(
        subject_type=ContentType.objects.get_for_model(model), status=ApprovalRequest.Status.OPEN
    ).values("subject_id")
    return Q(pk__in=ids)
