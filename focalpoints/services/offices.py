"""Offices: a duty roster and acting deputies, and urgent items to whoever answers now."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cica_portal import audit, outbox, urgent
from cica_portal.models import Area, State, User
from cica_portal.notifications import in_both_languages
from cica_portal.transactions import retry_on_deadlock

from .. import selectors
from ..models import ActingDeputy, DutyShift, FocalPoint, UrgentMail
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
    # The Secretariat writes the text itself, in the language it chooses: sent as written.
    key = f"fp:urgent:{state.code}:{area.number}:{secrets.token_hex(8)}"
    queued = _queue_urgent_mails(state, key, addresses, subject=f"[CICA] {subject}", body=body)
    audit.log(
        state,
        "focalpoints.urgent.sent",
        actor=actor,
        data={"area": area.number, "addresses": len(queued)},
    )
    return queued


def deliver_urgent(item: urgent.UrgentItem) -> list[str]:
    """The network's route for urgent items (cica_portal.urgent): one email to each address
    that answers for the state now, in the item's area or, when nobody covers that area, in
    any; in English and in Russian at once (a mailbox has no language), led by the language
    most of the state's focal points chose. Addresses already told are skipped; calling it
    again for the same item sends nothing more."""
    state = State.objects.get(pk=item.state_id)
    now = timezone.now()
    area = Area.objects.filter(number=item.area_number).first() if item.area_number else None
    addresses = selectors.urgent_recipients(state, area, now)
    if not addresses and area is not None:
        addresses = selectors.urgent_recipients(state, None, now)
    addresses = [address for address in addresses if address.lower() not in item.told]
    if not addresses:
        return []
    subject, body = in_both_languages(item.notice, first=selectors.reading_language(state))
    if item.url:
        body = f"{body}\n\n{settings.SITE_URL}{item.url}"
    queued = _queue_urgent_mails(state, item.key, addresses, subject=f"[CICA] {subject}", body=body)
    if queued:
        audit.log(
            state,
            "focalpoints.urgent.routed",
            data={"key": item.key, "area": item.area_number, "addresses": len(queued)},
        )
    return queued


def _queue_urgent_mails(
    state: State, key: str, addresses: list[str], *, subject: str, body: str
) -> list[str]:
    """A row per address not yet written for this key, each sent by the outbox after the
    commit; the addresses queued now."""
    have = {
        address.lower()
        for address in UrgentMail.objects.filter(key=key).values_list("address", flat=True)
    }
    new = [address for address in addresses if address.lower() not in have]
    UrgentMail.objects.bulk_create(
        [
            UrgentMail(key=key, state=state, address=address, subject=subject[:300], body=body)
            for address in new
        ],
        ignore_conflicts=True,  # another worker wrote it first: its message sends it
    )
    pks = UrgentMail.objects.filter(key=key, sent_at__isnull=True).values_list("pk", "address")
    wanted = {address.lower() for address in new}
    outbox.enqueue_many(
        "focalpoints.send_urgent_mail", [[pk] for pk, address in pks if address.lower() in wanted]
    )
    return new


def send_urgent_mail(mail_id: int) -> bool:
    """Send one urgent email, once: the worker that marks it sent sends it."""
    if not UrgentMail.objects.filter(pk=mail_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    ):
        return False
    mail = UrgentMail.objects.get(pk=mail_id)
    try:
        send_mail(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.address])
    except Exception:
        UrgentMail.objects.filter(pk=mail_id).update(sent_at=None)  # the retry sends it
        raise
    return True


def send_email(address: str, subject: str, body: str) -> None:
    """One email to an address that may have no account (an office's mailbox)."""
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
