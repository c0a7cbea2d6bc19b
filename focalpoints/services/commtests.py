"""Communication tests: a test message to every current focal point and office, acknowledged
with one click; a non-answer after 24 hours is escalated once to the state's approvers."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import audit, outbox
from cica_portal.models import User
from cica_portal.notifications import (
    Notice,
    approvers_of,
    in_both_languages,
    notify,
    notify_many,
)

from .. import selectors
from ..models import CommunicationTest, FocalPoint, TestMessage
from ._common import FocalPointError

ESCALATE_AFTER = datetime.timedelta(hours=24)

SUBJECT = gettext_lazy("Communication test: please acknowledge")
BODY = gettext_lazy(
    "This is a communication test of the CICA focal-point network, for %(name)s (%(state)s). "
    "Acknowledge it with one click on this link:\n\n%(link)s\n\nThe Secretariat measures how "
    "quickly each focal point answers; an answer missing after 24 hours is reported to your "
    "state's release approver."
)


def _period(moment: datetime.datetime) -> str:
    return f"{moment.year}-H{1 if moment.month <= 6 else 2}"


def _start(test: CommunicationTest) -> int:
    """One message per current entry (person or office), each sent after the commit; focal
    points with an account also see it in the portal."""
    entries = list(FocalPoint.objects.current().select_related("state", "user").order_by("pk"))
    messages = TestMessage.objects.bulk_create(
        [TestMessage(test=test, entry=entry, address=entry.email) for entry in entries]
    )
    outbox.enqueue_many("focalpoints.send_test_message", [[m.pk] for m in messages])
    by_entry = {m.entry_id: m for m in messages}
    notify_many(
        [
            (
                [entry.user],
                f"fp:commtest:{by_entry[entry.pk].pk}",
                Notice(
                    gettext_lazy("Communication test: please acknowledge"),
                    gettext_lazy(
                        "The Secretariat is testing the focal-point network. Acknowledge the "
                        "test for %(name)s in one click."
                    ),
                    {"name": entry.name},
                ),
                reverse("focalpoints:test-message", args=[by_entry[entry.pk].pk]),
            )
            for entry in entries
            if entry.user_id
        ]
    )
    return len(messages)


@transaction.atomic
def start_communication_test(*, actor: User) -> CommunicationTest:
    """The Secretariat starts an ad hoc test."""
    if not selectors.may_run_network_checks(actor):
        raise FocalPointError(
            _("Only the Secretariat starts a communication test."), code="forbidden"
        )
    test = CommunicationTest.objects.create(
        kind=CommunicationTest.Kind.AD_HOC, started_by=actor, started_at=timezone.now()
    )
    count = _start(test)
    audit.log(test, "focalpoints.communication_test.started", actor=actor, data={"messages": count})
    return test


def run_scheduled_test(*, now: datetime.datetime | None = None) -> CommunicationTest | None:
    """The half-yearly test (beat): one per half-year, however often it runs."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            test = CommunicationTest.objects.create(
                kind=CommunicationTest.Kind.SCHEDULED, period=_period(now), started_at=now
            )
            count = _start(test)
            audit.log(
                test,
                "focalpoints.communication_test.started",
                data={"messages": count, "period": test.period},
            )
    except IntegrityError:
        return None  # this half-year's test exists already
    return test


def message_token(message: TestMessage) -> str:
    return signing.dumps(message.pk, salt=selectors.COMMUNICATION_TEST_SALT)


def _leading_language(entry: FocalPoint) -> str:
    """A test message is in English and Russian at once: an office's mailbox is read by
    whoever is on duty, whose language nobody recorded, and a test that measures whether the
    address reaches someone must not fail because the reader could not read it. It leads with
    the entry's own working language when it names only one of the two, else with the one
    most of the state's focal points chose."""
    own = [code for code in entry.language_codes if code in ("en", "ru")]
    return own[0] if len(own) == 1 else selectors.reading_language(entry.state)


def send_test_message(message_id: int) -> bool:
    """Send one test message, once: the worker that marks it sent sends it."""
    now = timezone.now()
    if not TestMessage.objects.filter(pk=message_id, sent_at__isnull=True).update(sent_at=now):
        return False
    message = TestMessage.objects.select_related("entry__state").get(pk=message_id)
    entry = message.entry
    link = settings.SITE_URL + reverse("focalpoints:acknowledge", args=[message_token(message)])
    subject, body = in_both_languages(
        Notice(
            SUBJECT,
            BODY,
            {"name": entry.name, "state": entry.state.in_their_language("name"), "link": link},
        ),
        first=_leading_language(entry),
    )
    try:
        send_mail(f"[CICA] {subject}", body, settings.DEFAULT_FROM_EMAIL, [message.address])
    except Exception:
        TestMessage.objects.filter(pk=message_id).update(sent_at=None)  # the retry sends it
        raise
    return True


@transaction.atomic
def acknowledge(message: TestMessage, *, by: User | None = None, channel: str) -> TestMessage:
    """Record the answer to a test message; the first answer counts, later ones change nothing.
    From the email's link anyone holding the signed link answers; in the portal, only the
    entry's own focal point."""
    if channel == TestMessage.Channel.PORTAL and (
        by is None or not selectors.is_own_entry(by, message.entry)
    ):
        raise FocalPointError(
            _("Only the focal point of this entry acknowledges it."), code="forbidden"
        )
    now = timezone.now()
    # Only the entry's own focal point is named; anyone else holding the link stays anonymous.
    own = by if by is not None and selectors.is_own_entry(by, message.entry) else None
    first = TestMessage.objects.filter(pk=message.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now,
        acknowledged_by=own,
        channel=channel,
        # an answer that came before the email was marked sent is as fast as can be
        sent_at=message.sent_at or now,
    )
    message.refresh_from_db()
    if first:
        audit.log(
            message.entry,
            "focalpoints.communication_test.acknowledged",
            actor=own,
            data={"test": message.test_id, "channel": channel},
        )
    return message


def escalate_unanswered(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Tell the state's approvers, once, of each test message unanswered 24 hours after it was
    sent; two runs at once escalate each message once (a conditional UPDATE only one wins)."""
    now = now or timezone.now()
    due = list(
        TestMessage.objects.filter(
            acknowledged_at__isnull=True,
            escalated_at__isnull=True,
            sent_at__lte=now - ESCALATE_AFTER,
        )
        .select_related("entry__state")
        .order_by("pk")[:limit]
    )
    escalated = 0
    for message in due:
        with transaction.atomic():
            won = TestMessage.objects.filter(
                pk=message.pk, escalated_at__isnull=True, acknowledged_at__isnull=True
            ).update(escalated_at=now)
            if not won:
                continue
            entry = message.entry
            notify(
                approvers_of([entry.state_id]),
                key=f"fp:commtest:{message.pk}:escalated",
                notice=Notice(
                    gettext_lazy("No answer to the communication test: %(name)s"),
                    gettext_lazy(
                        "%(name)s (%(address)s), a focal point of %(state)s, has not "
                        "acknowledged the communication test sent 24 hours ago. Check that the "
                        "entry's address still reaches someone, or correct it."
                    ),
                    {
                        "name": entry.name,
                        "address": message.address,
                        "state": entry.state.in_their_language("name"),
                    },
                ),
                url=reverse("focalpoints:detail", args=[entry.pk]),
            )
            escalated += 1
    return escalated
