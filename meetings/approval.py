"""What meetings plug into the core's approvals: an international body invited to a meeting."""

from cica_portal import approvals

from . import selectors
from .models import Invitation
from .services import invitations

INVITATION = approvals.SubjectType(
    purpose=invitations.PURPOSE,
    model=Invitation,
    visible_to=selectors.invitations_visible_to,
    on_closed=invitations.invitation_decided,
    summary_template="meetings/approval_subject_invitation.html",
)


def register() -> None:
    approvals.register(INVITATION)
