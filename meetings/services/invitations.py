"""International bodies at a meeting: only with the approval of the member states."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import approvals, audit, bilingual, outbox
from cica_portal.models import ApprovalRequest, Organisation, State, User
from cica_portal.notifications import Notice, lowercase, notify, secretariat_users
from cica_portal.transactions import retry_on_deadlock

from .. import audit_actions, selectors
from ..models import Invitation, Meeting, Registration
from .errors import MeetingError

PURPOSE = "meetings.invitation"


def _default_deadline(meeting: Meeting) -> datetime:
    """The approvals' default, but not after the meeting starts (an answer then is too late)."""
    default = approvals.default_deadline()
    if meeting.start <= timezone.now():
        return default
    return min(default, meeting.start)


@retry_on_deadlock
@transaction.atomic
def invite_organisation(
    meeting: Meeting,
    organisation: Organisation,
    *,
    by: User,
    message: str = "",
    deadline: datetime | None = None,
    contact_name: str = "",
    contact_email: str = "",
) -> Invitation:
    """Propose an international body for a meeting and ask every member state to agree; a
    body refused before (or that declined) is proposed again with a new request, and the
    earlier proposal stays in the history."""
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
    earlier = Invitation.objects.filter(meeting=meeting, organisation=organisation)
    if earlier.exclude(status__in=Invitation.ENDED_STATUSES).exists():
        raise MeetingError(
            _("%(org)s is already proposed for this meeting.") % {"org": organisation.code},
            field="organisation",
            code="conflict",
        )
    previous = earlier.filter(next_proposal__isnull=True).order_by("-created_at", "-pk").first()
    invitation = Invitation.objects.create(
        meeting=meeting,
        organisation=organisation,
        message=message,
        invited_by=by,
        previous=previous,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
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
        data={
            "meeting": meeting.pk,
            "organisation": organisation.code,
            "approval": request.pk,
            "previous": previous.pk if previous else None,
        },
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
        # Agreed, not yet sent: "sent" means the letter went to the body's contact point.
        invitation.status = Invitation.Status.AGREED
        subject = gettext_lazy("Member states agreed: invite %(org)s to %(meeting)s")
        body = gettext_lazy(
            "Every member state approved inviting %(org)s to %(meeting)s. Send the invitation "
            "letter to its contact point from the meeting's page."
        )
    else:
        invitation.status = Invitation.Status.NOT_AGREED
        subject = gettext_lazy("Not agreed: invite %(org)s to %(meeting)s")
        body = gettext_lazy(
            "The member states did not agree to invite %(org)s to %(meeting)s "
            "(the request was %(outcome)s). Do not send the invitation."
        )
    invitation.save(update_fields=["status"])

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


def _answer_due(meeting: Meeting) -> datetime:
    """When the body should have answered: the approvals' default time, not after the
    meeting's registration deadline or start."""
    due = approvals.default_deadline()
    for limit in (meeting.registration_deadline, meeting.start):
        if limit is not None and limit > timezone.now():
            due = min(due, limit)
    return due


@retry_on_deadlock
@transaction.atomic
def send_invitation_letter(
    invitation: Invitation,
    *,
    by: User,
    language: str,
    contact_name: str = "",
    contact_email: str = "",
) -> Invitation:
    """The agreed invitation goes out: a letter made from the body's template, sent to its
    contact point (logged, audited, emailed after the commit); the body's answer is expected
    by a deadline."""
    from . import letters

    if not by.is_secretariat:
        raise MeetingError(_("Only the Secretariat sends invitations."), code="forbidden")
    invitation = (
        Invitation.objects.select_for_update(of=("self",), no_key=True)
        .select_related("meeting", "organisation")
        .get(pk=invitation.pk)
    )
    if invitation.status != Invitation.Status.AGREED:
        raise MeetingError(
            _("Only an invitation the member states agreed to, and not yet sent, is sent."),
            code="conflict",
        )
    invitation.contact_name = (contact_name or invitation.contact_name).strip()
    invitation.contact_email = (contact_email or invitation.contact_email).strip()
    if not invitation.contact_email:
        raise MeetingError(_("Give the email of the body's contact point."), field="contact_email")
    letter = letters.make_body_letter(
        invitation.meeting, invitation.organisation, by=by, language=language,
        contact=invitation.contact_name,
    )  # fmt: skip
    letter.sent_at = timezone.now()
    letter.sent_to = invitation.contact_email
    letter.save(update_fields=["sent_at", "sent_to"])
    invitation.letter = letter
    invitation.status = Invitation.Status.SENT
    invitation.sent_at = letter.sent_at
    invitation.answer_due = _answer_due(invitation.meeting)
    invitation.save(
        update_fields=[
            "letter", "status", "sent_at", "answer_due", "contact_name", "contact_email",
        ]
    )  # fmt: skip
    audit.log(
        invitation,
        "meetings.invitation.sent",
        actor=by,
        data={"reference": letter.reference, "to": invitation.contact_email},
    )
    outbox.enqueue("meetings.email_letter", letter.pk)
    return invitation


@retry_on_deadlock
@transaction.atomic
def record_invitation_answer(
    invitation: Invitation, *, by: User, accepted: bool, note: str = ""
) -> Invitation:
    """The Secretariat records the body's answer to a sent invitation."""
    if not by.is_secretariat:
        raise MeetingError(_("Only the Secretariat records a body's answer."), code="forbidden")
    invitation = Invitation.objects.select_for_update(of=("self",), no_key=True).get(
        pk=invitation.pk
    )
    if invitation.status != Invitation.Status.SENT:
        raise MeetingError(
            _("An answer is recorded only for an invitation that was sent and not answered."),
            code="conflict",
        )
    invitation.status = Invitation.Status.ACCEPTED if accepted else Invitation.Status.DECLINED
    invitation.answered_at = timezone.now()
    invitation.answer_note = (note or "").strip()
    invitation.save(update_fields=["status", "answered_at", "answer_note"])
    audit.log(
        invitation,
        f"meetings.invitation.{invitation.status}",
        actor=by,
        data={"note": invitation.answer_note},
    )
    return invitation


@retry_on_deadlock
@transaction.atomic
def register_body_delegation(
    invitation: Invitation, *, by: User, delegates: Iterable[Mapping]
) -> Registration:
    """The delegation of a body that accepted, as its contact point sent it: registered by the
    Secretariat, confirmed and validated at once (no state validates a body's line)."""
    from . import registrations

    meeting = Meeting.objects.select_for_update(of=("self",), no_key=True).get(
        pk=invitation.meeting_id
    )
    invitation = Invitation.objects.select_related("meeting").get(pk=invitation.pk)
    if not selectors.may_register_body(by, invitation):
        raise MeetingError(
            _(
                "Only the Secretariat registers the delegation of a body that accepted, while "
                "registration is open."
            ),
            code="conflict",
        )
    rows = registrations._clean_delegates(meeting, delegates)
    registration = (
        Registration.objects.select_for_update(of=("self",), no_key=True)
        .filter(meeting=meeting, organisation_id=invitation.organisation_id)
        .first()
    )
    registration, previous = registrations.place_delegation(
        meeting, registration, by=by, rows=rows, organisation_id=invitation.organisation_id
    )
    if registration.status == Registration.Status.SUBMITTED:
        now = timezone.now()
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_by = registration.validated_by = by
        registration.confirmed_at = registration.validated_at = now
        registration.save(
            update_fields=[
                "status", "confirmed_by", "confirmed_at", "validated_by", "validated_at",
            ]
        )  # fmt: skip
    audit.log(
        registration,
        audit_actions.REGISTRATION_SUBMITTED,
        actor=by,
        data={
            "meeting": meeting.pk,
            "organisation": invitation.organisation_id,
            "delegates": len(rows),
            "previous_status": previous,
            "status": registration.status,
        },
    )
    return registration


def remind_unanswered_invitations(now: datetime | None = None) -> int:
    """Tell the Secretariat, once, of each sent invitation whose answer is overdue."""
    now = now or timezone.now()
    overdue = Invitation.objects.filter(
        status=Invitation.Status.SENT, answer_due__lt=now, reminded_at__isnull=True
    ).select_related("meeting", "organisation")
    count = 0
    for invitation in overdue:
        with transaction.atomic():
            # Only one run wins the reminder: a second beat changes nothing.
            if not Invitation.objects.filter(pk=invitation.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            notify(
                secretariat_users(),
                key=f"meetings:invitation:{invitation.pk}:answer-overdue",
                notice=Notice(
                    gettext_lazy("No answer yet from %(org)s: %(meeting)s"),
                    gettext_lazy(
                        "%(org)s has not answered the invitation to %(meeting)s sent to its "
                        "contact point. Ask again, then record its answer on the meeting's page."
                    ),
                    {"org": invitation.organisation.code, "meeting": invitation.meeting.title},
                ),
                url=invitation.meeting.get_absolute_url(),
            )
            count += 1
    return count
