"""The yearly confirmation: a campaign the Secretariat opens, each entry confirmed in one click
(or corrected), reminders until done."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import audit
from cica_portal.models import User
from cica_portal.notifications import Notice, approvers_of, notify_many
from cica_portal.transactions import retry_on_deadlock

from .. import selectors
from ..models import Confirmation, ConfirmationCampaign, FocalPoint
from ._common import FocalPointError, _about, _entry_url


@retry_on_deadlock
@transaction.atomic
def open_campaign(*, actor: User, year: int | None = None) -> ConfirmationCampaign:
    """The Secretariat opens this year's confirmation of every current entry."""
    if not selectors.may_run_network_checks(actor):
        raise FocalPointError(_("Only the Secretariat opens a campaign."), code="forbidden")
    year = year or timezone.localdate().year
    if ConfirmationCampaign.objects.filter(year=year).exists():
        raise FocalPointError(
            _("The confirmation campaign of %(year)s was already opened.") % {"year": year},
            code="conflict",
        )
    ConfirmationCampaign.objects.filter(closed_at__isnull=True).update(closed_at=timezone.now())
    campaign = ConfirmationCampaign.objects.create(year=year, opened_by=actor)
    audit.log(campaign, "focalpoints.campaign.opened", actor=actor, data={"year": year})
    remind_unconfirmed(campaign_id=campaign.pk)
    return campaign


@retry_on_deadlock
@transaction.atomic
def close_campaign(campaign: ConfirmationCampaign, *, actor: User) -> ConfirmationCampaign:
    """The Secretariat closes the campaign: its reminders stop. Closing a closed campaign
    changes nothing (and records nothing)."""
    if not selectors.may_run_network_checks(actor):
        raise FocalPointError(_("Only the Secretariat closes a campaign."), code="forbidden")
    closed = ConfirmationCampaign.objects.filter(pk=campaign.pk, closed_at__isnull=True).update(
        closed_at=timezone.now()
    )
    campaign.refresh_from_db()
    if closed:
        progress = selectors.campaign_progress(campaign)
        audit.log(
            campaign,
            "focalpoints.campaign.closed",
            actor=actor,
            data={"year": campaign.year, **progress},
        )
    return campaign


@retry_on_deadlock
@transaction.atomic
def confirm_entry(entry: FocalPoint, *, actor: User, corrected: bool = False) -> FocalPoint:
    """The entry's focal point or its state's approver says it is right (as it is, or after a
    correction): it stops being stale and counts for the open campaign."""
    entry = (
        FocalPoint.objects.select_for_update(of=("self",), no_key=True)
        .select_related("state")
        .get(pk=entry.pk)
    )
    if not selectors.may_confirm(actor, entry):
        raise FocalPointError(
            _("Only the focal point or the state's approver confirms a current entry."),
            code="forbidden",
        )
    now = timezone.now()
    entry.last_confirmed_at = now
    entry.save(update_fields=["last_confirmed_at", "updated_at"])
    campaign = selectors.open_campaign()
    if campaign is not None:
        try:
            with transaction.atomic():
                Confirmation.objects.create(
                    campaign=campaign,
                    entry=entry,
                    confirmed_by=actor,
                    confirmed_at=now,
                    corrected=corrected,
                )
        except IntegrityError:
            pass  # confirmed earlier in this campaign: the date above is what changes
    audit.log(
        entry,
        "focalpoints.entry.confirmed",
        actor=actor,
        data={"campaign": campaign.year if campaign else None, "corrected": corrected},
    )
    return entry


def _reminder(entry: FocalPoint, year: int) -> Notice:
    return Notice(
        gettext_lazy("Confirm the focal point entry of %(name)s"),
        gettext_lazy(
            "The Secretariat asks every state to confirm its focal points for %(year)s. Check "
            "the entry of %(name)s (%(state)s) and confirm it in one click, or correct it."
        ),
        {**_about(entry), "year": year},
    )


def remind_unconfirmed(
    *, campaign_id: int | None = None, today: datetime.date | None = None
) -> int:
    """Remind, once a week, each focal point and state approver of entries the open campaign
    still waits for; a second run in the same week sends nothing."""
    campaign = (
        ConfirmationCampaign.objects.filter(pk=campaign_id).first()
        if campaign_id
        else selectors.open_campaign()
    )
    if campaign is None or not campaign.is_open:
        return 0
    today = today or timezone.localdate()
    week = "{}-W{:02d}".format(*today.isocalendar()[:2])
    waiting = list(
        FocalPoint.objects.current(today)
        .exclude(confirmations__campaign=campaign)
        .select_related("state", "user")
        .order_by("pk")
    )
    approvers: dict[int, list[User]] = {}
    for approver in approvers_of({entry.state_id for entry in waiting}):
        approvers.setdefault(approver.national_state_id, []).append(approver)
    occasions = [
        (
            ([entry.user] if entry.user_id else []) + approvers.get(entry.state_id, []),
            f"fp:{entry.pk}:confirm:{campaign.year}:{week}",
            _reminder(entry, campaign.year),
            _entry_url(entry),
        )
        for entry in waiting
    ]
    return len(notify_many(occasions))


def _stale_notice(entry: FocalPoint) -> Notice:
    return Notice(
        gettext_lazy("Focal point entry not confirmed for 13 months: %(name)s"),
        gettext_lazy(
            "Nobody has confirmed the entry of %(name)s (%(state)s) for 13 months, so the "
            "directory and the coverage matrix mark it stale. Confirm it in one click if it is "
            "right, or correct it."
        ),
        _about(entry),
    )


def tell_stale_entries(*, now: datetime.datetime | None = None, batch_size: int = 200) -> int:
    """Tell each stale entry's focal point and state approvers, once, that it went stale; the
    key names when the entry was last known to be right, so an entry confirmed and then stale
    again is told again. A second run sends nothing."""
    now = now or timezone.now()
    stale = selectors.stale_entries(now).select_related("state").order_by("pk")
    told, last_pk = 0, 0
    while True:
        batch = list(stale.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            return told
        last_pk = batch[-1].pk
        approvers: dict[int, list[User]] = {}
        for approver in approvers_of({entry.state_id for entry in batch}):
            approvers.setdefault(approver.national_state_id, []).append(approver)
        users = {user.pk: user for user in User.objects.filter(pk__in=[e.user_id for e in batch])}
        # known_at is the selector's annotation: when the entry was last known to be right.
        known = {entry.pk: entry.known_at for entry in batch}  # type: ignore[attr-defined]
        occasions = [
            (
                ([users[entry.user_id]] if entry.user_id in users else [])
                + approvers.get(entry.state_id, []),
                f"fp:{entry.pk}:stale:{known[entry.pk]:%Y%m%d%H%M%S}",
                _stale_notice(entry),
                _entry_url(entry),
            )
            for entry in batch
        ]
        told += len(notify_many(occasions))
