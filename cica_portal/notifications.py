"""Tell people what happened and what to do next: in the portal and by email, once per occasion."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from . import outbox
from .models import Notification, User

# A message is a function that returns its text in the active language: notify() calls it once
# per language among the recipients, so each person reads it in the language they chose.
Text = str | Callable[[], str]


class _Messages:
    """The subject and body of one occasion, rendered once per language."""

    def __init__(self, subject: Text, body: Text):
        self.subject, self.body = subject, body
        self.rendered: dict[str, tuple[str, str]] = {}

    def for_user(self, user: User) -> tuple[str, str]:
        language = user.language or settings.LANGUAGE_CODE
        if language not in self.rendered:
            with translation.override(language):
                self.rendered[language] = (_text(self.subject), _text(self.body))
        return self.rendered[language]


def _text(message: Text) -> str:
    return str(message() if callable(message) else message)


def notify(
    recipients: Iterable[User], *, key: str, subject: Text, body: Text, url: str = ""
) -> list[Notification]:
    """Create one notification per recipient for this occasion, unless they already have it.

    The (recipient, key) pair is unique, so a task that runs twice, or two workers that run at
    once, create each notice once; only the newly created ones are emailed. `subject` and `body`
    are functions returning the text, called in each recipient's language.
    """
    return notify_many([(recipients, key, subject, body, url)])


def notify_many(
    occasions: Iterable[tuple[Iterable[User], str, Text, Text, str]],
) -> list[Notification]:
    """`notify` for many occasions at once: (recipients, key, subject, body, url) each.

    The same rule (one notice per person and key, emailed once), in a fixed number of queries
    for the whole lot rather than a few per occasion: what reminder jobs over many requests use.
    """
    wanted: dict[tuple[int, str], Notification] = {}
    for recipients, key, subject, body, url in occasions:
        messages = _Messages(subject, body)
        for user in recipients:
            if user.is_active and (user.pk, key) not in wanted:
                text_subject, text_body = messages.for_user(user)
                wanted[(user.pk, key)] = Notification(
                    recipient=user, key=key, subject=text_subject[:200], body=text_body, url=url
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
    Notification.objects.bulk_create(missing, ignore_conflicts=True)
    pairs = {(notice.recipient_id, notice.key) for notice in missing}
    created = [
        notice
        for notice in Notification.objects.filter(
            key__in={key for _pk, key in pairs},
            recipient_id__in={pk for pk, _key in pairs},
            emailed_at=None,
        )
        if (notice.recipient_id, notice.key) in pairs
    ]
    outbox.enqueue_many("cica_portal.email_notification", [[n.pk] for n in created])
    return created


def email_notification(notification_id: int) -> bool:
    """Send the email for one notification, once: only the caller that marks it sends it."""
    with transaction.atomic():
        claimed = Notification.objects.filter(pk=notification_id, emailed_at=None).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return False
        notice = Notification.objects.select_related("recipient").get(pk=notification_id)
        if not notice.recipient.email:
            return False
        link = f"\n\n{settings.SITE_URL}{notice.url}" if notice.url else ""
        with translation.override(notice.recipient.language or settings.LANGUAGE_CODE):
            # An exception here rolls back the mark, so a retry sends it again.
            send_mail(
                f"[CICA] {notice.subject}",
                f"{notice.body}{link}",
                settings.DEFAULT_FROM_EMAIL,
                [notice.recipient.email],
            )
    return True


def secretariat_users():
    return User.objects.filter(role=User.Role.SECRETARIAT, is_active=True)


def approvers_of(state_ids: Iterable[int]):
    return User.objects.filter(role=User.Role.APPROVER, state_id__in=state_ids, is_active=True)
