"""What meetings plug into the core's approvals: an international body invited to a meeting."""

from cica_portal import approvals

from . import selectors
from .models import Invitation
from .services import invitations


def _invitation_closed(request, *, actor=None) -> None:
    invitations.invitation_decided(
        Invitation.objects.get(pk=request.subject_id), request, actor=actor
    )


INVITATION = approvals.SubjectType(
    purpose=invitations.PURPOSE,
    model=Invitation,
    visible_to=selectors.invitations_visible_to,
    on_closed=_invitation_closed,
    summary_template="meetings/approval_subject_invitation.html",
)


def register() -> None:
    approvals.register(INVITATION)
