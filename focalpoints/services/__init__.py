"""Writes to the focal-point network: one function per business action, one transaction each.

A package by subject; everything a caller uses is re-exported here, so callers keep writing
`from focalpoints import services` and `services.verify(...)`."""

from ._common import NOMINATION_FIELDS, FocalPointError
from .commtests import (
    acknowledge,
    escalate_unanswered,
    message_token,
    run_scheduled_test,
    send_test_message,
    start_communication_test,
)
from .confirmation import (
    close_campaign,
    confirm_entry,
    open_campaign,
    remind_unconfirmed,
    tell_stale_entries,
)
from .designation import activate, activation_token, check_note_verbale, send_activation
from .details import (
    CONTACT_FIELDS,
    CORRECTABLE_FIELDS,
    correct_entry,
    correct_in_campaign,
    save_contact,
    update_contact_details,
)
from .nominations import nominate, return_entry, update_nomination, verify, withdraw
from .offices import (
    add_acting_deputy,
    add_duty_shift,
    deliver_urgent,
    remove_roster_item,
    send_email,
    send_urgent,
    send_urgent_mail,
)
from .terms import end_expired_terms, remind_term_ends

__all__ = [
    "CONTACT_FIELDS",
    "CORRECTABLE_FIELDS",
    "NOMINATION_FIELDS",
    "FocalPointError",
    "acknowledge",
    "activate",
    "activation_token",
    "add_acting_deputy",
    "add_duty_shift",
    "check_note_verbale",
    "close_campaign",
    "confirm_entry",
    "correct_entry",
    "correct_in_campaign",
    "deliver_urgent",
    "end_expired_terms",
    "escalate_unanswered",
    "message_token",
    "nominate",
    "open_campaign",
    "remind_term_ends",
    "remind_unconfirmed",
    "remove_roster_item",
    "return_entry",
    "run_scheduled_test",
    "save_contact",
    "send_activation",
    "send_email",
    "send_test_message",
    "send_urgent",
    "send_urgent_mail",
    "start_communication_test",
    "tell_stale_entries",
    "update_contact_details",
    "update_nomination",
    "verify",
    "withdraw",
]
