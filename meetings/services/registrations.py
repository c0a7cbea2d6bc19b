"""A state's delegation to a meeting: registered by its focal point, confirmed centrally."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import audit
from cica_portal.models import User
from cica_portal.notifications import Notice, notify, secretariat_users
from cica_portal.transactions import retry_on_deadlock

from .. import audit_actions, selectors
from ..models import Delegate, Meeting, Registration
from .errors import MeetingError

DELEGATE_FIELDS = ("name", "position", "role", "interpretation", "dietary", "access")


def check_registration_open(meeting: Meeting, now: datetime | None = None) -> None:
    """Raise unless a delegation can be registered or changed now."""
    closed = selectors.why_registration_is_closed(meeting, now)
    if closed is not None:
        raise MeetingError(closed, code="conflict")


def _clean_delegates(meeting: Meeting, delegates: Iterable[Mapping]) -> list[dict]:
    rows = [
        {field: (row.get(field) or "").strip() for field in DELEGATE_FIELDS} for row in delegates
    ]
    rows = [row for row in rows if row["name"]]
    if not rows:
        raise MeetingError(_("Name at least one delegate."), field="delegates")
    limit = meeting.max_delegates_per_state
    if limit and len(rows) > limit:
        raise MeetingError(
            _("At most %(limit)d delegates per state may attend this meeting; you named %(n)d.")
            % {"limit": limit, "n": len(rows)},
            field="delegates",
        )
    for row in rows:
        row["role"] = row["role"] or Delegate.Role.DELEGATE
        if row["role"] not in Delegate.Role.values:
            raise MeetingError(_("Unknown delegate role: %(role)s.") % row, field="delegates")
    if sum(row["role"] == Delegate.Role.HEAD for row in rows) > 1:
        raise MeetingError(_("A delegation has one head."), field="delegates")
    return rows


def _focal_points_of(registration: Registration) -> QuerySet[User]:
    """Who hears of the Secretariat's answer on a delegation: its state's focal points."""
    return User.objects.filter(role=User.Role.FOCAL_POINT, state_id=registration.state_id)


@retry_on_deadlock
@transaction.atomic
def register_delegation(
    meeting: Meeting, *, by: User, delegates: Iterable[Mapping]
) -> Registration:
    """Register (or replace) the delegation of the focal point's own state."""
    if not by.is_focal_point:
        raise MeetingError(
            _("Only your state's focal point registers its delegation."), code="forbidden"
        )
    meeting = Meeting.objects.select_for_update(of=("self",), no_key=True).get(pk=meeting.pk)
    check_registration_open(meeting)
    rows = _clean_delegates(meeting, delegates)
    registration = (
        Registration.objects.select_for_update(of=("self",), no_key=True)
        .filter(meeting=meeting, state=by.national_state)
        .first()
    )
    if registration is not None and registration.status == Registration.Status.DECLINED:
        raise MeetingError(selectors.DECLINED_IS_FINAL, code="conflict")
    previous = registration.status if registration else None
    if registration is None:
        registration = Registration.objects.create(
            meeting=meeting, state=by.national_state, registered_by=by
        )
    else:
        registration.status = Registration.Status.SUBMITTED
        registration.registered_by = by
        registration.confirmed_by = None
        registration.confirmed_at = None
        registration.decision_reason = ""
        registration.save(
            update_fields=[
                "status",
                "registered_by",
                "confirmed_by",
                "confirmed_at",
                "decision_reason",
                "updated_at",
            ]
        )
        registration.delegates.all().delete()
    Delegate.objects.bulk_create(
        Delegate(registration=registration, order=i, **row) for i, row in enumerate(rows)
    )
    audit.log(
        registration,
        audit_actions.REGISTRATION_SUBMITTED,
        actor=by,
        data={"meeting": meeting.pk, "delegates": len(rows), "previous_status": previous},
    )
    return registration


@retry_on_deadlock
@transaction.atomic
def confirm_registration(registration: Registration, *, by: User) -> Registration:
    """The Secretariat confirms a submitted delegation and tells its focal point."""
    if not by.is_secretariat:
        raise MeetingError(_("Only the Secretariat confirms registrations."), code="forbidden")
    registration = (
        Registration.objects.select_for_update(of=("self",), no_key=True)
        .select_related("meeting")
        .get(pk=registration.pk)
    )
    if not selectors.may_confirm_registration(by, registration):
        raise MeetingError(_("Only a submitted registration can be confirmed."), code="conflict")
    registration.status = Registration.Status.CONFIRMED
    registration.confirmed_by = by
    registration.confirmed_at = timezone.now()
    registration.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
    audit.log(registration, audit_actions.REGISTRATION_CONFIRMED, actor=by)
    meeting = registration.meeting
    notify(
        _focal_points_of(registration),
        key=f"meetings:registration:{registration.pk}:confirmed:{int(registration.confirmed_at.timestamp())}",
        notice=Notice(
            gettext_lazy("Delegation confirmed: %(title)s"),
            gettext_lazy("The Secretariat confirmed your state's delegation to %(title)s."),
            {"title": meeting.title},
        ),
        url=meeting.get_absolute_url(),
    )
    return registration


@retry_on_deadlock
@transaction.atomic
def withdraw_registration(registration: Registration, *, by: User) -> Registration:
    """The state's focal point withdraws its delegation."""
    registration = Registration.objects.select_for_update(of=("self",), no_key=True).get(
        pk=registration.pk
    )
    if not selectors.is_own_states_focal_point(by, registration):
        raise MeetingError(_("Only your state's focal point can withdraw it."), code="forbidden")
    if not selectors.may_withdraw_registration(by, registration):
        return registration  # already withdrawn: nothing changes
    previous = registration.status
    registration.status = Registration.Status.WITHDRAWN
    registration.save(update_fields=["status", "updated_at"])
    audit.log(
        registration,
        audit_actions.REGISTRATION_WITHDRAWN,
        actor=by,
        data={"previous_status": previous},
    )
    meeting = registration.meeting
    notify(
        secretariat_users(),
        key=f"meetings:registration:{registration.pk}:withdrawn:{int(registration.updated_at.timestamp())}",
        notice=Notice(
            gettext_lazy("Delegation withdrawn: %(state)s, %(title)s"),
            gettext_lazy(
                "%(state)s withdrew its delegation to %(title)s. Its seats are free; the list "
                "of participants no longer shows it."
            ),
            {"state": registration.state.name_en, "title": meeting.title},
        ),
        url=meeting.get_absolute_url(),
    )
    return registration


RETURN_NOTICE = Notice(
    gettext_lazy("Delegation returned for changes: %(title)s"),
    gettext_lazy(
        "The Secretariat returned your state's delegation to %(title)s for changes: "
        "%(reason)s Change the delegation on the meeting's page and register it again."
    ),
)
DECLINE_NOTICE = Notice(
    gettext_lazy("Delegation declined: %(title)s"),
    gettext_lazy(
        "The Secretariat declined your state's delegation to %(title)s: %(reason)s "
        "Contact the Secretariat if you think this is a mistake."
    ),
)


def _decide(registration: Registration, *, by: User, reason: str, status: str) -> Registration:
    if not by.is_secretariat:
        raise MeetingError(_("Only the Secretariat decides on registrations."), code="forbidden")
    reason = (reason or "").strip()
    if not reason:
        raise MeetingError(_("Give the reason; the focal point reads it."), field="reason")
    registration = (
        Registration.objects.select_for_update(of=("self",), no_key=True)
        .select_related("meeting", "state")
        .get(pk=registration.pk)
    )
    if not selectors.may_decide_registration(by, registration):
        raise MeetingError(
            _("Only a submitted or confirmed registration can be returned or declined."),
            code="conflict",
        )
    previous = registration.status
    registration.status = status
    registration.decision_reason = reason
    registration.confirmed_by = None
    registration.confirmed_at = None
    registration.save(
        update_fields=["status", "decision_reason", "confirmed_by", "confirmed_at", "updated_at"]
    )
    audit.log(
        registration,
        audit_actions.REGISTRATION_DECIDED,
        actor=by,
        data={"from": previous, "to": status, "reason": reason},
    )
    template = RETURN_NOTICE if status == Registration.Status.RETURNED else DECLINE_NOTICE
    meeting = registration.meeting
    notify(
        _focal_points_of(registration),
        key=f"meetings:registration:{registration.pk}:{status}:{int(registration.updated_at.timestamp())}",
        notice=replace(
            template, context={"title": meeting.title, "reason": reason.rstrip(".") + "."}
        ),
        url=meeting.get_absolute_url(),
    )
    return registration


@retry_on_deadlock
@transaction.atomic
def return_registration(registration: Registration, *, by: User, reason: str) -> Registration:
    """The Secretariat sends a delegation back to its focal point to be changed."""
    return _decide(registration, by=by, reason=reason, status=Registration.Status.RETURNED)


@retry_on_deadlock
@transaction.atomic
def decline_registration(registration: Registration, *, by: User, reason: str) -> Registration:
    """The Secretariat declines a delegation; its state cannot register it again."""
    return _decide(registration, by=by, reason=reason, status=Registration.Status.DECLINED)
