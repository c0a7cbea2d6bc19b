"""Reads of requests for information, always scoped to the user asking, and the "may I" rules.

A request, and the fact that it exists, is visible to:
- every user of the requesting state (they see every named state's part, and an answer once
  it is released to them);
- every user of a requested state (they see the request and their own state's part only:
  neither the other states asked nor their answers);
- the Secretariat, only when the sender allowed it (`secretariat_may_read`), and then the
  released answers only.
An answer awaiting third states' consent is also shown, on the approval page, to the approvers
of those states (`consent_parties`). Staff and superuser status open nothing here.
"""

from __future__ import annotations

from datetime import datetime
from statistics import median
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cica_portal.models import ApprovalRequest, State, User

from .models import InformationRequest, RequestedState

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

PURPOSE = "inquiries.answer"
BOXES = ("sent", "received")


def _is_member(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_network_member", False))


def visible_requests(user: User | AnonymousUser) -> QuerySet[InformationRequest]:
    """Every request this user may see (and whose existence they may know); none for others."""
    if not _is_member(user):
        return InformationRequest.objects.none()
    assert isinstance(user, User)
    if user.is_secretariat:
        return InformationRequest.objects.filter(secretariat_may_read=True)
    if not user.state_id:
        return InformationRequest.objects.none()
    asked = RequestedState.objects.filter(request_id=OuterRef("pk"), state_id=user.state_id)
    return InformationRequest.objects.filter(
        Q(requesting_state_id=user.state_id) | Q(Exists(asked))
    )


def get_request_for(user: User | AnonymousUser, pk: int) -> InformationRequest:
    """The request if the user may see it; 404 whether it is missing or not theirs."""
    return get_object_or_404(
        visible_requests(user).select_related("requesting_state", "author"), pk=pk
    )


def parts_for(user: User, request: InformationRequest) -> list[RequestedState]:
    """The named states' parts this user may see: all of them for the requesting state and the
    Secretariat, their own state's only for a requested state."""
    parts = request.requested_states.select_related("state", "answered_by").prefetch_related(
        Prefetch("third_states", queryset=State.objects.order_by("code"))
    )
    if not (user.is_secretariat or user.state_id == request.requesting_state_id):
        parts = parts.filter(state_id=user.state_id or 0)
    return list(parts)


def may_read_answer(user: User, part: RequestedState) -> bool:
    """The answering state always; the requester and the Secretariat once it is released."""
    if user.state_id and user.state_id == part.state_id:
        return True
    return part.is_final


def may_send(user: User | AnonymousUser) -> bool:
    """Focal points send requests for their state."""
    return bool(user.is_authenticated and getattr(user, "is_focal_point", False))


def may_answer(user: User | AnonymousUser, part: RequestedState) -> bool:
    """A focal point of the requested state, while its answer is awaited."""
    return bool(
        may_send(user)
        and getattr(user, "state_id", None) == part.state_id
        and part.status == RequestedState.Status.PENDING
    )


def part_to_answer(user: User, pk: int) -> RequestedState:
    """The user's own state's part of a request they may see (404 otherwise)."""
    request = get_request_for(user, pk)
    return get_object_or_404(
        RequestedState.objects.select_related("request", "state"),
        request=request,
        state_id=user.state_id,
    )


def rights_on(user: User, request: InformationRequest, parts: list[RequestedState]) -> dict:
    return {
        "answer": any(may_answer(user, part) for part in parts),
        "send": may_send(user),
    }


def requests_for_list(
    user: User, *, box: str = "", status: str = "", urgency: str = ""
) -> QuerySet[InformationRequest]:
    """The list page's and the API's rows, newest first, filtered as asked."""
    queryset = visible_requests(user)
    if box == "sent":
        queryset = queryset.filter(requesting_state_id=user.state_id or 0)
    elif box == "received":
        queryset = queryset.filter(requested_states__state_id=user.state_id or 0)
    if urgency:
        queryset = queryset.filter(urgency=urgency)
    if status:
        own = Q(requested_states__status=status)
        if not user.is_secretariat and user.state_id:
            # a requested state filters on its own part; the sender on any part
            own &= Q(requested_states__state_id=user.state_id) | Q(
                requesting_state_id=user.state_id
            )
        queryset = queryset.filter(own)
    return (
        queryset.distinct()
        .select_related("requesting_state", "author")
        .order_by("-created_at", "-pk")
    )


def attach_parts(user: User, requests: list[InformationRequest]) -> list[InformationRequest]:
    """Each row's named states' parts as this user may see them (one query for the page)."""
    ids = [r.pk for r in requests]
    parts = RequestedState.objects.filter(request_id__in=ids).select_related("state")
    by_request: dict[int, list[RequestedState]] = {}
    for part in parts.order_by("state__code"):
        by_request.setdefault(part.request_id, []).append(part)
    for request in requests:
        mine = by_request.get(request.pk, [])
        if not (user.is_secretariat or user.state_id == request.requesting_state_id):
            mine = [p for p in mine if p.state_id == user.state_id]
        request.visible_parts = mine  # type: ignore[attr-defined]
    return requests


# --- the consent of third states to an answer --------------------------------------------------


def consent_parties(user: User | AnonymousUser) -> QuerySet[RequestedState]:
    """Answers whose consent this user takes part in: their own state's answers, and those
    whose consent request asks their state (approvers)."""
    if not _is_member(user) or not getattr(user, "state_id", None):
        return RequestedState.objects.none()
    assert isinstance(user, User)
    rule = Q(state_id=user.national_state_id)
    if user.is_approver:
        asked = ApprovalRequest.required_states.through.objects.filter(
            state_id=user.national_state_id, approvalrequest_id=OuterRef("approval_id")
        )
        rule |= Q(Exists(asked))
    return RequestedState.objects.filter(rule)


def approval_summary(part: RequestedState, user: User) -> dict[str, Any]:
    return {"part": part, "request": part.request}


# --- deadlines and the annual review ------------------------------------------------------------


def overdue_parts(now: datetime | None = None) -> QuerySet[RequestedState]:
    """Parts still awaiting an answer after their deadline, not yet reminded or escalated."""
    now = now or timezone.now()
    return RequestedState.objects.filter(
        status=RequestedState.Status.PENDING, due_at__lte=now
    ).filter(Q(reminded_at=None) | Q(escalated_at=None))


def _hours(seconds: float) -> float:
    return round(seconds / 3600, 1)


def answer_times_for_year(year: int) -> dict[str, Any]:
    """Per requested state, for requests sent in the year: how many, answered (in time, late),
    refused, still open, and the median hours to answer. Counts only, never content."""
    parts = (
        RequestedState.objects.filter(request__created_at__year=year)
        .select_related("state")
        .values_list(
            "state__code",
            "state__name_en",
            "status",
            "due_at",
            "answered_at",
            "request__created_at",
        )
    )
    rows: dict[str, dict[str, Any]] = {}
    durations: dict[str, list[float]] = {}
    for code, name, status, due_at, answered_at, sent_at in parts:
        row = rows.setdefault(
            code,
            {
                "code": code,
                "name": name,
                "received": 0,
                "answered": 0,
                "late": 0,
                "refused": 0,
                "open": 0,
                "median_hours": None,
            },
        )
        row["received"] += 1
        if status in (RequestedState.Status.ANSWERED, RequestedState.Status.PARTIAL):
            row["answered"] += 1
        elif status == RequestedState.Status.REFUSED:
            row["refused"] += 1
        else:
            row["open"] += 1
        if answered_at is not None:
            durations.setdefault(code, []).append((answered_at - sent_at).total_seconds())
            if answered_at > due_at:
                row["late"] += 1
    for code, found in durations.items():
        rows[code]["median_hours"] = _hours(median(found))
    return {"year": year, "states": [rows[code] for code in sorted(rows)]}


def answer_time_rows(figures: dict[str, Any]) -> list[list[Any]]:
    from django.utils.translation import gettext as _

    rows: list[list[Any]] = [
        [
            _("State"),
            _("Requests received"),
            _("Answered"),
            _("Answered late"),
            _("Refused"),
            _("Still open"),
            _("Median hours to answer"),
        ]
    ]
    for row in figures["states"]:
        rows.append(
            [
                row["code"],
                row["received"],
                row["answered"],
                row["late"],
                row["refused"],
                row["open"],
                row["median_hours"] if row["median_hours"] is not None else "",
            ]
        )
    return rows
