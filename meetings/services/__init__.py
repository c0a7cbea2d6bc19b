"""Writes of the meetings app: one function per business action, one transaction each."""

from .decisions import record_meeting_decision
from .documents import change_document, upload_document
from .errors import MeetingError
from .invitations import invitation_decided, invite_organisation, withdraw_invitation
from .letters import (
    change_letter_template,
    email_letter,
    generate_state_letters,
    generate_visa_letters,
    send_letter,
)
from .library import add_document_version
from .meetings import (
    MEETING_FIELDS,
    SERIES_FIELDS,
    change_status,
    create_meeting,
    create_series,
    delete_meeting,
    generate_occurrences,
    may_be_deleted,
    postpone_meeting,
    propose_occurrences,
    reset_calendar_token,
    save_agenda,
    update_meeting,
    update_series,
)
from .needs import close_needs_questionnaire, save_needs_answer, send_needs_questionnaire
from .registrations import (
    confirm_registration,
    decline_registration,
    register_delegation,
    return_registration,
    withdraw_registration,
)
from .reminders import (
    remind_registration_deadlines,
    remind_unconfirmed_registrations,
    remind_upcoming_meetings,
    report_missing_registrations,
)
from .timetable import circulate_minutes, minutes_decided, save_timetable
from .training import (
    accept_training_request,
    decline_training_request,
    request_training,
    schedule_training_request,
)

__all__ = [
    "MEETING_FIELDS",
    "SERIES_FIELDS",
    "MeetingError",
    "accept_training_request",
    "add_document_version",
    "change_document",
    "change_letter_template",
    "change_status",
    "circulate_minutes",
    "close_needs_questionnaire",
    "confirm_registration",
    "create_meeting",
    "create_series",
    "decline_registration",
    "decline_training_request",
    "delete_meeting",
    "email_letter",
    "generate_occurrences",
    "generate_state_letters",
    "generate_visa_letters",
    "invitation_decided",
    "invite_organisation",
    "may_be_deleted",
    "minutes_decided",
    "postpone_meeting",
    "propose_occurrences",
    "record_meeting_decision",
    "register_delegation",
    "remind_registration_deadlines",
    "remind_unconfirmed_registrations",
    "remind_upcoming_meetings",
    "report_missing_registrations",
    "request_training",
    "reset_calendar_token",
    "return_registration",
    "save_agenda",
    "save_needs_answer",
    "save_timetable",
    "schedule_training_request",
    "send_letter",
    "send_needs_questionnaire",
    "update_meeting",
    "update_series",
    "upload_document",
    "withdraw_invitation",
    "withdraw_registration",
]
