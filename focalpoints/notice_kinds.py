"""The focal-point network's notices, as kinds people choose how to receive
(cica_portal.notice_kinds).

What asks someone to act (confirm an entry, acknowledge a test, answer an escalation, verify a
nomination or a change, correct a returned entry, replace a focal point whose term ends,
confirm an entry gone stale) needs action: always emailed at once and never held for a digest.
Only the news that an entry was verified may wait for a digest. The activation link and urgent
items are emails to addresses, not notices, and so are no kind."""

from django.utils.translation import gettext_lazy as _

from cica_portal.notice_kinds import NoticeKind
from cica_portal.notice_kinds import register as register_kinds


def register() -> None:
    register_kinds(
        NoticeKind(
            "focalpoints.confirmation",
            _("The yearly confirmation of your focal point entries (reminders)"),
            r"fp:\d+:confirm:\d{4}:\d{4}-W\d{2}",
            needs_action=True,
        ),
        NoticeKind(
            "focalpoints.communication_test",
            _("Communication tests to acknowledge"),
            r"fp:commtest:\d+",
            needs_action=True,
        ),
        NoticeKind(
            "focalpoints.communication_test_escalated",
            _("Communication tests your state's focal points left unanswered"),
            r"fp:commtest:\d+:escalated",
            needs_action=True,
        ),
        NoticeKind(
            "focalpoints.to_verify",
            _("Focal point nominations and changes to verify"),
            r"fp:\d+:(nominated|resubmitted:\d+|changes:\d+)",
            needs_action=True,
        ),
        NoticeKind(
            "focalpoints.returned",
            _("Focal point entries returned for correction"),
            r"fp:\d+:returned:\d+",
            needs_action=True,
        ),
        NoticeKind(
            "focalpoints.term_ends",
            _("Focal point terms about to end"),
            r"fp:\d+:term-ends:\d{4}-\d{2}-\d{2}",
            needs_action=True,
        ),
        NoticeKind(
            "focalpoints.stale",
            _("Focal point entries gone stale (not confirmed for 13 months)"),
            r"fp:\d+:stale:\d{14}",
            needs_action=True,
        ),
        NoticeKind(
            "focalpoints.verified",
            _("Focal points verified and in the directory"),
            r"fp:\d+:verified:\d+",
        ),
    )
