"""The decision register: every decision taken under the Action Plan, numbered, dated, linked
to its subject and its text.

`registry` says where decisions come from (each app registers its sources), `services` writes
(an approval's closing enters itself; apps call `record_decision`), `selectors` reads.
"""

from .registry import DecisionSource, UnknownSource, register, registered
from .services import DecisionError, record_approval_decision, record_decision

__all__ = [
    "DecisionError",
    "DecisionSource",
    "UnknownSource",
    "record_approval_decision",
    "record_decision",
    "register",
    "registered",
]
