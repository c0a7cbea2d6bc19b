"""Nominations and their verification: an approver nominates, the Secretariat verifies."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import audit
from cica_portal.models import Area, User
from cica_portal.notifications import (
    Notice,
    approvers_of,
    notify,
    secretariat_users,
)
from cica_portal.transactions import retry_on_deadlock

from .. import audit_actions, selectors
from ..models import (
    FocalPoint,
    FocalPointChange,
    languages_to_db,
)
from . import designation
from ._common import (
    NOMINATION_FIELDS,
    FocalPointError,
    Status,
    _about,
    _check_other_script,
    _check_primary_free,
    _check_term,
    _entry_url,
    _hold_primary,
    _set_areas,
    _transition,
)


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
    scan = data.pop("note_verbale_scan", None)
    values = {key: data[key] for key in NOMINATION_FIELDS if key in data}
    values["languages"] = languages_to_db(values.get("languages") or [])
    entry = FocalPoint(
        state_id=approver.national_state_id, nominated_by=approver, status="", **values
    )
    _check_primary_free(entry, areas)
    designation.store_note_verbale(entry, {"note_verbale_scan": scan})
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
    changed = designation.store_note_verbale(entry, data)
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
        designation.refuse_unchecked_note_verbale(entry)
        _check_primary_free(entry, entry.areas.all())
    newly_verified = entry.status == Status.NOMINATED
    entry.pending_changes = {}
    entry.verified_by, entry.verified_at, entry.return_reason = actor, timezone.now(), ""
    _transition(entry, Status.ACTIVE, actor=actor)
    entry.save(update_fields=fields)
    _hold_primary(entry, True)
    if newly_verified:
        designation.invite_to_activate(entry)
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
