"""Tell people what happened and what to do next: in the portal and by email, once per occasion."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise, lazy
from django.utils.translation import ngettext

from . import notice_kinds, notice_preferences, outbox
from .models import Delivery, NoticePreference, Notification, User

StrOrPromise = str | Promise

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """What one occasion tells people: a subject and a body, each a translatable text (made
    with gettext_lazy) with %(name)s placeholders, and the values that fill them.

    notify() renders it once per language among the recipients, so each person reads it in the
    language they chose; a value that is itself translatable (a lazy string, a choice's label)
    is rendered in that language too."""

    subject: StrOrPromise
    body: StrOrPromise
    context: Mapping[str, Any] = field(default_factory=dict)

    def render(self) -> tuple[str, str]:
        """(subject, body) in the active language."""
        values = {k: str(v) if isinstance(v, Promise) else v for k, v in self.context.items()}
        return _fill(self.subject, values), _fill(self.body, values)


def _fill(template: StrOrPromise, values: Mapping[str, Any]) -> str:
    return str(template) % values if values else str(template)


# A value of a Notice that is itself a sentence to translate (" before %(date)s"), or a label to
# lower-case ("approved"): rendered, like the Notice, in the language of whoever reads it.
# (Each returns a lazy text: typed as str, it becomes one only when rendered.)
phrase = lazy(_fill, str)
lowercase = lazy(lambda text: str(text).lower(), str)


def in_both_languages(notice: Notice, *, first: str = "en") -> tuple[str, str]:
    """(subject, body) in English and in Russian at once, `first` leading: for an address the
    portal knows no language of (an office's mailbox read by whoever is on duty)."""
    codes = [code for code, _name in settings.LANGUAGES]
    codes.sort(key=lambda code: code != first)
    rendered = []
    for code in codes:
        with translation.override(code):
            rendered.append(notice.render())
    subjects = list(dict.fromkeys(subject for subject, _body in rendered))
    bodies = list(dict.fromkeys(body for _subject, body in rendered))
    return " / ".join(subjects), "\n\n* * *\n\n".join(bodies)


class _Messages:
    """The subject and body of one occasion, rendered once per language."""

    def __init__(self, notice: Notice):
        self.notice = notice
        self.rendered: dict[str, tuple[str, str]] = {}

    def for_user(self, user: User) -> tuple[str, str]:
        language = user.language or settings.LANGUAGE_CODE
        if language not in self.rendered:
            with translation.override(language):
                self.rendered[language] = self.notice.render()
        return self.rendered[language]


# Files an email carries, by the notice's key: an app registers, in its AppConfig.ready(), a
# function for the keys it writes (meetings: the .ics of the meeting). It is called when the
# email is sent, so the file says what is true then, and returns (filename, bytes, mimetype)s.
Attachment = tuple[str, bytes, str]
_ATTACHMENTS: dict[str, Callable[[Notification], list[Attachment]]] = {}


def register_attachments(prefix: str, files: Callable[[Notification], list[Attachment]]) -> None:
    """Emails of notices whose key starts with `prefix` carry what `files(notice)` returns."""
    if prefix in _ATTACHMENTS and _ATTACHMENTS[prefix] is not files:
        raise ValueError(f"attachments for {prefix!r} are already registered")
    _ATTACHMENTS[prefix] = files


def attachments_for(notice: Notification) -> list[Attachment]:
    for prefix, files in _ATTACHMENTS.items():
        if notice.key.startswith(prefix):
            return files(notice)
    return []


def notify(
    recipients: Iterable[User], *, key: str, notice: Notice, url: str = ""
) -> list[Notification]:
    """Create one notification per recipient for this occasion, unless they already have it.

    The (recipient, key) pair is unique, so a task that runs twice, or two workers that run at
    once, create each notice once; only the newly created ones are emailed. The `notice` is
    rendered in each recipient's language.
    """
    return notify_many([(recipients, key, notice, url)])


Occasion = tuple[Iterable[User], str, Notice, str]  # recipients, key, notice, url


@transaction.atomic
def notify_many(occasions: Iterable[Occasion]) -> list[Notification]:
    """`notify` for many occasions at once: (recipients, key, notice, url) each.

    The same rule (one notice per person and key, emailed once), in a fixed number of queries
    for the whole lot rather than a few per occasion: what reminder jobs over many requests use.
    One transaction: the notices and their emails' delivery state commit together, so a job
    killed half-way leaves nothing its re-run would skip (and the sweep sends what is pending).

    How each is delivered follows its kind (cica_portal.notice_kinds) and the person's choice
    for it: an email at once, held for a digest, or the portal only. A notice of no registered
    kind, or of a kind that needs action, is emailed at once, as ever. An email at once about
    the same subject (its link) as one still unsent from the last NOTICE_MERGE_MINUTES is
    merged into it: one email, which lists both.
    """
    wanted: dict[tuple[int, str], Notification] = {}
    for recipients, key, notice, url in occasions:
        messages = _Messages(notice)
        kind = notice_kinds.for_key(key)
        for user in recipients:
            if user.is_active and (user.pk, key) not in wanted:
                text_subject, text_body = messages.for_user(user)
                wanted[(user.pk, key)] = Notification(
                    recipient=user,
                    key=key,
                    subject=text_subject[:200],
                    body=text_body,
                    url=url,
                    kind=kind.name if kind else "",
                )
    if not wanted:
        return []
    keys = {key for _pk, key in wanted}
    people = {pk for pk, _key in wanted}
    existing = set(
        Notification.objects.filter(key__in=keys, recipient_id__in=people).values_list(
            "recipient_id", "key"
        )
    )
    missing = [notice for pair, notice in wanted.items() if pair not in existing]
    if not missing:
        return []
    _apply_preferences(missing)
    Notification.objects.bulk_create(missing, ignore_conflicts=True)
    pairs = {(notice.recipient_id, notice.key) for notice in missing}
    created = [
        notice
        for notice in Notification.objects.filter(
            key__in={key for _pk, key in pairs},
            recipient_id__in={pk for pk, _key in pairs},
            email_status__in=NOT_YET_EMAILED,
        )
        if (notice.recipient_id, notice.key) in pairs
    ]
    _merge_into_unsent(created)
    outbox.enqueue_many(
        "cica_portal.email_notification",
        [[n.pk] for n in created if n.email_status == Notification.EmailStatus.PENDING],
    )
    return created


# What a notice's row may say right after notify() wrote it (never emailed yet).
NOT_YET_EMAILED = [
    Notification.EmailStatus.PENDING,
    Notification.EmailStatus.DAILY,
    Notification.EmailStatus.WEEKLY,
    Notification.EmailStatus.PORTAL,
]
_HELD: dict[str, str] = {
    Delivery.DAILY: Notification.EmailStatus.DAILY,
    Delivery.WEEKLY: Notification.EmailStatus.WEEKLY,
    Delivery.PORTAL: Notification.EmailStatus.PORTAL,
}


def _choosable(kind_name: str) -> bool:
    kind = notice_kinds.find(kind_name) if kind_name else None
    return kind is not None and not kind.needs_action


def _apply_preferences(notices: list[Notification]) -> None:
    """Each notice's delivery, by its recipient's choice for its kind (one query)."""
    kinds = {n.kind for n in notices if _choosable(n.kind)}
    if not kinds:
        return
    chosen = dict(
        (((user_id, kind), delivery))
        for user_id, kind, delivery in NoticePreference.objects.filter(
            kind__in=kinds, user_id__in={n.recipient_id for n in notices}
        ).values_list("user_id", "kind", "delivery")
    )
    for notice in notices:
        if notice.kind in kinds:
            held = _HELD.get(chosen.get((notice.recipient_id, notice.kind), ""))
            if held is not None:
                notice.email_status = held


def merge_window() -> timedelta:
    return timedelta(minutes=float(getattr(settings, "NOTICE_MERGE_MINUTES", 10)))


def _merge_into_unsent(created: list[Notification]) -> None:
    """Fold each new email-at-once notice into an earlier unsent one on the same subject.

    Only an email nobody is sending yet takes more: the conditional UPDATE on it and a worker's
    claim (also a conditional UPDATE) exclude each other, so a merged notice is either in the
    email or sent on its own, never lost. Kinds that need action are never merged.
    """
    candidates = [
        n for n in created if n.email_status == Status.PENDING and n.url and _choosable(n.kind)
    ]
    window = merge_window()
    if not candidates or window <= timedelta(0):
        return
    now = timezone.now()
    unclaimed = Q(email_claimed_until=None) | Q(email_claimed_until__lt=now)
    heads: dict[tuple[int, str, str], int] = {}
    for pk, user_id, url, kind in (
        Notification.objects.filter(
            unclaimed,
            recipient_id__in={n.recipient_id for n in candidates},
            url__in={n.url for n in candidates},
            kind__in={n.kind for n in candidates},
            email_status=Status.PENDING,
            merged_into=None,
            email_attempts=0,
            created_at__gte=now - window,
        )
        .exclude(pk__in=[n.pk for n in candidates])
        .order_by("created_at")
        .values_list("pk", "recipient_id", "url", "kind")
    ):
        heads.setdefault((user_id, url, kind), pk)
    for notice in candidates:
        head = heads.get((notice.recipient_id, notice.url, notice.kind))
        if head is None:
            continue
        took = (
            Notification.objects.filter(unclaimed, pk=head, email_status=Status.PENDING)
            .filter(email_attempts=0)
            .update(merged_count=F("merged_count") + 1)
        )
        if took:
            Notification.objects.filter(pk=notice.pk).update(
                email_status=Status.MERGED, merged_into_id=head
            )
            notice.email_status, notice.merged_into_id = Status.MERGED, head


# Delivery: a notice's email is "sent" only once the mail server accepted it. A worker claims
# the notice for a lease (a conditional UPDATE only one worker wins), sends outside any
# transaction, then marks it sent; a failure is recorded with the next try's time. The sweep
# (beat, every minute) queues again every notice still pending after its time, so a broker
# that lost the task, a worker killed mid-batch or an SMTP outage of hours loses nothing.
EMAIL_LEASE = timedelta(minutes=5)  # longer than one send may take (EMAIL_TIMEOUT is 10 s)
FIRST_SWEEP_AFTER = timedelta(minutes=2)  # the normal path (outbox -> worker) goes first
EMAIL_MAX_ATTEMPTS = 30  # 1, 2, 4, ... 32, then 60 minutes apart: about a day in all
BACKOFF_CAP = timedelta(hours=1)
SWEEP_BATCH = 500

Status = Notification.EmailStatus


def _timing(name: str, default: timedelta) -> timedelta:
    """A delivery timing; settings may shorten it (the fault drill runs in minutes)."""
    seconds = getattr(settings, name, None)
    return default if seconds is None else timedelta(seconds=float(seconds))


def backoff(attempts: int) -> timedelta:
    """The wait before try number `attempts + 1`: doubling from a minute, at most an hour."""
    base = _timing("NOTICE_BACKOFF_BASE_SECONDS", timedelta(minutes=1))
    return min(base * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def email_notification(notification_id: int) -> bool:
    """Send one notice's email unless it was sent or another worker is sending it; True when
    the mail server accepted it now. Never raises for a mail server fault (it is recorded and
    the sweep tries again later)."""
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, email_status=Status.PENDING)
        .filter(Q(email_claimed_until=None) | Q(email_claimed_until__lt=now))
        .update(
            email_claimed_until=now + _timing("NOTICE_EMAIL_LEASE_SECONDS", EMAIL_LEASE),
            email_attempts=F("email_attempts") + 1,
        )
    )
    if not claimed:
        return False
    notice = Notification.objects.select_related("recipient").get(pk=notification_id)
    mine = Notification.objects.filter(pk=notice.pk, email_status=Status.PENDING)
    if not notice.recipient.email or not notice.recipient.is_active:
        mine.update(email_status=Status.NO_ADDRESS, email_claimed_until=None)
        return False
    link = f"\n\n{settings.SITE_URL}{notice.url}" if notice.url else ""
    try:
        with translation.override(notice.recipient.language or settings.LANGUAGE_CODE):
            subject, body = _with_merged(notice)
            message = EmailMessage(
                f"[CICA] {subject}",
                f"{body}{link}",
                settings.DEFAULT_FROM_EMAIL,
                [notice.recipient.email],
                headers=unsubscribe_headers(notice),
            )
            for name, content, mimetype in attachments_for(notice):
                message.attach(name, content, mimetype)
            message.send()
    except Exception as error:  # the mail server refused or did not answer: try again later
        failed = notice.email_attempts >= EMAIL_MAX_ATTEMPTS
        retry_at = timezone.now() + backoff(notice.email_attempts)
        logger.warning(
            "Email of notice %s failed (attempt %d%s): %s",
            notice.pk,
            notice.email_attempts,
            ", giving up" if failed else "",
            error,
        )
        mine.update(
            email_status=Status.FAILED if failed else Status.PENDING,
            email_claimed_until=None,
            # Not earlier than the sweep planned when it queued this try.
            email_next_at=Greatest(Coalesce(F("email_next_at"), Value(retry_at)), Value(retry_at)),
            email_error=f"{type(error).__name__}: {error}"[:300],
        )
        return False
    sent_at = timezone.now()
    mine.update(email_status=Status.SENT, emailed_at=sent_at, email_claimed_until=None)
    Notification.objects.filter(merged_into=notice, emailed_at=None).update(emailed_at=sent_at)
    return True


def unsubscribe_headers(notice: Notification) -> dict[str, str]:
    """List-Unsubscribe (RFC 2369) with one-click List-Unsubscribe-Post (RFC 8058) for a notice
    of a kind its reader may stop: the mail client's own "unsubscribe" sets that kind to the
    portal only, through the same signed link as a digest's. None on what needs action."""
    if not _choosable(notice.kind):
        return {}
    token = notice_preferences.unsubscribe_token(notice.recipient, notice.kind)
    url = settings.SITE_URL + reverse("notice-unsubscribe", args=[token])
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _with_merged(notice: Notification) -> tuple[str, str]:
    """The email's subject and body: the notice's, or, when later notices on the same subject
    were merged into it, the newest subject with every notice's text, newest first."""
    if not notice.merged_count:
        return notice.subject, notice.body
    merged = list(notice.merged.order_by("-created_at", "-pk"))
    if not merged:
        return notice.subject, notice.body
    newest = merged[0]
    count = len(merged) + 1
    subject = ngettext(
        "%(subject)s (and %(count)d more update)",
        "%(subject)s (and %(count)d more updates)",
        count - 1,
    ) % {"subject": newest.subject, "count": count - 1}
    parts = [f"{item.subject}\n{item.body}" for item in [*merged, notice]]
    return subject[:300], "\n\n---\n\n".join(parts)


def _first_sweep_after() -> timedelta:
    return _timing("NOTICE_FIRST_SWEEP_SECONDS", FIRST_SWEEP_AFTER)


def sweep_unsent_emails(now: datetime | None = None, *, limit: int = SWEEP_BATCH) -> int:
    """Queue again every notice whose email is still pending after its time (lost by the
    broker, a worker killed mid-batch, the mail server down); return how many."""
    now = now or timezone.now()
    due = (
        Notification.objects.filter(email_status=Status.PENDING)
        .filter(Q(email_claimed_until=None) | Q(email_claimed_until__lt=now))
        .filter(
            Q(email_next_at__lte=now)
            | Q(email_next_at=None, created_at__lte=now - _first_sweep_after())
        )
        .order_by("created_at")
    )
    with transaction.atomic():
        pks = list(
            due.select_for_update(skip_locked=True, of=("self",), no_key=True).values_list(
                "pk", flat=True
            )[:limit]
        )
        if not pks:
            return 0
        # Not again before the next backoff step, even if this task is lost too.
        for pk, attempts in Notification.objects.filter(pk__in=pks).values_list(
            "pk", "email_attempts"
        ):
            Notification.objects.filter(pk=pk).update(email_next_at=now + backoff(attempts + 1))
        outbox.enqueue_many("cica_portal.email_notification", [[pk] for pk in pks])
    return len(pks)


def delivery_counts(now: datetime | None = None) -> dict[str, int]:
    """For the health check and the operator: emails overdue (pending past their time) and
    failed for good."""
    now = now or timezone.now()
    pending = Notification.objects.filter(email_status=Status.PENDING)
    return {
        "overdue": pending.filter(
            Q(email_next_at__lte=now)
            | Q(email_next_at=None, created_at__lte=now - _first_sweep_after())
        ).count(),
        "failed": Notification.objects.filter(email_status=Status.FAILED).count(),
    }


def secretariat_users() -> QuerySet[User]:
    return User.objects.filter(role=User.Role.SECRETARIAT, is_active=True)


def approvers_of(state_ids: Iterable[int]) -> QuerySet[User]:
    return User.objects.filter(role=User.Role.APPROVER, state_id__in=state_ids, is_active=True)
