"""Offices: a duty roster and acting deputies, and urgent items to whoever answers now."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cica_portal import audit, outbox
from cica_portal.models import Area, State, User
from cica_portal.transactions import retry_on_deadlock

from .. import selectors
from ..models import ActingDeputy, DutyShift, FocalPoint
from ._common import FocalPointError


def _locked_entry(entry: FocalPoint, actor: User) -> FocalPoint:
    entry = (
        FocalPoint.objects.select_for_update(of=("self",), no_key=True)
        .select_related("state")
        .get(pk=entry.pk)
    )
    if not selectors.may_keep_roster(actor, entry):
        raise FocalPointError(
            _(
                "Only the state's approver, the entry's focal point or the Secretariat may "
                "change it."
            ),
            code="forbidden",
        )
    return entry


@retry_on_deadlock
@transaction.atomic
def add_duty_shift(
    entry: FocalPoint,
    *,
    actor: User,
    person: str,
    email: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    phone: str = "",
) -> DutyShift:
    """Put someone on an office's duty roster from one moment to another."""
    entry = _locked_entry(entry, actor)
    if not entry.is_office:
        raise FocalPointError(_("Only an office has a duty roster."), code="conflict")
    if ends_at <= starts_at:
        raise FocalPointError(_("A shift must end after it starts."), field="ends_at")
    shift = DutyShift.objects.create(
        entry=entry,
        person=person,
        email=email,
        phone=phone,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor,
    )
    audit.log(
        entry,
        "focalpoints.duty_shift.added",
        actor=actor,
        data={"shift": shift.pk, "from": starts_at.isoformat(), "until": ends_at.isoformat()},
    )
    return shift


@retry_on_deadlock
@transaction.atomic
def add_acting_deputy(
    entry: FocalPoint,
    *,
    actor: User,
    name: str,
    email: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    phone: str = "",
) -> ActingDeputy:
    """Name someone to act for an entry until an end date; the period ends by itself."""
    entry = _locked_entry(entry, actor)
    if ends_on < starts_on:
        raise FocalPointError(_("The acting period cannot end before it starts."), field="ends_on")
    deputy = ActingDeputy.objects.create(
        entry=entry,
        name=name,
        email=email,
        phone=phone,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    audit.log(
        entry,
        "focalpoints.acting_deputy.added",
        actor=actor,
        data={"deputy": deputy.pk, "from": str(starts_on), "until": str(ends_on)},
    )
    return deputy


@retry_on_deadlock
@transaction.atomic
def remove_roster_item(item: DutyShift | ActingDeputy, *, actor: User) -> None:
    """Take a shift or an acting deputy off an entry."""
    entry = _locked_entry(item.entry, actor)
    kind = "duty_shift" if isinstance(item, DutyShift) else "acting_deputy"
    type(item).objects.filter(pk=item.pk, entry=entry).delete()
    audit.log(entry, f"focalpoints.{kind}.removed", actor=actor, data={"id": item.pk})


@transaction.atomic
def send_urgent(
    state: State,
    area: Area,
    *,
    actor: User,
    subject: str,
    body: str,
    at: datetime.datetime | None = None,
) -> list[str]:
    """An urgent item for a state and area, by email to each address that answers now (the
    person on duty, the office's mailbox, acting deputies), once per address."""
    if not actor.is_secretariat:
        raise FocalPointError(_("Only the Secretariat sends urgent items."), code="forbidden")
    addresses = selectors.urgent_recipients(state, area, at or timezone.now())
    for address in addresses:
        outbox.enqueue("focalpoints.send_email", address, f"[CICA] {subject}", body)
    audit.log(
        state,
        "focalpoints.urgent.sent",
        actor=actor,
        data={"area": area.number, "addresses": len(addresses)},
    )
    return addresses


def send_email(address: str, subject: str, body: str) -> None:
    """One email to an address that may have no account (an office's mailbox)."""
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
