"""The portal-wide "may I" rules: who reaches which part of the portal at all.

Written once here; the page guards (roles.py) and the navigation (the `portal_rights` the
templates get from context_processors.portal) both ask these, so a link is shown exactly to
those the page lets in. A rule about one app's objects lives in that app's selectors.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from .models import User

Person = User | AnonymousUser


def may_use_network(user: Person) -> bool:
    """The Action Plan, the directory, meetings, the exchange and the approvals asked for: the
    network's own people."""
    return bool(getattr(user, "is_network_member", False))


def may_answer_for_state(user: Person) -> bool:
    """The approvals inbox: a release approver answers for their state."""
    return bool(getattr(user, "is_approver", False))


def may_read_decisions(user: Person) -> bool:
    """The decision register: member states' focal points and approvers, and the Secretariat
    (each entry then only if its subject is theirs to read)."""
    return bool(getattr(user, "is_network_member", False))


def may_administer(user: Person) -> bool:
    """The administration site: staff accounts."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def portal_rights(user: Person) -> dict[str, bool]:
    """The answers the base layout and the dashboard need."""
    return {
        "use_network": may_use_network(user),
        "answer_for_state": may_answer_for_state(user),
        "administer": may_administer(user),
        "read_decisions": may_read_decisions(user),
    }
