"""Reads of approvals, always scoped to the user asking.

A request, its states, its answers, the approvers' names and comments are shown only to people
who may read its subject (the registered `visible_to`): the Secretariat follows every approval
of the plan and of meetings, and of the exchange only what it may read itself.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cica_portal.models import ApprovalRequest, StateAnswer, User

from . import registry

Decision = StateAnswer.Decision


def _readable_subjects(user: User) -> Q:
    """Requests whose subject the user may read, purpose by purpose; nothing for the rest."""
    rule = Q(pk__in=[])
    for subject_type in registry.registered():
        rule |= Q(purpose=subject_type.purpose) & Q(subject_type.readable_subject(user))
    return rule


def requests_visible_to(user: User) -> QuerySet[ApprovalRequest]:
    """The Secretariat sees the requests whose subject it may read; a state's people those
    their state is asked to answer, again only where they may read the subject."""
    queryset = ApprovalRequest.objects.select_related("subject_type", "opened_by")
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_secretariat:
        return queryset.filter(_readable_subjects(user))
    if user.state_id and (user.is_approver or user.is_focal_point):
        asked = ApprovalRequest.required_states.through.objects.filter(state_id=user.state_id)
        return queryset.filter(pk__in=asked.values("approvalrequest_id")).filter(
            _readable_subjects(user)
        )
    return queryset.none()


def get_request_for(user: User, pk: int) -> ApprovalRequest:
    """The request if the user may see it; 404 whether it is missing or not theirs."""
    return get_object_or_404(requests_visible_to(user), pk=pk)


def may_read_subject(user: User, request: ApprovalRequest) -> bool:
    subject_type = registry.find(request.purpose)
    return bool(subject_type and user.is_authenticated and subject_type.may_read(user, request))


def my_answer(user: User, request: ApprovalRequest) -> StateAnswer | None:
    """The current answer row of the approver's state, if their state is asked."""
    if not (user.is_active and user.is_approver and user.state_id):
        return None
    return request.current_answers().filter(state_id=user.state_id).first()


def may_answer(user: User, request: ApprovalRequest) -> bool:
    """The one rule of who may answer now: an approver of a state still asked, who may read
    the subject, while the request is open. The answer service enforces the same."""
    answer = my_answer(user, request)
    past_deadline = request.deadline is not None and request.deadline <= timezone.now()
    return bool(
        request.is_open
        and not past_deadline
        and not silence_has_ended(request)
        and answer
        and answer.is_pending
        and may_read_subject(user, request)
    )


def silence_has_ended(request: ApprovalRequest) -> bool:
    """The page's view of a silence past its instant (the adoption task may not have run yet);
    the service decides a break by the database's clock on the locked row, not by this."""
    return bool(
        request.is_silence and request.silence_until and request.silence_until <= timezone.now()
    )


def _waiting_for_state(user: User) -> QuerySet[ApprovalRequest]:
    """Open requests with this approver's state's answer pending, soonest deadline first,
    before the check that the approver may read each subject (`inbox_for` adds it)."""
    if not (user.is_active and user.is_approver and user.state_id):
        return ApprovalRequest.objects.none()
    # A state has an answer row only on the requests that ask it: no need to join the
    # required states as `requests_visible_to` does.
    return ApprovalRequest.objects.filter(
        status=ApprovalRequest.Status.OPEN,
        answers__state_id=user.state_id,
        answers__decision=Decision.PENDING,
        answers__version=models.F("version"),
    ).order_by(models.F("deadline").asc(nulls_last=True), "opened_at")


def inbox_for(user: User) -> QuerySet[ApprovalRequest]:
    """Open requests waiting for this approver's state, soonest deadline first."""
    return (
        _waiting_for_state(user)
        .select_related("subject_type", "opened_by")
        .filter(_readable_subjects(user))
    )


def _requests_in_order(ids: list[int]) -> list[ApprovalRequest]:
    """The requests with these ids, in that order, with the columns a list shows."""
    rows = ApprovalRequest.objects.only("id", "title", "opened_at", "deadline").in_bulk(ids)
    return [rows[pk] for pk in ids]


def inbox_page(user: User, number: int | str | None, *, per_page: int = 25) -> Page:
    """A page of the inbox. The order and the page's ids come from the indexes alone (open
    requests, the state's pending answers); only the page's requests are then read."""
    page = Paginator(inbox_for(user).values_list("pk", flat=True), per_page).get_page(number)
    # The page of ids becomes the page of their requests.
    page.object_list = _requests_in_order(list(page.object_list))  # type: ignore[assignment]
    return page


def inbox_top(user: User, count: int) -> list[ApprovalRequest]:
    """The first few requests of the inbox (the dashboard's list).

    The order comes from the indexes alone (the state's pending answers, the open requests);
    whether the approver may read each subject is then checked (`inbox_for`'s own rule) on the
    first few in that order, a batch at a time, until `count` are found, instead of on every
    request waiting for the state before sorting (279 subject checks at 100,000 shares)."""
    waiting = list(_waiting_for_state(user).values_list("pk", flat=True))
    found: list[int] = []
    batch = max(count * 4, 1)
    for start in range(0, len(waiting), batch):
        ids = waiting[start : start + batch]
        readable = set(inbox_for(user).filter(pk__in=ids).values_list("pk", flat=True))
        found += [pk for pk in ids if pk in readable]
        if len(found) >= count:
            break
    return _requests_in_order(found[:count])


def answers_of(request: ApprovalRequest) -> QuerySet[StateAnswer]:
    return request.current_answers().select_related("state", "answered_by")


def tally(request: ApprovalRequest) -> dict[str, int]:
    counts = dict.fromkeys(Decision.values, 0)
    for row in request.current_answers().values("decision").annotate(n=models.Count("pk")):
        counts[row["decision"]] = row["n"]
    return counts


def with_answer_counts(queryset: QuerySet[ApprovalRequest]) -> QuerySet[ApprovalRequest]:
    """Each request with `asked` (states asked about its current version) and `answered` (of
    them, those that answered): only the answers to the current version count."""
    current = models.Q(answers__version=models.F("version"))
    return queryset.annotate(
        answered=models.Count(
            "answers", filter=current & ~models.Q(answers__decision=StateAnswer.Decision.PENDING)
        ),
        asked=models.Count("answers", filter=current),
    )


def subjects_with_open_request(model: type[models.Model]) -> Q:
    """A Q for `model` rows that have an open approval request (for list filters)."""
    ids = ApprovalRequest.objects.filter(
        subject_type=ContentType.objects.get_for_model(model), status=ApprovalRequest.Status.OPEN
    ).values("subject_id")
    return Q(pk__in=ids)


def summary_for(request: ApprovalRequest, user: User) -> tuple[str, dict]:
    """The subject's template and context for the approval page (only for who may read it)."""
    subject_type = registry.subject_type_for(request.purpose)
    subject = request.subject
    fields = subject._meta.concrete_fields if subject is not None else []
    for field in fields:  # the subject's link back to this request
        if field.related_model is ApprovalRequest and getattr(subject, field.attname) == request.pk:
            field.set_cached_value(subject, request)  # read once, not again by the summary
    context = subject_type.summary_context(subject, user) if subject_type.summary_context else {}
    return subject_type.summary_template, {"subject": subject, **context}


RETABLEABLE = (ApprovalRequest.Status.REJECTED, ApprovalRequest.Status.EXPIRED)


def may_retable(user: User, request: ApprovalRequest) -> bool:
    """Whoever opened a refused or expired request tables its subject again, once, by
    consensus, where the subject type says what its text is."""
    subject_type = registry.find(request.purpose)
    return bool(
        subject_type
        and subject_type.content_of
        and user.is_authenticated
        and user.is_active
        and request.opened_by_id == user.pk
        and request.status in RETABLEABLE
        and not request.is_silence
        and not request.retabled_as.exists()
    )
