"""What the focal-point network's services share: the domain error and small helpers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from cica_portal import audit
from cica_portal.errors import DomainError
from cica_portal.models import Area, User

from .. import audit_actions
from ..models import (
    FocalPoint,
    FocalPointArea,
    FocalPointTransition,
    scripts_pair,
)

Status = FocalPoint.Status
NOMINATION_FIELDS = (
    "name",
    "name_other_script",
    "organisation",
    "position",
    "email",
    "phone",
    "address",
    "term_start",
    "term_end",
    "role",
    "languages",
    "user",
    "kind",
    "time_zone",
    "note_verbale_reference",
)


class FocalPointError(DomainError):
    """A rule of the focal-point network said no."""


def _transition(entry: FocalPoint, to: str, *, actor: User | None, reason: str = "") -> None:
    """Move an entry to a status and record it in the history and the audit log."""
    from_status = entry.status
    entry.status = to
    FocalPointTransition.objects.create(
        entry=entry, from_status=from_status, to_status=to, actor=actor, reason=reason
    )
    audit.log(
        entry,
        audit_actions.entry_moved_to(to),
        actor=actor,
        data={"from": from_status, "to": to, "reason": reason, "state": entry.state.code},
    )


def _check_primary_free(entry: FocalPoint, areas: Iterable[Area]) -> None:
    """A state has one current primary per area; refuse a second."""
    if entry.role != FocalPoint.Role.PRIMARY:
        return
    taken = FocalPointArea.objects.filter(
        state_id=entry.state_id, area__in=list(areas), holds_primary=True
    ).select_related("area")
    if entry.pk:
        taken = taken.exclude(entry=entry)
    numbers = sorted(row.area.number for row in taken)
    if numbers:
        raise FocalPointError(
            _(
                "The state already has a primary focal point for area(s) %(areas)s. Nominate a "
                "deputy, or withdraw the current primary first."
            )
            % {"areas": ", ".join(map(str, numbers))},
            field="role",
            code="conflict",
        )


def _set_areas(entry: FocalPoint, areas: Iterable[Area]) -> None:
    entry.areas.set(list(areas), through_defaults={"state_id": entry.state_id})


def _hold_primary(entry: FocalPoint, hold: bool) -> None:
    """Take or release the primary seat in every area of the entry."""
    FocalPointArea.objects.filter(entry=entry).update(
        holds_primary=hold and entry.role == FocalPoint.Role.PRIMARY
    )


def _check_term(data: dict[str, Any], state_id: int) -> None:
    user = data.get("user")
    if user is not None and (not user.is_focal_point or user.state_id != state_id):
        raise FocalPointError(_("Link only a focal point account of the same state."), field="user")
    if data.get("term_end") and data.get("term_start") and data["term_end"] < data["term_start"]:
        raise FocalPointError(_("The term cannot end before it starts."), field="term_end")


def _check_other_script(name: str, other: str) -> None:
    """The name in the other script is the same name in Cyrillic or in Latin letters."""
    if other and not scripts_pair(name, other):
        raise FocalPointError(
            _(
                "Write the name here in the other script: in Cyrillic if the name is in Latin "
                "letters, in Latin letters if it is in Cyrillic."
            ),
            field="name_other_script",
        )


def _about(entry: FocalPoint) -> dict[str, Any]:
    """What a notice about an entry names: the person, and the state in the reader's language."""
    return {"name": entry.name, "state": entry.state.in_their_language("name")}


def _entry_url(entry: FocalPoint) -> str:
    return reverse("focalpoints:detail", args=[entry.pk])
