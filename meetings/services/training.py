"""Training seminars upon request (Area I, 2): requested by a state, decided by the Secretariat."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import audit
from cica_portal.models import Area, User
from cica_portal.notifications import Notice, StrOrPromise, notify, secretariat_users
from cica_portal.transactions import retry_on_deadlock

from .. import selectors
from ..models import Kind, Meeting, TrainingRequest
from .errors import MeetingError
from .meetings import create_meeting

Status = TrainingRequest.Status


@retry_on_deadlock
@transaction.atomic
def request_training(
    *,
    by: User,
    area: Area,
    topic: str,
    preferred_period: str,
    expected_participants: int,
    needs: str = "",
) -> TrainingRequest:
    """A focal point asks for a training seminar for their state."""
    if not selectors.may_request_training(by):
        raise MeetingError(
            _("Only a national focal point can request a training seminar."), code="forbidden"
        )
    if expected_participants < 1:
        raise MeetingError(_("Expect at least one participant."), field="expected_participants")
    request = TrainingRequest.objects.create(
        state=by.national_state,
        requested_by=by,
        area=area,
        topic=topic,
        preferred_period=preferred_period,
        expected_participants=expected_participants,
        needs=needs,
    )
    audit.log(request, "meetings.training.requested", actor=by, data={"area": area.number})
    notify(
        secretariat_users(),
        key=f"meetings:training:{request.pk}:submitted",
        notice=Notice(
            gettext_lazy("Training seminar requested by %(state)s"),
            gettext_lazy(
                "%(state)s requests a training seminar on “%(topic)s”. Accept, decline with a "
                "reason, or schedule it."
            ),
            {"state": by.national_state.name_en, "topic": topic},
        ),
        url=request.get_absolute_url(),
    )
    return request


def _decide(
    request: TrainingRequest,
    status: str,
    *,
    by: User,
    reason: str,
    may: Callable[[User, TrainingRequest], bool],
) -> TrainingRequest:
    if not by.is_secretariat:
        raise MeetingError(
            _("Only the Secretariat decides on training requests."), code="forbidden"
        )
    request = TrainingRequest.objects.select_for_update(of=("self",), no_key=True).get(
        pk=request.pk
    )
    if not may(by, request):
        raise MeetingError(
            _("This request is already %(status)s.")
            % {"status": request.get_status_display().lower()},
            code="conflict",
        )
    previous = request.status
    request.status = status
    request.decision_reason = reason
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    audit.log(
        request, f"meetings.training.{status}", actor=by, data={"from": previous, "to": status}
    )
    return request


def _tell_requester(request: TrainingRequest, body: StrOrPromise, **values: object) -> None:
    """Tell the requester, in their language, what became of the request."""
    notify(
        [request.requested_by],
        key=f"meetings:training:{request.pk}:{request.status}",
        notice=Notice(
            gettext_lazy("Your training seminar request: %(status)s"),
            body,
            {"status": Status(request.status).label, "topic": request.topic, **values},
        ),
        url=request.get_absolute_url(),
    )


@retry_on_deadlock
@transaction.atomic
def accept_training_request(
    request: TrainingRequest, *, by: User, note: str = ""
) -> TrainingRequest:
    """Accept in principle; the meeting is scheduled later."""
    request = _decide(
        request, Status.ACCEPTED, by=by, reason=note, may=selectors.may_accept_training
    )
    _tell_requester(
        request,
        gettext_lazy(
            "The Secretariat accepted your request on “%(topic)s”. It will "
            "propose dates; you will be told when it is scheduled."
        ),
    )
    return request


@retry_on_deadlock
@transaction.atomic
def decline_training_request(request: TrainingRequest, *, by: User, reason: str) -> TrainingRequest:
    """Decline, always with a reason the requester reads."""
    if not reason.strip():
        raise MeetingError(_("Give the requesting state a reason."), field="reason")
    request = _decide(
        request,
        Status.DECLINED,
        by=by,
        reason=reason,
        may=selectors.may_decline_training,
    )
    _tell_requester(
        request,
        gettext_lazy("The Secretariat declined your request on “%(topic)s”: %(reason)s"),
        reason=reason,
    )
    return request


@retry_on_deadlock
@transaction.atomic
def schedule_training_request(
    request: TrainingRequest, *, by: User, **meeting_fields: Any
) -> Meeting:
    """Create the training seminar as a meeting linked to the request."""
    request = _decide(
        request,
        Status.SCHEDULED,
        by=by,
        reason=request.decision_reason,
        may=selectors.may_schedule_training,
    )
    meeting_fields.setdefault("title", _("Training seminar: %(topic)s") % {"topic": request.topic})
    meeting_fields.setdefault("host_state", request.state)
    meeting = create_meeting(
        by=by, kind=Kind.TRAINING_SEMINAR, areas=[request.area], **meeting_fields
    )
    request.meeting = meeting
    request.save(update_fields=["meeting"])
    start = meeting.local_start
    _tell_requester(
        request,
        gettext_lazy(
            "Your training seminar on “%(topic)s” is scheduled for %(date)s "
            "(%(zone)s). Register your participants on its page."
        ),
        date=f"{start:%Y-%m-%d %H:%M}",
        zone=meeting.time_zone,
    )
    return meeting
