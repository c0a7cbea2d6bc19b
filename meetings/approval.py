"""What meetings plug into the core's approvals: an international body invited to a meeting,
and a meeting's minutes adopted by the member states (by consensus or under silence)."""

from cica_portal import approvals, decisions

from . import selectors
from .models import Invitation, Meeting, MinutesAdoption
from .services import decisions as meeting_decisions
from .services import invitations, timetable

INVITATION = approvals.SubjectType(
    purpose=invitations.PURPOSE,
    model=Invitation,
    visible_to=selectors.invitations_visible_to,
    on_closed=invitations.invitation_decided,
    summary_template="meetings/approval_subject_invitation.html",
)

MINUTES = approvals.SubjectType(
    purpose=timetable.MINUTES_PURPOSE,
    model=MinutesAdoption,
    visible_to=selectors.minutes_visible_to,
    on_closed=timetable.minutes_decided,
    on_withdrawn=timetable.minutes_withdrawn,
    summary_template="meetings/approval_subject_minutes.html",
    allows_silence=True,
)


# Decisions taken at a meeting, in the decision register: read by whoever sees the meeting.
MEETING_DECISIONS = decisions.DecisionSource(
    name=meeting_decisions.SOURCE,
    model=Meeting,
    visible_to=selectors.meetings_visible_to,
    url_of=Meeting.get_absolute_url,
)


def register() -> None:
    approvals.register(INVITATION)
    approvals.register(MINUTES)
    decisions.register(MEETING_DECISIONS)
