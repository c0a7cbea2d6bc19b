"""Approval by member states: open a request, answer it, revise its text, close it.

Subjects (a new measure, an invitation to an international body, the release of a share) are
registered in `registry`; these functions refuse a purpose nobody registered, and call the
subject type's hooks in the same transaction, so the subject moves with the outcome.

Lock order (every business action takes its locks in this order, never the reverse): the
approval request, then the subject's own row, then the audit chain head (last, by `audit.log`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import audit, audit_actions, bilingual
from cica_portal.dates import when_lazy
from cica_portal.decisions.services import record_approval_decision
from cica_portal.errors import DomainError
from cica_portal.models import ApprovalRequest, ApprovalView, State, StateAnswer, User
from cica_portal.notifications import Notice, approvers_of, lowercase, notify, notify_many, phrase
from cica_portal.transactions import retry_on_deadlock

from . import registry, silence
from .selectors import may_retable

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


def lock_request(pk: int | None) -> ApprovalRequest | None:
    """Lock an approval request first, before its subject (the documented order); for a
    subject's own action that also moves its request (withdraw, revise)."""
    if pk is None:
        return None
    return (
        ApprovalRequest.objects.select_for_update(of=("self",), no_key=True).filter(pk=pk).first()
    )


def _lock_request_and_subject(pk: int) -> ApprovalRequest:
    """The request, then its subject's row: taken before anything else (the audit chain head
    last), so an answer that closes the request and moves the subject never waits for the
    subject while holding the head."""
    request = silence.with_locked_at(
        ApprovalRequest.objects.select_for_update(of=("self",), no_key=True)
    ).get(pk=pk)
    model = registry.subject_type_for(request.purpose).model
    model._default_manager.select_for_update(of=("self",), no_key=True).filter(
        pk=request.subject_id
    ).first()
    return request


def _subject_url(request: ApprovalRequest) -> str:
    return f"/approvals/{request.pk}/"


def _ask_approvers(request: ApprovalRequest, state_ids: Iterable[int]) -> None:
    if request.is_silence:
        _announce_silence(request, state_ids)
        return
    notify(
        approvers_of(state_ids),
        key=f"approval:{request.pk}:v{request.version}:asked",
        notice=Notice(
            gettext_lazy("Your state's answer is asked: %(title)s"),
            gettext_lazy(
                "Your state is asked to approve: %(title)s.\n"
                "Open your inbox, read the text and approve or object with a comment%(deadline)s."
            ),
            {
                "title": bilingual.lazy_field(request, "title"),
                "deadline": (
                    phrase(
                        gettext_lazy(" before %(date)s"),
                        {"date": when_lazy(request.deadline)},
                    )
                    if request.deadline
                    else ""
                ),
            },
        ),
        url=_subject_url(request),
    )


def _announce_silence(request: ApprovalRequest, state_ids: Iterable[int]) -> None:
    assert request.silence_until is not None
    notify(
        approvers_of(state_ids),
        key=f"approval:{request.pk}:v{request.version}:asked",
        notice=Notice(
            gettext_lazy("Under silence until %(instant)s UTC: %(title)s"),
            gettext_lazy(
                "The Secretariat put this text under silence: %(title)s.\n"
                "It is adopted at %(instant)s UTC unless a member state breaks the silence "
                "before then, by an objection or an amendment with its text."
            ),
            {
                "title": bilingual.lazy_field(request, "title"),
                "instant": silence.utc_text(request.silence_until),
            },
        ),
        url=_subject_url(request),
    )


def default_deadline() -> datetime:
    """The deadline of a request opened without one: `APPROVAL_DEFAULT_DAYS` from now."""
    return timezone.now() + timedelta(days=settings.APPROVAL_DEFAULT_DAYS)


@retry_on_deadlock
@transaction.atomic
def open_request(
    subject: models.Model,
    *,
    purpose: str,
    title: str | Promise | dict[str, str],
    content: Any,
    states: Iterable[State],
    opened_by: User | None,
    deadline: datetime | None = None,
    rule: str = ApprovalRequest.Rule.CONSENSUS,
    silence_until: datetime | None = None,
    previous: ApprovalRequest | None = None,
) -> ApprovalRequest:
    """Ask the named states to approve exactly this content of the subject (under silence:
    `silence_until` is the instant it is adopted unless a state breaks the silence)."""
    subject_type = registry.subject_type_for(purpose)  # an unknown purpose fails loudly
    if not isinstance(subject, subject_type.model):
        raise registry.UnknownPurpose(
            f"Purpose {purpose!r} is registered for {subject_type.model.__name__}, "
            f"not {type(subject).__name__}."
        )
    states = list({state.pk: state for state in states}.values())
    if not states:
        raise ApprovalError(_("Name at least one state that must answer."), field="states")
    if rule == ApprovalRequest.Rule.SILENCE:
        silence.check_opening(subject_type, opened_by, silence_until)
        deadline = silence_until
    elif rule not in ApprovalRequest.Rule.values:
        raise ApprovalError(_("Choose one of the rules."), field="rule")
    else:
        silence_until = None
        deadline = deadline or default_deadline()
    if deadline is not None and deadline <= timezone.now():
        raise ApprovalError(_("The deadline must be in the future."), field="deadline")
    # The title in both languages (a translatable pattern is rendered in each); its Russian is
    # a draft where the subject's own Russian text is.
    title_in = bilingual.titles(title)
    request = ApprovalRequest.objects.create(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        purpose=purpose,
        title_en=title_in["en"][:300],
        title_ru=title_in["ru"][:300],
        ru_status=getattr(subject, "ru_status", "") or bilingual.LanguageStatus.OFFICIAL,
        content_hash=content_hash(content),
        rule=rule,
        deadline=deadline,
        silence_until=silence_until,
        opened_by=opened_by,
        previous=previous,
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
            "rule": rule,
            "silence_until": silence_until.isoformat() if silence_until else None,
        },
    )
    _ask_approvers(request, [state.pk for state in states])
    return request


@retry_on_deadlock
@transaction.atomic
def revise_request(
    request: ApprovalRequest, *, content: Any, actor: User | None
) -> ApprovalRequest:
    """A changed text voids every answer given to the old one and asks again."""
    request = _lock_request_and_subject(request.pk)
    new_hash = content_hash(content)
    if new_hash == request.content_hash:
        return request
    if not request.is_open:
        raise ApprovalError(_("This approval is closed; its text can no longer change."))
    if request.is_silence:
        raise ApprovalError(
            _(
                "A text under silence cannot change: withdraw the request and put the new "
                "text under silence."
            ),
            code="conflict",
        )
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


OBJECTION_WORDS = {"decline": Decision.OBJECT, "object": Decision.OBJECT}


def normalise_decision(decision: str) -> str:
    """One vocabulary: a share's "decline" is the core's objection."""
    return OBJECTION_WORDS.get(decision, decision)


@retry_on_deadlock
@transaction.atomic
def answer_request(
    request: ApprovalRequest,
    *,
    approver: User,
    decision: str,
    comment: str = "",
    seen_hash: str | None = None,
) -> ApprovalRequest:
    """Record one state's answer to exactly the version the approver was shown.

    Every answering surface (the approval page, a subject's own page, the approvals API, a
    subject's decision API) comes here. `seen_hash` is the version the approver says they read;
    without it, the version they were last shown (`record_view`) counts, and an approver never
    shown the current version is refused: nobody consents to a text they have not read.
    """
    request = _lock_request_and_subject(request.pk)
    subject_type = registry.subject_type_for(request.purpose)
    answer = _pending_answer(request, approver, subject_type)
    decision, comment = _checked_decision(request, decision, comment)
    _check_seen(request, approver, seen_hash)
    answer.decision = decision
    answer.comment = comment
    answer.content_hash = request.content_hash
    answer.answered_by = approver
    answer.answered_at = timezone.now()
    answer.read_language = bilingual.reader_language()  # the language the approver was shown
    answer.save(
        update_fields=[
            "decision",
            "comment",
            "content_hash",
            "answered_by",
            "answered_at",
            "read_language",
        ]
    )
    audit.log(
        request,
        audit_actions.approval_answered(decision),
        actor=approver,
        data={
            "state": approver.national_state.code,
            "version": request.version,
            "content_hash": request.content_hash,
            "read_language": answer.read_language,
        },
    )
    if subject_type.on_answered:
        subject_type.on_answered(answer)
    outcome = _outcome(request)
    if outcome:
        _close(request, outcome, actor=approver)
        if request.is_silence:
            silence.tell_broken(request, answer)
    return request


def _pending_answer(
    request: ApprovalRequest, approver: User, subject_type: registry.SubjectType
) -> StateAnswer:
    """The approver's state's answer still to give, or the reason they may not give it."""
    if not approver.is_active or not approver.is_approver:
        raise ApprovalError(_("Only a release approver can answer for a state."), code="forbidden")
    answer = request.current_answers().filter(state_id=approver.national_state_id).first()
    if answer is None:
        raise ApprovalError(_("Your state is not asked to answer this request."), code="forbidden")
    if not request.is_open:  # e.g. withdrawn a moment ago: a conflict, not a refusal
        raise ApprovalError(_("This request is no longer open for answers."), code="conflict")
    due = request.deadline is not None and request.deadline <= timezone.now()
    if due and not request.is_silence:  # a silence's end is decided by the database's clock
        # Checked on the locked row: no answer after the deadline counts, even before the
        # periodic task records the expiry.
        raise ApprovalError(_("The deadline for answers has passed."), code="conflict")
    if not subject_type.may_read(approver, request):
        raise ApprovalError(_("Your state is not asked to answer this request."), code="forbidden")
    if not answer.is_pending:
        raise ApprovalError(_("Your state has already answered."), code="conflict")
    return answer


def _checked_decision(request: ApprovalRequest, decision: str, comment: str) -> tuple[str, str]:
    """The decision in the core's words and the comment, once they make a valid answer."""
    decision = normalise_decision(decision)
    if request.is_silence:
        comment = (comment or "").strip()
        silence.check_break(request, decision, comment)
        return decision, comment
    if decision not in {Decision.APPROVE, Decision.OBJECT, Decision.ABSTAIN}:
        raise ApprovalError(_("Choose approve, object or abstain."), field="decision")
    if decision == Decision.ABSTAIN and not request.allows_abstention:
        raise ApprovalError(
            _("This request needs a clear approval or objection."), field="decision"
        )
    comment = (comment or "").strip()
    if decision == Decision.OBJECT and not comment:
        raise ApprovalError(
            _("Give the reason for your objection: it closes the request for every state."),
            field="comment",
        )
    return decision, comment


def _check_seen(request: ApprovalRequest, approver: User, seen_hash: str | None) -> None:
    """The answer is to the version the approver read: the one they name, or last shown."""
    if seen_hash is None:
        seen_hash = last_shown_version(request, approver)
        if seen_hash is None:
            raise ApprovalError(
                _("Read the text before you answer: open the request, then answer."),
                code="conflict",
            )
    if seen_hash != request.content_hash:
        raise ApprovalError(
            _("The text changed after you opened it. Read the new version and answer again."),
            code="conflict",
        )


def last_shown_version(request: ApprovalRequest, user: User) -> str | None:
    return (
        ApprovalView.objects.filter(request=request, user=user)
        .values_list("content_hash", flat=True)
        .first()
    )


def record_view(request: ApprovalRequest, *, user: User, notify_subject: bool = True) -> None:
    """The person was shown the request's current version (an explicit call in the view that
    shows it; rendering never writes). The subject type hears of it (e.g. a read log)."""
    if not user.is_authenticated:
        return
    now = timezone.now()
    shown = ApprovalView.objects.filter(request=request, user=user)
    if not shown.update(content_hash=request.content_hash, at=now):
        try:
            with transaction.atomic():
                ApprovalView.objects.create(
                    request=request, user=user, content_hash=request.content_hash, at=now
                )
        except IntegrityError:  # a second tab made it first: the same fact, record it again
            shown.update(content_hash=request.content_hash, at=now)
    subject_type = registry.subject_type_for(request.purpose)
    if notify_subject and subject_type.on_viewed and request.subject is not None:
        subject_type.on_viewed(request.subject, user)


def _outcome(request: ApprovalRequest) -> str | None:
    decisions = list(request.current_answers().values_list("decision", flat=True))
    if Decision.OBJECT in decisions or Decision.AMEND in decisions:
        return ApprovalRequest.Status.REJECTED
    if request.is_silence:  # silence is consent: only a break or the instant closes it
        return None
    if Decision.PENDING in decisions:
        return None
    if Decision.APPROVE in decisions:
        return ApprovalRequest.Status.APPROVED
    return ApprovalRequest.Status.REJECTED  # everyone abstained: nothing was approved


def _close(
    request: ApprovalRequest, status: str, *, actor: User | None, at: datetime | None = None
) -> None:
    request.status = status
    request.closed_at = at or timezone.now()
    request.save(update_fields=["status", "closed_at"])
    audit.log(request, f"approval.{status}", actor=actor, data=_closing_data(request))
    record_approval_decision(request, actor=actor)  # adopted or refused: into the register
    registry.subject_type_for(request.purpose).on_closed(request.subject, request, actor=actor)
    if request.opened_by is not None and not request.is_silence:  # silence tells everyone
        notify(
            [request.opened_by],
            key=f"approval:{request.pk}:closed",
            notice=Notice(
                gettext_lazy("Approval %(status)s: %(title)s"),
                gettext_lazy('The member states\' approval of "%(title)s" is now %(status)s.'),
                {
                    "title": bilingual.lazy_field(request, "title"),
                    "status": lowercase(ApprovalRequest.Status(request.status).label),
                },
            ),
            url=_subject_url(request),
        )


def _closing_data(request: ApprovalRequest) -> dict[str, Any]:
    data: dict[str, Any] = {"version": request.version, "content_hash": request.content_hash}
    if request.adopted_hash:
        data["adopted_hash"] = request.adopted_hash
    return data


def adopt_expired_silences(limit: int = 1000) -> int:
    """Adopt every text whose silence has ended unbroken; safe to run twice, and late.

    Each request in its own transaction: the row is locked (the request, then its subject),
    still open, its instant passed by the database's clock; then a conditional update that only
    one run wins adopts it, bound to the hash that was under silence and dated by the stored
    instant, whenever this run happens.
    """
    now = silence.database_now()
    pks = ApprovalRequest.objects.filter(
        status=ApprovalRequest.Status.OPEN,
        rule=ApprovalRequest.Rule.SILENCE,
        silence_until__lte=now,
    ).values_list("pk", flat=True)
    adopted = 0
    for pk in list(pks[:limit]):
        adopted += _adopt_one(pk)
    return adopted


@retry_on_deadlock
@transaction.atomic
def _adopt_one(pk: int) -> int:
    request = _lock_request_and_subject(pk)
    assert request.silence_until is not None
    if not request.is_open or silence.locked_at(request) < request.silence_until:
        return 0
    won = ApprovalRequest.objects.filter(pk=pk, status=ApprovalRequest.Status.OPEN).update(
        status=ApprovalRequest.Status.APPROVED, adopted_hash=models.F("content_hash")
    )
    if not won:
        return 0
    request.refresh_from_db(fields=["status", "adopted_hash"])
    _close(request, ApprovalRequest.Status.APPROVED, actor=None, at=request.silence_until)
    silence.tell_adopted(request)
    return 1


@retry_on_deadlock
@transaction.atomic
def retable_request(
    request: ApprovalRequest, *, actor: User, deadline: datetime | None = None
) -> ApprovalRequest:
    """Table a refused request's subject again: a new request for its current text, to the same
    states by the same rule, linked to the one before (whose answers stay as history)."""
    request = _lock_request_and_subject(request.pk)
    if not may_retable(actor, request):
        raise ApprovalError(
            _("Only whoever opened a refused request tables it again, once."), code="forbidden"
        )
    if ApprovalRequest.objects.filter(
        subject_type_id=request.subject_type_id,
        subject_id=request.subject_id,
        status=ApprovalRequest.Status.OPEN,
    ).exists():
        raise ApprovalError(_("A request about this subject is already open."), code="conflict")
    subject_type = registry.subject_type_for(request.purpose)
    assert subject_type.content_of is not None  # may_retable checked it
    subject = request.subject
    if subject is None:
        raise ApprovalError(_("What was to be approved no longer exists."), code="conflict")
    new = open_request(
        subject,
        purpose=request.purpose,
        title=bilingual.titles_of(request),
        content=subject_type.content_of(subject),
        states=list(request.required_states.all()),
        opened_by=actor,
        deadline=deadline,
        rule=request.rule,
        previous=request,
    )
    audit.log(new, "approval.retabled", actor=actor, data={"previous": request.pk})
    return new


def history_of(request: ApprovalRequest, limit: int = 20) -> list[ApprovalRequest]:
    """The earlier versions of a re-tabled request, newest first."""
    chain: list[ApprovalRequest] = []
    current = request.previous
    while current is not None and len(chain) < limit:
        chain.append(current)
        current = current.previous
    return chain


@retry_on_deadlock
@transaction.atomic
def withdraw_request(request: ApprovalRequest, *, actor: User | None) -> ApprovalRequest:
    """The subject no longer needs approval (withdrawn, cancelled); answers stay as history."""
    request = _lock_request_and_subject(request.pk)
    if request.is_open:
        request.status = ApprovalRequest.Status.WITHDRAWN
        request.closed_at = timezone.now()
        request.save(update_fields=["status", "closed_at"])
        audit.log(request, "approval.withdrawn", actor=actor)
        subject_type = registry.subject_type_for(request.purpose)
        if subject_type.on_withdrawn:
            subject_type.on_withdrawn(request, actor=actor)
    return request


@retry_on_deadlock
@transaction.atomic
def expire_if_due(request: ApprovalRequest) -> ApprovalRequest:
    """Close one open request whose deadline has passed, now (its subject moves with it)."""
    request = _lock_request_and_subject(request.pk)
    due = request.deadline is not None and request.deadline <= timezone.now()
    if request.is_open and due and not request.is_silence:  # a silence ends in adoption
        _close(request, ApprovalRequest.Status.EXPIRED, actor=None)
    return request


def close_expired_requests(now: datetime | None = None) -> int:
    """Close every open request whose deadline has passed; safe to run twice."""
    now = now or timezone.now()
    closed = 0
    pks = (
        ApprovalRequest.objects.filter(status=ApprovalRequest.Status.OPEN, deadline__lte=now)
        .exclude(rule=ApprovalRequest.Rule.SILENCE)  # a silence ends in adoption, not expiry
        .values_list("pk", flat=True)
    )
    for pk in list(pks[:1000]):
        with transaction.atomic():
            request = (
                ApprovalRequest.objects.select_for_update(
                    skip_locked=True, of=("self",), no_key=True
                )
                .filter(pk=pk, status=ApprovalRequest.Status.OPEN)
                .first()
            )
            if request is not None:
                request = _lock_request_and_subject(request.pk)
                _close(request, ApprovalRequest.Status.EXPIRED, actor=None)
                closed += 1
    return closed


def _reminder(request: ApprovalRequest) -> Notice:
    assert request.deadline is not None  # only requests with a deadline are reminded of it
    return Notice(
        gettext_lazy("Reminder: your state's answer is due: %(title)s"),
        gettext_lazy("The deadline is %(date)s. Open your inbox to answer."),
        {"title": bilingual.lazy_field(request, "title"), "date": when_lazy(request.deadline)},
    )


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
        .exclude(request__rule=ApprovalRequest.Rule.SILENCE)  # silence asks for no answer
        .select_related("request")
        .order_by("request_id")
    )
    by_request: dict[int, tuple[ApprovalRequest, list[int]]] = {}
    for answer in due:
        by_request.setdefault(answer.request_id, (answer.request, []))[1].append(answer.state_id)
    approvers: dict[int, list[User]] = {}
    all_states = {sid for _, ids in by_request.values() for sid in ids}
    for user in approvers_of(all_states):
        approvers.setdefault(user.national_state_id, []).append(user)
    # One batch of notices per REMIND_BATCH requests: a fixed number of queries per batch,
    # whatever the number of requests and people (docs/PERFORMANCE.md).
    occasions = []
    for request, state_ids in by_request.values():
        people = [user for sid in state_ids for user in approvers.get(sid, [])]
        occasions.append(
            (
                people,
                f"approval:{request.pk}:v{request.version}:reminder",
                _reminder(request),
                _subject_url(request),
            )
        )
    sent = 0
    for start in range(0, len(occasions), REMIND_BATCH):
        sent += len(notify_many(occasions[start : start + REMIND_BATCH]))
    return sent
