"""Delegates checked in at the door by the Secretariat, from the code on their badge."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cica_portal import audit
from cica_portal.models import User
from cica_portal.transactions import retry_on_deadlock

from .. import audit_actions, selectors
from ..badges import read_badge_code
from ..models import Delegate, Meeting, Registration
from .errors import MeetingError


@dataclass(frozen=True)
class CheckIn:
    delegate: Delegate
    first_time: bool


@retry_on_deadlock
@transaction.atomic
def check_in(meeting: Meeting, code: str, *, by: User) -> CheckIn:
    """Record that the badge's holder came in; a second scan changes nothing and says when."""
    if not selectors.may_check_in(by):
        raise MeetingError(_("Only the Secretariat checks delegates in."), code="forbidden")
    read = read_badge_code(code)
    if read is None or read[0] != meeting.pk:
        raise MeetingError(
            _("This is not a badge of this meeting: check the code and try again."), field="code"
        )
    delegate = (
        Delegate.objects.select_for_update(of=("self",), no_key=True)
        .select_related("registration__state", "registration__organisation")
        .filter(pk=read[1], registration__meeting=meeting)
        .first()
    )
    if delegate is None or delegate.registration.status != Registration.Status.CONFIRMED:
        raise MeetingError(
            _("This badge's delegation is not confirmed for this meeting (any more)."),
            field="code",
        )
    if delegate.checked_in_at is not None:
        return CheckIn(delegate, first_time=False)
    delegate.checked_in_at = timezone.now()
    delegate.checked_in_by = by
    delegate.save(update_fields=["checked_in_at", "checked_in_by"])
    audit.log(
        delegate,
        audit_actions.DELEGATE_CHECKED_IN,
        actor=by,
        data={"meeting": meeting.pk, "registration": delegate.registration_id},
    )
    return CheckIn(delegate, first_time=True)
