"""Approval by member states: one mechanism for every "subject to the approval of" in the plan.

`registry` says what may be approved (each app registers its subjects), `services` writes
(open, answer, revise, withdraw, close), `selectors` reads (always scoped to the user asking).
"""

from .registry import SubjectType, UnknownPurpose, register, registered, subject_type_for
from .selectors import (
    answers_of,
    get_request_for,
    inbox_for,
    inbox_page,
    inbox_top,
    may_answer,
    may_read_subject,
    my_answer,
    requests_visible_to,
    subjects_with_open_request,
    summary_for,
    tally,
    with_answer_counts,
)
from .services import (
    REMIND_BEFORE,
    ApprovalError,
    answer_request,
    close_expired_requests,
    content_hash,
    expire_if_due,
    last_shown_version,
    lock_request,
    normalise_decision,
    open_request,
    record_view,
    remind_pending_answers,
    revise_request,
    withdraw_request,
)

__all__ = [
    "REMIND_BEFORE",
    "ApprovalError",
    "SubjectType",
    "UnknownPurpose",
    "answer_request",
    "answers_of",
    "close_expired_requests",
    "content_hash",
    "expire_if_due",
    "get_request_for",
    "inbox_for",
    "inbox_page",
    "inbox_top",
    "last_shown_version",
    "lock_request",
    "may_answer",
    "may_read_subject",
    "my_answer",
    "normalise_decision",
    "open_request",
    "record_view",
    "register",
    "registered",
    "remind_pending_answers",
    "requests_visible_to",
    "revise_request",
    "subject_type_for",
    "subjects_with_open_request",
    "summary_for",
    "tally",
    "with_answer_counts",
    "withdraw_request",
]
