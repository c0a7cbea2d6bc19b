"""Daily and weekly digests: the notices a person chose to receive together, one email per
period, grouped by subject, newest first, in their language and time zone.

Exactly once per person and period, whatever runs it: the unique NoticeDigest row of
(person, period, first day) is the claim. It is inserted (only one insert can win) before the
email goes, with a lease; a worker killed after its claim leaves a row whose lease expires, and
the next run takes it over with a conditional UPDATE (again, only one wins). The notices the
email carried are marked in the same transaction as the digest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import dates, notice_kinds, notice_preferences, outbox
from .models import Delivery, NoticeDigest, Notification, User

logger = logging.getLogger(__name__)

DIGEST_LEASE = timedelta(minutes=10)
Status = Notification.EmailStatus
HELD_STATUS: dict[str, str] = {Delivery.DAILY: Status.DAILY, Delivery.WEEKLY: Status.WEEKLY}


@dataclass(frozen=True)
class Period:
    kind: str  # Delivery.DAILY or Delivery.WEEKLY
    starts_on: date  # in the person's zone
    start: datetime
    end: datetime  # exclusive


def last_period(user: User, kind: str, now: datetime) -> Period:
    """The last whole day (or Monday-to-Sunday week) in the person's zone before `now`."""
    zone = user.zone
    today = now.astimezone(zone).date()
    if kind == Delivery.DAILY:
        first, after = today - timedelta(days=1), today
    else:
        this_monday = today - timedelta(days=today.weekday())
        first, after = this_monday - timedelta(days=7), this_monday
    return Period(
        kind,
        first,
        datetime.combine(first, time.min, tzinfo=zone),
        datetime.combine(after, time.min, tzinfo=zone),
    )


def due_digests(now: datetime | None = None) -> list[tuple[int, str, str]]:
    """(person, period, first day) of every digest due and not yet sent."""
    now = now or timezone.now()
    held = (
        Notification.objects.filter(email_status__in=list(HELD_STATUS.values()))
        .values_list("recipient_id", "email_status")
        .distinct()
    )
    pairs = set(held)
    people = User.objects.in_bulk({pk for pk, _status in pairs})
    due = []
    for user_id, status in sorted(pairs):
        user = people.get(user_id)
        if user is None:
            continue
        period = last_period(user, status, now)
        has_some = Notification.objects.filter(
            recipient_id=user_id, email_status=status, created_at__lt=period.end
        ).exists()
        done = NoticeDigest.objects.filter(
            user_id=user_id, period=status, starts_on=period.starts_on
        ).exclude(status=NoticeDigest.Status.SENDING)
        if has_some and not done.exists():
            due.append((user_id, str(status), period.starts_on.isoformat()))
    return due


def send_due_digests(now: datetime | None = None) -> int:
    """The beat's job (hourly): queue one task per digest due; how many."""
    due = due_digests(now)
    with transaction.atomic():
        outbox.enqueue_many("cica_portal.send_digest", [list(item) for item in due])
    return len(due)


def _claim(user_id: int, kind: str, starts_on: date, now: datetime) -> NoticeDigest | None:
    until = now + DIGEST_LEASE
    try:
        with transaction.atomic():
            return NoticeDigest.objects.create(
                user_id=user_id,
                period=kind,
                starts_on=starts_on,
                status=NoticeDigest.Status.SENDING,
                claimed_until=until,
                attempts=1,
            )
    except IntegrityError:
        pass
    # Someone has it: take it over only if their lease ran out before they finished.
    taken = NoticeDigest.objects.filter(
        user_id=user_id,
        period=kind,
        starts_on=starts_on,
        status=NoticeDigest.Status.SENDING,
        claimed_until__lt=now,
    ).update(claimed_until=until, attempts=F("attempts") + 1)
    if not taken:
        return None
    return NoticeDigest.objects.get(user_id=user_id, period=kind, starts_on=starts_on)


def send_digest(user_id: int, kind: str, starts_on: str, now: datetime | None = None) -> bool:
    """Send one person's digest for one period, unless it went or another worker is sending
    it; True when the mail server accepted it now."""
    now = now or timezone.now()
    if kind not in HELD_STATUS:
        return False
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    period = last_period(user, kind, now)
    first_day = date.fromisoformat(starts_on)
    if first_day > period.starts_on:  # not over yet
        return False
    digest = _claim(user_id, kind, first_day, now)
    if digest is None:
        return False
    end = datetime.combine(
        first_day + timedelta(days=1 if kind == Delivery.DAILY else 7), time.min, tzinfo=user.zone
    )
    notices = list(
        Notification.objects.filter(
            recipient_id=user_id, email_status=HELD_STATUS[kind], created_at__lt=end
        ).order_by("-created_at", "-pk")
    )
    if not notices or not user.email or not user.is_active:
        _finish(digest, [], NoticeDigest.Status.EMPTY, now)
        return False
    try:
        subject, body = render_digest(user, kind, first_day, notices)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception as error:  # the mail server refused: the lease ends, the next run retries
        logger.warning("Digest %s failed: %s", digest.pk, error)
        NoticeDigest.objects.filter(pk=digest.pk, status=NoticeDigest.Status.SENDING).update(
            claimed_until=now, error=f"{type(error).__name__}: {error}"[:300]
        )
        return False
    _finish(digest, notices, NoticeDigest.Status.SENT, timezone.now())
    return True


@transaction.atomic
def _finish(digest: NoticeDigest, notices: list[Notification], status: str, at: datetime) -> None:
    Notification.objects.filter(pk__in=[n.pk for n in notices]).update(
        email_status=Status.SENT, emailed_at=at, digest=digest
    )
    NoticeDigest.objects.filter(pk=digest.pk).update(
        status=status, sent_at=at, count=len(notices), claimed_until=None, error=""
    )


def group_by_subject(notices: list[Notification]) -> list[list[Notification]]:
    """Notices about the same thing (their link) together; groups and notices newest first."""
    groups: dict[str, list[Notification]] = {}
    for notice in sorted(notices, key=lambda n: (n.created_at, n.pk), reverse=True):
        groups.setdefault(notice.url or f"#{notice.pk}", []).append(notice)
    return list(groups.values())


def render_digest(
    user: User, kind: str, first_day: date, notices: list[Notification]
) -> tuple[str, str]:
    """(subject, body) of the email, in the person's language and zone."""
    kinds = {}
    for notice in notices:
        found = notice_kinds.find(notice.kind)
        if found is not None and not found.needs_action:
            kinds[found.name] = found
    with (
        translation.override(user.language or settings.LANGUAGE_CODE),
        timezone.override(user.zone),
    ):
        unsubscribe = [
            (
                str(kind.label),
                f"{settings.SITE_URL}/account/notifications/unsubscribe/"
                f"{notice_preferences.unsubscribe_token(user, kind.name)}/",
            )
            for kind in sorted(kinds.values(), key=lambda k: k.name)
        ]
        groups = [
            {
                "title": group[0].subject,
                "link": f"{settings.SITE_URL}{group[0].url}" if group[0].url else "",
                "items": [
                    {"subject": n.subject, "body": n.body, "when": dates.when(n.created_at)}
                    for n in group
                ],
            }
            for group in group_by_subject(notices)
        ]
        context = {
            "user": user,
            "daily": kind == Delivery.DAILY,
            "first_day": dates.date_lazy(first_day),
            "last_day": dates.date_lazy(
                first_day + timedelta(days=0 if kind == Delivery.DAILY else 6)
            ),
            "groups": groups,
            "count": len(notices),
            "site_url": settings.SITE_URL,
            "unsubscribe": unsubscribe,
        }
        subject = render_to_string("portal/email/digest_subject.txt", context).strip()
        body = render_to_string("portal/email/digest.txt", context)
    return f"[CICA] {subject}"[:300], body
