"""Terms: reminders before they end, and the end of expired ones (daily, beat)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal.dates import date_lazy
from cica_portal.models import User
from cica_portal.notifications import (
    Notice,
    approvers_of,
    notify_many,
)
from cica_portal.transactions import retry_on_deadlock

from ..models import (
    FocalPoint,
    FocalPointArea,
)
from ._common import (
    Status,
    _about,
    _entry_url,
    _transition,
)


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
    from ..models import EXPIRY_WINDOW_DAYS

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
