"""Models every app shares: reference data, people, approvals, the audit log, notifications."""

from .access import ApiToken, OidcIdentity, RecoveryCode
from .approvals import ApprovalRequest, ApprovalView, StateAnswer
from .audit import AuditChainHead, AuditRecord
from .decisions import RegisteredDecision
from .notifications import (
    BeatLease,
    BeatRun,
    Delivery,
    NoticeDigest,
    NoticePreference,
    Notification,
    OutboxMessage,
)
from .people import User
from .reference import Area, Organisation, State

__all__ = [
    "ApiToken",
    "ApprovalRequest",
    "ApprovalView",
    "Area",
    "AuditChainHead",
    "AuditRecord",
    "BeatLease",
    "BeatRun",
    "Delivery",
    "NoticeDigest",
    "NoticePreference",
    "Notification",
    "OidcIdentity",
    "Organisation",
    "OutboxMessage",
    "RecoveryCode",
    "RegisteredDecision",
    "State",
    "StateAnswer",
    "User",
]
