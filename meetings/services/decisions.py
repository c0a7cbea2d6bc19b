"""Decisions taken at a meeting, entered in the decision register by the Secretariat."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from actionplan.services import change_status
from cica_portal import decisions
from cica_portal.models import RegisteredDecision, User
from cica_portal.transactions import retry_on_deadlock

from .. import selectors
from ..models import Meeting
from .errors import MeetingError

if TYPE_CHECKING:
    from actionplan.selectors import PlanItem  # the type only: the app is reached by selectors

SOURCE = "meetings.meeting"


@retry_on_deadlock
@transaction.atomic
def record_meeting_decision(
    meeting: Meeting,
    *,
    by: User,
    title: str,
    text: str,
    token: str,
    item: PlanItem | None = None,
    to_status: str = "",
) -> RegisteredDecision:
    """Enter a decision taken at this meeting in the register; with a plan item and a status,
    the item moves by the Secretariat's decision resting on this one (its own entry), all in
    one transaction. The form's `token` makes a second submission of the same form harmless."""
    meeting = Meeting.objects.select_for_update(of=("self",), no_key=True).get(pk=meeting.pk)
    if not selectors.may_record_decision(by, meeting):
        if not by.is_secretariat:
            raise MeetingError(
                _("Only the Secretariat records a meeting's decisions."), code="forbidden"
            )
        raise MeetingError(
            _("Decisions are recorded for a meeting that has begun and was not cancelled."),
            code="conflict",
        )
    if item is not None and not to_status:
        raise MeetingError(_("Choose the item's new status, or no item."), field="to_status")
    if to_status and item is None:
        raise MeetingError(_("Choose the plan item whose status the decision moves."), field="item")
    origin = f"meetings.decision:{meeting.pk}:{token}"
    known = RegisteredDecision.objects.filter(origin=origin).first()
    if known is not None:  # the same form sent twice: the meeting's lock made it wait for this
        return known
    entry = decisions.record_decision(
        meeting,
        source=SOURCE,
        kind=RegisteredDecision.Kind.MEETING_DECISION,
        title=title,
        text=text,
        origin=origin,
        by=by,
        basis=str(meeting),
    )
    if item is not None:
        change_status(
            item,
            to_status=to_status,
            actor=by,
            reason=entry.text,
            basis=entry.number,
            basis_meeting=meeting,
        )
    return entry
