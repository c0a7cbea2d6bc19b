"""International bodies at a meeting: only with the approval of the member states."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import approvals, audit, bilingual
from cica_portal.models import ApprovalRequest, Organisation, State, User
from cica_portal.notifications import Notice, lowercase, notify, secretariat_users
from cica_portal.transactions import retry_on_deadlock

from ..models import Invitation, Meeting
from .errors import MeetingError

PURPOSE = "meetings.invitation"


@retry_on_deadlock
@transaction.atomic
def _default_deadline(meeting: Meeting) -> datetime:
    """The approvals' default, but not after the meeting starts (an answer then is too late)."""
    default = approvals.default_deadline()
    if meeting.start <= timezone.now():
        return default
    return min(default, meeting.start)


def invite_organisation(
    meeting: Meeting,
    organisation: Organisation,
    *,
    by: User,
    message: str = "",
    deadline: datetime | None = None,
) -> Invitation:
    """Propose an international body for a meeting and ask every member state to agree."""
    if not by.is_secretariat:
        raise MeetingError(
            _("Only the Secretariat invites international bodies."), code="forbidden"
        )
    meeting = Meeting.objects.select_for_update(of=("self",), no_key=True).get(pk=meeting.pk)
    if not meeting.is_open:
        raise MeetingError(
            _("Invitations can only be proposed for planned or confirmed meetings."),
            code="conflict",
        )
    if Invitation.objects.filter(meeting=meeting, organisation=organisation).exists():
        raise MeetingError(
            _("%(org)s is already proposed for this meeting.") % {"org": organisation.code},
            field="organisation",
            code="conflict",
        )
    invitation = Invitation.objects.create(
        meeting=meeting, organisation=organisation, message=message, invited_by=by
    )
    request = approvals.open_request(
        invitation,
        purpose=PURPOSE,
        title=bilingual.in_every_language(
            lambda: (
                _("Invite %(org)s to %(meeting)s")
                % {"org": organisation.code, "meeting": meeting.title}
            )
        ),
        content=invitation.approval_content(),
        states=State.objects.members(),
        opened_by=by,
        deadline=deadline or _default_deadline(meeting),
    )
    invitation.approval = request
    invitation.save(update_fields=["approval"])
    audit.log(
        invitation,
        "meetings.invitation.proposed",
        actor=by,
        data={"meeting": meeting.pk, "organisation": organisation.code, "approval": request.pk},
    )
    return invitation


def invitation_decided(
    invitation: Invitation, request: ApprovalRequest, *, actor: User | None = None
) -> None:
    """Called by the approval mechanism, in its transaction, when the request closes."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",), no_key=True)
        .select_related("meeting", "organisation")
        .get(pk=invitation.pk)
    )
    if invitation.status != Invitation.Status.AWAITING_APPROVAL:
        return
    if request.status == ApprovalRequest.Status.APPROVED:
        invitation.status = Invitation.Status.SENT
        invitation.sent_at = timezone.now()
        subject = gettext_lazy("Member states agreed: invite %(org)s to %(meeting)s")
        body = gettext_lazy(
            "Every member state approved inviting %(org)s to %(meeting)s. The invitation is "
            "recorded as sent; send the formal letter to %(org)s and file it with the meeting."
        )
    else:
        invitation.status = Invitation.Status.NOT_AGREED
        subject = gettext_lazy("Not agreed: invite %(org)s to %(meeting)s")
        body = gettext_lazy(
            "The member states did not agree to invite %(org)s to %(meeting)s "
            "(the request was %(outcome)s). Do not send the invitation."
        )
    invitation.save(update_fields=["status", "sent_at"])

    audit.log(
        invitation,
        f"meetings.invitation.{invitation.status}",
        actor=actor,
        data={"approval": request.pk, "approval_status": request.status},
    )
    notify(
        secretariat_users(),
        key=f"meetings:invitation:{invitation.pk}:{invitation.status}",
        notice=Notice(
            subject,
            body,
            {
                "org": invitation.organisation.code,
                "meeting": invitation.meeting.title,
                "outcome": lowercase(ApprovalRequest.Status(request.status).label),
            },
        ),
        url=invitation.meeting.get_absolute_url(),
    )


@retry_on_deadlock
@transaction.atomic
def withdraw_invitation(invitation: Invitation, *, by: User) -> Invitation:
    """The Secretariat no longer proposes the body; the open request is withdrawn."""
    # The request before the invitation: the order an answer that closes it takes them in.
    approvals.lock_request(
        Invitation.objects.filter(pk=invitation.pk).values_list("approval_id", flat=True).first()
    )
    invitation = Invitation.objects.select_for_update(of=("self",), no_key=True).get(
        pk=invitation.pk
    )
    if invitation.status != Invitation.Status.AWAITING_APPROVAL:
        raise MeetingError(_("Only a proposal still awaiting approval can be withdrawn."))
    invitation.status = Invitation.Status.WITHDRAWN
    invitation.save(update_fields=["status"])
    if invitation.approval is not None:
        approvals.withdraw_request(invitation.approval, actor=by)
    audit.log(invitation, "meetings.invitation.withdrawn", actor=by)
    return invitation
