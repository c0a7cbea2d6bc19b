"""Writes to the focal-point network: one function per business action, one transaction each."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import audit
from cica_portal.dates import date_lazy
from cica_portal.errors import DomainError
from cica_portal.models import Area, User
from cica_portal.notifications import (
    Notice,
    approvers_of,
    notify,
    notify_many,
    secretariat_users,
)
from cica_portal.transactions import retry_on_deadlock

from . import audit_actions, selectors
from .models import (
    FocalPoint,
    FocalPointArea,
    FocalPointChange,
    FocalPointTransition,
    OrganisationContact,
    languages_to_db,
    scripts_pair,
)

Status = FocalPoint.Status
NOMINATION_FIELDS = (
    "name",
    "name_other_script",
    "organisation",
    "position",
    "email",
    "phone",
    "address",
    "term_start",
    "term_end",
    "role",
    "languages",
    "user",
)


class FocalPointError(DomainError):
    """A rule of the focal-point network said no."""


def _transition(entry: FocalPoint, to: str, *, actor: User | None, reason: str = "") -> None:
    """Move an entry to a status and record it in the history and the audit log."""
    from_status = entry.status
    entry.status = to
    FocalPointTransition.objects.create(
        entry=entry, from_status=from_status, to_status=to, actor=actor, reason=reason
    )
    audit.log(
        entry,
        audit_actions.entry_moved_to(to),
        actor=actor,
        data={"from": from_status, "to": to, "reason": reason, "state": entry.state.code},
    )


def _check_primary_free(entry: FocalPoint, areas: Iterable[Area]) -> None:
    """A state has one current primary per area; refuse a second."""
    if entry.role != FocalPoint.Role.PRIMARY:
        return
    taken = FocalPointArea.objects.filter(
        state_id=entry.state_id, area__in=list(areas), holds_primary=True
    ).select_related("area")
    if entry.pk:
        taken = taken.exclude(entry=entry)
    numbers = sorted(row.area.number for row in taken)
    if numbers:
        raise FocalPointError(
            _(
                "The state already has a primary focal point for area(s) %(areas)s. Nominate a "
                "deputy, or withdraw the current primary first."
            )
            % {"areas": ", ".join(map(str, numbers))},
            field="role",
            code="conflict",
        )


def _set_areas(entry: FocalPoint, areas: Iterable[Area]) -> None:
    entry.areas.set(list(areas), through_defaults={"state_id": entry.state_id})


def _hold_primary(entry: FocalPoint, hold: bool) -> None:
    """Take or release the primary seat in every area of the entry."""
    FocalPointArea.objects.filter(entry=entry).update(
        holds_primary=hold and entry.role == FocalPoint.Role.PRIMARY
    )


def _check_term(data: dict[str, Any], state_id: int) -> None:
    user = data.get("user")
    if user is not None and (not user.is_focal_point or user.state_id != state_id):
        raise FocalPointError(_("Link only a focal point account of the same state."), field="user")
    if data.get("term_end") and data.get("term_start") and data["term_end"] < data["term_start"]:
        raise FocalPointError(_("The term cannot end before it starts."), field="term_end")


def _check_other_script(name: str, other: str) -> None:
    """The name in the other script is the same name in Cyrillic or in Latin letters."""
    if other and not scripts_pair(name, other):
        raise FocalPointError(
            _(
                "Write the name here in the other script: in Cyrillic if the name is in Latin "
                "letters, in Latin letters if it is in Cyrillic."
            ),
            field="name_other_script",
        )


def _about(entry: FocalPoint) -> dict[str, Any]:
    """What a notice about an entry names: the person, and the state in the reader's language."""
    return {"name": entry.name, "state": entry.state.in_their_language("name")}


def _entry_url(entry: FocalPoint) -> str:
    return reverse("focalpoints:detail", args=[entry.pk])


@retry_on_deadlock
@transaction.atomic
def nominate(*, approver: User, areas: Iterable[Area], **data: Any) -> FocalPoint:
    """A release approver nominates a focal point for their own state."""
    if not selectors.may_nominate(approver):
        raise FocalPointError(_("Only a state's release approver may nominate."), code="forbidden")
    areas = list(areas)
    if not areas:
        raise FocalPointError(_("Choose at least one area."), field="areas")
    _check_term(data, approver.national_state_id)
    _check_other_script(data.get("name", ""), data.get("name_other_script") or "")
    values = {key: data[key] for key in NOMINATION_FIELDS if key in data}
    values["languages"] = languages_to_db(values.get("languages") or [])
    entry = FocalPoint(
        state_id=approver.national_state_id, nominated_by=approver, status="", **values
    )
    _check_primary_free(entry, areas)
    entry.save()
    _set_areas(entry, areas)
    _transition(entry, Status.NOMINATED, actor=approver)
    entry.save(update_fields=["status"])
    notify(
        secretariat_users(),
        key=f"fp:{entry.pk}:nominated",
        notice=Notice(
            gettext_lazy("New focal point nominated: %(state)s"),
            gettext_lazy(
                "%(state)s nominated %(name)s as a focal point. Check the details and verify or "
                "return the nomination."
            ),
            _about(entry),
        ),
        url=_entry_url(entry),
    )
    return entry


@retry_on_deadlock
@transaction.atomic
def update_nomination(
    entry: FocalPoint, *, approver: User, areas: Iterable[Area], **data: Any
) -> FocalPoint:
    """The state's approver corrects a nomination not yet verified; a returned one goes back."""
    entry = (
        FocalPoint.objects.select_for_update(of=("self",), no_key=True)
        .select_related("state")
        .get(pk=entry.pk)
    )
    if not selectors.is_own_states_approver(approver, entry):
        raise FocalPointError(
            _("Only this state's release approver may change it."), code="forbidden"
        )
    if not selectors.may_correct_nomination(approver, entry):
        raise FocalPointError(
            _("Only a nomination awaiting verification or returned can be changed."),
            code="conflict",
        )
    areas = list(areas)
    if not areas:
        raise FocalPointError(_("Choose at least one area."), field="areas")
    _check_term(data, entry.state_id)
    _check_other_script(
        data.get("name", entry.name), data.get("name_other_script", entry.name_other_script) or ""
    )
    changed = []
    for key in NOMINATION_FIELDS:
        if key not in data:
            continue
        value = languages_to_db(data[key] or []) if key == "languages" else data[key]
        if getattr(entry, key) != value:
            FocalPointChange.objects.create(
                entry=entry,
                field=key,
                old_value=str(getattr(entry, key) or ""),
                new_value=str(value or ""),
                changed_by=approver,
            )
            setattr(entry, key, value)
            changed.append(key)
    _check_primary_free(entry, areas)
    _set_areas(entry, areas)
    resubmitted = entry.status == Status.RETURNED
    if resubmitted:
        _transition(entry, Status.NOMINATED, actor=approver, reason=_("Resubmitted"))
        entry.return_reason = ""
        changed += ["status", "return_reason"]
    entry.save(update_fields=[*changed, "updated_at"])
    audit.log(entry, audit_actions.NOMINATION_UPDATED, actor=approver, data={"fields": changed})
    if resubmitted:
        notify(
            secretariat_users(),
            key=f"fp:{entry.pk}:resubmitted:{entry.transitions.count()}",
            notice=Notice(
                gettext_lazy("Focal point nomination resubmitted: %(state)s"),
                gettext_lazy(
                    "%(state)s resubmitted the nomination of %(name)s. Verify or return it."
                ),
                _about(entry),
            ),
            url=_entry_url(entry),
        )
    return entry


@retry_on_deadlock
@transaction.atomic
def verify(entry: FocalPoint, *, actor: User) -> FocalPoint:
    """The Secretariat verifies a nomination or a focal point's changes; the entry is active."""
    entry = (
        FocalPoint.objects.select_for_update(of=("self",), no_key=True)
        .select_related("state")
        .get(pk=entry.pk)
    )
    if not actor.is_secretariat:
        raise FocalPointError(_("Only the Secretariat verifies focal points."), code="forbidden")
    if not selectors.may_verify(actor, entry):
        raise FocalPointError(_("There is nothing to verify on this entry."), code="conflict")
    fields = [
        "status",
        "verified_by",
        "verified_at",
        "return_reason",
        "pending_changes",
        "updated_at",
    ]
    if entry.status == Status.CHANGES_TO_VERIFY:
        for key, value in entry.pending_changes.items():
            setattr(entry, key, value)
            fields.append(key)
        entry.changes.filter(outcome=FocalPointChange.Outcome.PENDING).update(
            outcome=FocalPointChange.Outcome.VERIFIED
        )
    else:
        _check_primary_free(entry, entry.areas.all())
    entry.pending_changes = {}
    entry.verified_by, entry.verified_at, entry.return_reason = actor, timezone.now(), ""
    _transition(entry, Status.ACTIVE, actor=actor)
    entry.save(update_fields=fields)
    _hold_primary(entry, True)
    recipients = [entry.user] if entry.user is not None else []
    notify(
        [*recipients, *approvers_of([entry.state_id])],
        key=f"fp:{entry.pk}:verified:{entry.verified_at:%Y%m%d%H%M%S%f}",
        notice=Notice(
            gettext_lazy("Focal point verified: %(name)s"),
            gettext_lazy(
                "The Secretariat verified %(name)s as a focal point of %(state)s; the entry is in "
                "the directory."
            ),
            _about(entry),
        ),
        url=_entry_url(entry),
    )
    return entry


@retry_on_deadlock
@transaction.atomic
def return_entry(entry: FocalPoint, *, actor: User, reason: str) -> FocalPoint:
    """The Secretariat returns a nomination, or declines a focal point's changes, with a reason."""
    entry = (
        FocalPoint.objects.select_for_update(of=("self",), no_key=True)
        .select_related("state")
        .get(pk=entry.pk)
    )
    if not actor.is_secretariat:
        raise FocalPointError(_("Only the Secretariat returns nominations."), code="forbidden")
    reason = (reason or "").strip()
    if not reason:
        raise FocalPointError(_("Say why it is returned."), field="reason")
    if not selectors.may_verify(actor, entry):
        raise FocalPointError(_("Only what awaits verification can be returned."), code="conflict")
    if entry.status == Status.NOMINATED:
        to = Status.RETURNED
    else:
        to = Status.ACTIVE  # the verified details stay; the changes are declined
        entry.changes.filter(outcome=FocalPointChange.Outcome.PENDING).update(
            outcome=FocalPointChange.Outcome.RETURNED
        )
        entry.pending_changes = {}
    entry.return_reason = reason
    _transition(entry, to, actor=actor, reason=reason)
    entry.save(update_fields=["status", "return_reason", "pending_changes", "updated_at"])
    recipients = [entry.user] if entry.user is not None else []
    notify(
        [*recipients, *approvers_of([entry.state_id])],
        key=f"fp:{entry.pk}:returned:{entry.transitions.count()}",
        notice=Notice(
            gettext_lazy("Focal point entry returned: %(name)s"),
            gettext_lazy(
                "The Secretariat returned the entry of %(name)s: %(reason)s. Correct it and submit "
                "it again."
            ),
            {**_about(entry), "reason": reason},
        ),
        url=_entry_url(entry),
    )
    return entry


@retry_on_deadlock
@transaction.atomic
def withdraw(entry: FocalPoint, *, actor: User, reason: str = "") -> FocalPoint:
    """The state's approver or the Secretariat withdraws an entry; it stays in the history."""
    entry = (
        FocalPoint.objects.select_for_update(of=("self",), no_key=True)
        .select_related("state")
        .get(pk=entry.pk)
    )
    if not (selectors.is_own_states_approver(actor, entry) or actor.is_secretariat):
        raise FocalPointError(
            _("Only this state's approver or the Secretariat may withdraw it."), code="forbidden"
        )
    if not selectors.may_withdraw(actor, entry):
        raise FocalPointError(_("This entry is already closed."), code="conflict")
    _transition(entry, Status.WITHDRAWN, actor=actor, reason=reason)
    entry.save(update_fields=["status", "updated_at"])
    _hold_primary(entry, False)
    return entry


def _record_detail_changes(
    entry: FocalPoint, *, actor: User, data: dict[str, Any], pending: dict[str, Any]
) -> list[str]:
    """Keep a change row per field that differs from what is shown: a field the Secretariat
    verifies goes into `pending` (or out of it, when set back); any other is set on the entry.
    Returns the fields set on the entry."""
    applied = []
    for key in FocalPoint.SELF_SERVICE_FIELDS:
        if key not in data:
            continue
        value = data[key] or ""
        verified = key in FocalPoint.VERIFIED_FIELDS
        shown = pending.get(key, getattr(entry, key)) if verified else getattr(entry, key)
        if value == shown:
            continue
        FocalPointChange.objects.create(
            entry=entry,
            field=key,
            old_value=str(shown or ""),
            new_value=str(value),
            changed_by=actor,
            outcome=FocalPointChange.Outcome.PENDING
            if verified
            else FocalPointChange.Outcome.APPLIED,
        )
        if not verified:
            setattr(entry, key, value)
            applied.append(key)
        elif value == getattr(entry, key):
            pending.pop(key, None)
        else:
            pending[key] = value
    return applied


@retry_on_deadlock
@transaction.atomic
def update_contact_details(entry: FocalPoint, *, actor: User, **data: Any) -> FocalPoint:
    """A focal point updates their own details; verified fields wait for the Secretariat."""
    entry = (
        FocalPoint.objects.select_for_update(of=("self",), no_key=True)
        .select_related("state")
        .get(pk=entry.pk)
    )
    if not selectors.is_own_entry(actor, entry):
        raise FocalPointError(_("You can change only your own entry."), code="forbidden")
    if not selectors.may_update_own_details(actor, entry):
        raise FocalPointError(_("Only an active entry can be updated."), code="conflict")
    if "languages" in data:
        data["languages"] = languages_to_db(data["languages"] or [])
    pending = dict(entry.pending_changes)

    def shown(key: str) -> str:
        return data.get(key, pending.get(key, getattr(entry, key))) or ""

    _check_other_script(shown("name"), shown("name_other_script"))
    applied = _record_detail_changes(entry, actor=actor, data=data, pending=pending)
    entry.pending_changes = pending
    fields = [*applied, "pending_changes", "updated_at"]
    newly_pending = bool(pending) and entry.status == Status.ACTIVE
    if newly_pending:
        _transition(entry, Status.CHANGES_TO_VERIFY, actor=actor)
        fields.append("status")
    elif not pending and entry.status == Status.CHANGES_TO_VERIFY:
        _transition(entry, Status.ACTIVE, actor=actor, reason=_("Changes taken back"))
        fields.append("status")
    entry.save(update_fields=fields)
    audit.log(
        entry,
        "focalpoints.entry.details_changed",
        actor=actor,
        data={"applied": applied, "to_verify": sorted(pending)},
    )
    if newly_pending:
        notify(
            secretariat_users(),
            key=f"fp:{entry.pk}:changes:{entry.transitions.count()}",
            notice=Notice(
                gettext_lazy("Focal point changes to verify: %(state)s"),
                gettext_lazy(
                    "%(name)s changed details the Secretariat verified (%(fields)s). Verify or "
                    "return the changes."
                ),
                {**_about(entry), "fields": ", ".join(sorted(pending))},
            ),
            url=_entry_url(entry),
        )
    return entry


# What the Secretariat may correct on an entry (its state, role, areas, account and status
# change only through the nomination and its verification).
CORRECTABLE_FIELDS = (
    "name",
    "name_other_script",
    "organisation",
    "position",
    "languages",
    "email",
    "phone",
    "address",
    "term_start",
    "term_end",
)


@retry_on_deadlock
@transaction.atomic
def correct_entry(entry: FocalPoint, *, actor: User, **data: Any) -> FocalPoint:
    """The Secretariat corrects an entry's details; each change is kept in its history."""
    entry = (
        FocalPoint.objects.select_for_update(of=("self",), no_key=True)
        .select_related("state")
        .get(pk=entry.pk)
    )
    if not actor.is_secretariat:
        raise FocalPointError(_("Only the Secretariat corrects entries."), code="forbidden")
    if entry.status in FocalPoint.FINAL_STATUSES:
        raise FocalPointError(_("This entry is already closed."), code="conflict")
    data = {key: value for key, value in data.items() if key in CORRECTABLE_FIELDS}
    if "languages" in data:
        data["languages"] = languages_to_db(data["languages"] or [])
    _check_term(
        {
            "term_start": data.get("term_start", entry.term_start),
            "term_end": data.get("term_end", entry.term_end),
        },
        entry.state_id,
    )
    _check_other_script(
        data.get("name", entry.name), data.get("name_other_script", entry.name_other_script) or ""
    )
    changed = []
    for key, value in data.items():
        value = "" if value is None and key != "term_end" else value
        if getattr(entry, key) == value:
            continue
        FocalPointChange.objects.create(
            entry=entry,
            field=key,
            old_value=str(getattr(entry, key) or ""),
            new_value=str(value or ""),
            changed_by=actor,
            outcome=FocalPointChange.Outcome.APPLIED,
        )
        setattr(entry, key, value)
        changed.append(key)
    if changed:
        entry.save(update_fields=[*changed, "updated_at"])
        audit.log(entry, audit_actions.ENTRY_CORRECTED, actor=actor, data={"fields": changed})
    return entry


CONTACT_FIELDS = ("organisation", "name", "position", "email", "phone", "active")


@retry_on_deadlock
@transaction.atomic
def save_contact(
    contact: OrganisationContact | None, *, actor: User, areas: Iterable[Area], **data: Any
) -> OrganisationContact:
    """The Secretariat adds or changes an organisation's contact point (hidden, not deleted,
    once it is no longer current)."""
    if not actor.is_secretariat:
        raise FocalPointError(
            _("Only the Secretariat keeps the organisations' contacts."), code="forbidden"
        )
    data = {key: value for key, value in data.items() if key in CONTACT_FIELDS}
    changes: dict[str, Any]
    if contact is None:
        contact = OrganisationContact.objects.create(**data)
        changes = {key: str(getattr(value, "pk", value)) for key, value in data.items()}
        action = "focalpoints.contact.created"
    else:
        contact = OrganisationContact.objects.select_for_update(of=("self",), no_key=True).get(
            pk=contact.pk
        )
        changes = {
            key: {"before": str(getattr(contact, key)), "after": str(value)}
            for key, value in data.items()
            if getattr(contact, key) != value
        }
        for key in changes:
            setattr(contact, key, data[key])
        if changes:
            contact.save(update_fields=list(changes))
        action = "focalpoints.contact.changed"
    areas = list(areas)
    before = sorted(contact.areas.values_list("pk", flat=True))
    if before != sorted(area.pk for area in areas):
        contact.areas.set(areas)
        changes["areas"] = {"before": before, "after": sorted(area.pk for area in areas)}
    if changes or action.endswith("created"):
        audit.log(contact, action, actor=actor, data=changes)
    return contact


@retry_on_deadlock
@transaction.atomic
def end_expired_terms(*, today: datetime.date | None = None, limit: int = 500) -> int:
    """Close entries whose term is over: they leave the directory and release the primary seat."""
    today = today or timezone.localdate()
    entries = list(
        FocalPoint.objects.select_for_update(skip_locked=True, of=("self",), no_key=True)
        .filter(term_end__lt=today)
        .exclude(status__in=FocalPoint.FINAL_STATUSES)
        .select_related("state")[:limit]
    )
    for entry in entries:
        _transition(
            entry,
            Status.ENDED,
            actor=None,
            reason=_("Term ended on %(date)s") % {"date": entry.term_end},
        )
        entry.save(update_fields=["status", "updated_at"])
    FocalPointArea.objects.filter(entry__in=entries).update(holds_primary=False)
    return len(entries)


def _term_end_notice(entry: FocalPoint) -> Notice:
    return Notice(
        gettext_lazy("Focal point term ends on %(date)s"),
        gettext_lazy(
            "The term of %(name)s as a focal point of %(state)s ends on %(date)s. The "
            "state's release approver should renew it by nominating for a new term, or "
            "name a successor."
        ),
        {**_about(entry), "date": date_lazy(entry.term_end)},
    )


def remind_term_ends(*, today: datetime.date | None = None, batch_size: int = 200) -> int:
    """Tell each focal point whose term ends within 60 days, and the state's approvers, once."""
    from .models import EXPIRY_WINDOW_DAYS

    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=EXPIRY_WINDOW_DAYS)
    queryset = (
        FocalPoint.objects.current(today)
        .filter(term_end__gte=today, term_end__lte=horizon)
        .select_related("state", "user")
        .order_by("pk")
    )
    sent, last_pk = 0, 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            return sent
        last_pk = batch[-1].pk
        keys = {
            entry.pk: f"fp:{entry.pk}:term-ends:{entry.term_end.isoformat()}" for entry in batch
        }
        approvers: dict[int, list[User]] = {}
        for approver in approvers_of({entry.state_id for entry in batch}):
            approvers.setdefault(approver.national_state_id, []).append(approver)
        occasions = []
        for entry in batch:
            people = [entry.user] if entry.user_id else []
            people += approvers.get(entry.state_id, [])
            occasions.append(
                (
                    people,
                    keys[entry.pk],
                    _term_end_notice(entry),
                    _entry_url(entry),
                )
            )
        # One write for the whole batch, skipping whoever was told already (a second run sends
        # nothing): a fixed number of queries per batch, not per person.
        sent += len(notify_many(occasions))
