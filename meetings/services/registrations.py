"""A state's delegation to a meeting: registered by its focal point, confirmed centrally."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import audit
from cica_portal.models import User
from cica_portal.notifications import Notice, notify, secretariat_users
from cica_portal.transactions import retry_on_deadlock

from .. import audit_actions, selectors
from ..models import Delegate, Meeting, OfficialListVersion, Registration
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
    """Who hears of the Secretariat's answer on a delegation: its state's focal points (a
    body's delegation has none: the Secretariat writes to its contact point itself)."""
    if registration.state_id is None:
        return User.objects.none()
    return User.objects.filter(role=User.Role.FOCAL_POINT, state_id=registration.state_id)


def _seats_taken(meeting: Meeting) -> int:
    return meeting.registrations.filter(status__in=Registration.ACTIVE_STATUSES).count()


def _is_full(meeting: Meeting) -> bool:
    """No seat left for one more delegation (read under the meeting's lock)."""
    cap = meeting.max_delegations
    return cap is not None and cap > 0 and _seats_taken(meeting) >= cap


PROMOTED_NOTICE = Notice(
    gettext_lazy("A seat is free: %(title)s"),
    gettext_lazy(
        "A seat freed at %(title)s and your state's delegation has left the waiting list. "
        "The Secretariat will confirm it."
    ),
)


def promote_waiting_list(meeting: Meeting, *, by: User | None = None) -> list[Registration]:
    """Give every free seat to the waiting list, first come first served. The caller holds
    the meeting's row lock: two withdrawals at once promote one delegation each, in order."""
    promoted: list[Registration] = []
    if not meeting.max_delegations:
        free = None
    else:
        free = meeting.max_delegations - _seats_taken(meeting)
        if free <= 0:
            return promoted
    waiting = (
        Registration.objects.select_for_update(of=("self",), no_key=True)
        .filter(meeting=meeting, status=Registration.Status.WAITLISTED)
        .order_by("waitlisted_at", "pk")
    )
    for registration in waiting[:free] if free is not None else waiting:
        registration.status = Registration.Status.SUBMITTED
        registration.save(update_fields=["status", "updated_at"])
        audit.log(
            registration,
            audit_actions.REGISTRATION_PROMOTED,
            actor=by,
            data={
                "meeting": meeting.pk,
                "waitlisted_at": str(registration.waitlisted_at),
            },
        )
        notify(
            _focal_points_of(registration),
            key=f"meetings:registration:{registration.pk}:promoted:{int(registration.updated_at.timestamp())}",
            notice=replace(PROMOTED_NOTICE, context={"title": meeting.title}),
            url=meeting.get_absolute_url(),
        )
        promoted.append(registration)
    return promoted


def place_delegation(
    meeting: Meeting,
    registration: Registration | None,
    *,
    by: User,
    rows: list[dict],
    **owner: object,
) -> tuple[Registration, str | None]:
    """Create or replace a delegation under the meeting's lock: a new one past the cap joins
    the waiting list; a changed one loses its state's validation. Returns it and its previous
    status."""
    previous = registration.status if registration else None
    takes_no_seat = previous in (None, Registration.Status.WITHDRAWN)
    status: str = Registration.Status.SUBMITTED
    waitlisted_at: datetime | None = None
    if takes_no_seat and _is_full(meeting):
        status, waitlisted_at = Registration.Status.WAITLISTED, timezone.now()
    elif registration is not None and previous == Registration.Status.WAITLISTED:
        status, waitlisted_at = previous, registration.waitlisted_at
    if registration is None:
        registration = Registration.objects.create(
            meeting=meeting, registered_by=by, status=status, waitlisted_at=waitlisted_at, **owner
        )
    else:
        registration.status = status
        registration.waitlisted_at = waitlisted_at
        registration.registered_by = by
        registration.confirmed_by = None
        registration.confirmed_at = None
        registration.validated_by = None
        registration.validated_at = None
        registration.decision_reason = ""
        registration.save(
            update_fields=[
                "status",
                "waitlisted_at",
                "registered_by",
                "confirmed_by",
                "confirmed_at",
                "validated_by",
                "validated_at",
                "decision_reason",
                "updated_at",
            ]
        )
        registration.delegates.all().delete()
    Delegate.objects.bulk_create(
        Delegate(registration=registration, order=i, **row) for i, row in enumerate(rows)
    )
    return registration, previous


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
    registration, previous = place_delegation(
        meeting, registration, by=by, rows=rows, state=by.national_state
    )
    audit.log(
        registration,
        audit_actions.REGISTRATION_SUBMITTED,
        actor=by,
        data={
            "meeting": meeting.pk,
            "delegates": len(rows),
            "previous_status": previous,
            "status": registration.status,
        },
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
    """The state's focal point withdraws its delegation; its seat goes to the waiting list."""
    # The meeting before the delegation: the order every registration takes them in, so that
    # withdrawals at once promote from the waiting list one after the other.
    meeting = Meeting.objects.select_for_update(of=("self",), no_key=True).get(
        pk=registration.meeting_id
    )
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
    promote_waiting_list(meeting, by=by)
    notify(
        secretariat_users(),
        key=f"meetings:registration:{registration.pk}:withdrawn:{int(registration.updated_at.timestamp())}",
        notice=Notice(
            gettext_lazy("Delegation withdrawn: %(state)s, %(title)s"),
            gettext_lazy(
                "%(state)s withdrew its delegation to %(title)s. Its seats are free; the list "
                "of participants no longer shows it."
            ),
            {"state": registration.participant_name, "title": meeting.title},
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
    meeting = Meeting.objects.select_for_update(of=("self",), no_key=True).get(
        pk=registration.meeting_id
    )
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
    if status == Registration.Status.DECLINED:
        promote_waiting_list(meeting, by=by)
    template = RETURN_NOTICE if status == Registration.Status.RETURNED else DECLINE_NOTICE
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


# --- The state's own check of its line, credentials, the official list ------------------------


@retry_on_deadlock
@transaction.atomic
def validate_delegation(registration: Registration, *, by: User) -> Registration:
    """The state's approver or focal point confirms its line on the official list is right."""
    registration = (
        Registration.objects.select_for_update(of=("self",), no_key=True)
        .select_related("state")
        .get(pk=registration.pk)
    )
    if not selectors.may_validate_delegation(by, registration):
        raise MeetingError(
            _(
                "Only your state's approver or focal point validates its delegation, once the "
                "delegation takes a seat."
            ),
            code="forbidden",
        )
    registration.validated_by = by
    registration.validated_at = timezone.now()
    registration.save(update_fields=["validated_by", "validated_at", "updated_at"])
    audit.log(
        registration,
        audit_actions.REGISTRATION_VALIDATED,
        actor=by,
        data={"delegates": registration.delegates.count()},
    )
    return registration


@retry_on_deadlock
@transaction.atomic
def upload_credentials(registration: Registration, *, by: User, upload: Any) -> Registration:
    """The state's credentials letter for its delegation (a PDF or a scan), checked by content."""
    from cica_portal.uploads import refuse_unless_acceptable

    registration = Registration.objects.select_for_update(of=("self",), no_key=True).get(
        pk=registration.pk
    )
    if not selectors.may_upload_credentials(by, registration):
        raise MeetingError(
            _("Only your state's focal point files its delegation's credentials."),
            code="forbidden",
        )
    _extension, content_type = refuse_unless_acceptable(upload, MeetingError)
    old = registration.credentials.name if registration.credentials else ""
    registration.credentials.save(upload.name, upload, save=False)
    registration.credentials_name = str(upload.name)[:255]
    registration.credentials_type = content_type
    registration.save(
        update_fields=["credentials", "credentials_name", "credentials_type", "updated_at"]
    )
    if old:
        storage = registration.credentials.storage
        transaction.on_commit(lambda: storage.delete(old))
    audit.log(
        registration,
        audit_actions.CREDENTIALS_FILED,
        actor=by,
        data={"name": registration.credentials_name, "size": upload.size},
    )
    return registration


@retry_on_deadlock
@transaction.atomic
def publish_participants(meeting: Meeting, *, by: User) -> OfficialListVersion:
    """The Secretariat publishes the official list (again after a change): its lines as they
    stand are frozen, with their hash, as the next version; member states' people read the
    latest version from now on, and earlier ones stay in the history."""
    if not by.is_secretariat:
        raise MeetingError(_("Only the Secretariat publishes the official list."), code="forbidden")
    meeting = Meeting.objects.select_for_update(of=("self",), no_key=True).get(pk=meeting.pk)
    lines = selectors.official_list_lines(meeting)
    if not lines:
        raise MeetingError(
            _(
                "No delegation is both confirmed by the Secretariat and validated by its state "
                "yet: there is nothing to publish."
            ),
            code="conflict",
        )
    sha256 = selectors.official_list_hash(lines)
    latest = selectors.published_official_list(meeting)
    if latest is not None and latest.sha256 == sha256:
        raise MeetingError(
            _(
                "Nothing changed since version %(number)d of the official list: it stays the "
                "published one."
            )
            % {"number": latest.number},
            code="conflict",
        )
    last = meeting.official_lists.aggregate(last=Max("number"))["last"] or 0
    version = OfficialListVersion.objects.create(
        meeting=meeting,
        number=last + 1,
        lines=lines,
        sha256=sha256,
        published_by=by,
    )
    meeting.participants_published_at = version.published_at
    meeting.save(update_fields=["participants_published_at", "updated_at"])
    audit.log(
        meeting,
        audit_actions.PARTICIPANTS_PUBLISHED,
        actor=by,
        data={
            "delegations": [line["code"] for line in lines],
            "version": version.number,
            "sha256": version.sha256,
        },
    )
    return version
