"""Contact details: a focal point's own, the Secretariat's corrections, organisations' contacts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import audit
from cica_portal.models import Area, User
from cica_portal.notifications import (
    Notice,
    notify,
    secretariat_users,
)
from cica_portal.transactions import retry_on_deadlock

from .. import audit_actions, selectors
from ..models import (
    FocalPoint,
    FocalPointChange,
    OrganisationContact,
    languages_to_db,
)
from ._common import (
    FocalPointError,
    Status,
    _about,
    _check_other_script,
    _check_term,
    _entry_url,
    _transition,
)


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
    return _change_details(entry, actor=actor, data=data)


@retry_on_deadlock
@transaction.atomic
def correct_in_campaign(entry: FocalPoint, *, actor: User, **data: Any) -> FocalPoint:
    """The state's approver corrects a current entry while a confirmation campaign is open;
    as for the focal point's own changes, verified details wait for the Secretariat, and the
    correction confirms the entry. The state, role and areas are never among the fields."""
    entry = (
        FocalPoint.objects.select_for_update(of=("self",), no_key=True)
        .select_related("state")
        .get(pk=entry.pk)
    )
    if not selectors.may_correct_in_campaign(actor, entry):
        raise FocalPointError(
            _("Only the state's approver corrects a current entry, while a campaign is open."),
            code="forbidden",
        )
    return _change_details(entry, actor=actor, data=data)


def _change_details(entry: FocalPoint, *, actor: User, data: dict[str, Any]) -> FocalPoint:
    data = {key: value for key, value in data.items() if key in FocalPoint.SELF_SERVICE_FIELDS}
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
    if selectors.open_campaign() is not None:
        from .confirmation import confirm_entry

        confirm_entry(entry, actor=actor, corrected=True)  # a correction confirms the entry
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
