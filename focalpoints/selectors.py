"""Reads of the focal-point network, always scoped to the user asking."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cica_portal.models import Area, State, User

from .models import (
    EXPIRY_WINDOW_DAYS,
    FocalPoint,
    FocalPointArea,
    FocalPointChange,
    FocalPointTransition,
    OrganisationContact,
)


# Ordering by "-role" puts "primary" before "deputy".
def _with_lists(queryset: QuerySet[FocalPoint]) -> QuerySet[FocalPoint]:
    return queryset.select_related("state", "user").prefetch_related(
        Prefetch("areas", queryset=Area.objects.order_by("number"))
    )


def directory_entries(user: User) -> QuerySet[FocalPoint]:
    """Verified entries within their term, for network members; nothing for anyone else."""
    if not user.is_authenticated or not user.is_network_member:
        return FocalPoint.objects.none()
    return _with_lists(FocalPoint.objects.current()).order_by(
        "state__name_en", "-role", "name", "pk"
    )


def entries_manageable_by(user: User) -> QuerySet[FocalPoint]:
    """Every entry, in any status, the user may see in full: all for the Secretariat, the own
    state's for an approver, their own for a focal point."""
    if not user.is_authenticated:
        return FocalPoint.objects.none()
    if user.is_secretariat:
        queryset = FocalPoint.objects.all()
    elif user.is_approver:
        queryset = FocalPoint.objects.filter(state_id=user.national_state_id)
    elif user.is_focal_point:
        queryset = FocalPoint.objects.filter(user=user)
    else:
        return FocalPoint.objects.none()
    return _with_lists(queryset).order_by("state__name_en", "status", "-role", "name", "pk")


def entry_for(user: User, pk: int) -> FocalPoint:
    """An entry the user may read: any directory entry, or one they manage; 404 otherwise."""
    entry = entries_manageable_by(user).filter(pk=pk).first()
    if entry is None:
        entry = get_object_or_404(directory_entries(user), pk=pk)
    return entry


def nomination_for_approver(user: User, pk: int) -> FocalPoint:
    """An entry of the approver's own state; 404 for any other."""
    if not user.is_approver:
        return get_object_or_404(FocalPoint.objects.none(), pk=pk)
    return get_object_or_404(
        _with_lists(FocalPoint.objects.filter(state_id=user.national_state_id)), pk=pk
    )


def own_entry_for(user: User, pk: int) -> FocalPoint:
    """An entry linked to this focal point's account; 404 for anyone else's."""
    if not user.is_focal_point:
        return get_object_or_404(FocalPoint.objects.none(), pk=pk)
    return get_object_or_404(_with_lists(FocalPoint.objects.filter(user=user)), pk=pk)


def entry_for_secretariat(user: User, pk: int) -> FocalPoint:
    if not user.is_secretariat:
        return get_object_or_404(FocalPoint.objects.none(), pk=pk)
    return get_object_or_404(_with_lists(FocalPoint.objects.all()), pk=pk)


def to_verify(user: User) -> QuerySet[FocalPoint]:
    """The Secretariat's queue: nominations and changes awaiting verification."""
    if not user.is_secretariat:
        return FocalPoint.objects.none()
    return _with_lists(
        FocalPoint.objects.filter(
            status__in=[FocalPoint.Status.NOMINATED, FocalPoint.Status.CHANGES_TO_VERIFY]
        )
    ).order_by("updated_at", "pk")


def history_of(entry: FocalPoint) -> tuple[list[FocalPointTransition], list[FocalPointChange]]:
    """Status changes and field changes of an entry the caller was already allowed to read."""
    transitions = list(entry.transitions.select_related("actor"))
    changes = list(entry.changes.select_related("changed_by"))
    return transitions, changes


def organisation_contacts(user: User) -> QuerySet[OrganisationContact]:
    if not user.is_authenticated or not user.is_network_member:
        return OrganisationContact.objects.none()
    return (
        OrganisationContact.objects.filter(active=True, organisation__active=True)
        .select_related("organisation")
        .prefetch_related(Prefetch("areas", queryset=Area.objects.order_by("number")))
    )


@dataclass
class Cell:
    state: State
    area: Area
    entries: list[FocalPoint] = field(default_factory=list)
    expiring: bool = False

    @property
    def empty(self) -> bool:
        return not self.entries


@dataclass
class Row:
    state: State
    cells: list[Cell]


def coverage_matrix(user: User, today: datetime.date | None = None) -> tuple[list[Area], list[Row]]:
    """Member states by areas: the current entries covering each cell, primary first.
    Three queries whatever the size of the network."""
    if not user.is_authenticated or not user.is_network_member:
        return [], []
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=EXPIRY_WINDOW_DAYS)
    areas = list(Area.objects.order_by("number"))
    states = list(State.objects.members().order_by("name_en"))
    covered: dict[tuple[int, int], list[FocalPoint]] = {}
    rows = (
        FocalPointArea.objects.filter(entry__in=FocalPoint.objects.current(today))
        .select_related("entry")
        .order_by("-entry__role", "entry__name", "entry_id")
    )
    for row in rows:
        covered.setdefault((row.state_id, row.area_id), []).append(row.entry)
    matrix = []
    for state in states:
        cells = []
        for area in areas:
            entries = covered.get((state.pk, area.pk), [])
            expiring = any(e.term_end and e.term_end <= horizon for e in entries)
            cells.append(Cell(state=state, area=area, entries=entries, expiring=expiring))
        matrix.append(Row(state=state, cells=cells))
    return areas, matrix


def cell_entries(
    user: User, state_code: str, area_number: int
) -> tuple[State, Area, list[FocalPoint]]:
    """Every entry, in any status, for one state and area: the Secretariat's view of a cell."""
    if not user.is_secretariat:
        get_object_or_404(State.objects.none(), code=state_code)
    state = get_object_or_404(State.objects.members(), code=state_code.upper())
    area = get_object_or_404(Area, number=area_number)
    entries = list(
        _with_lists(FocalPoint.objects.filter(state=state, areas=area))
        .prefetch_related(
            Prefetch("transitions", queryset=FocalPointTransition.objects.select_related("actor"))
        )
        .order_by("-role", "-status", "name")
    )
    return state, area, entries


# --- "may I": each rule once; services refuse with it, views hand the answers to templates ----

CORRECTABLE_STATUSES = (FocalPoint.Status.NOMINATED, FocalPoint.Status.RETURNED)
TO_VERIFY_STATUSES = (FocalPoint.Status.NOMINATED, FocalPoint.Status.CHANGES_TO_VERIFY)


def is_own_states_approver(user: User, entry: FocalPoint) -> bool:
    return user.is_approver and user.state_id == entry.state_id


def is_own_entry(user: User, entry: FocalPoint) -> bool:
    return user.is_focal_point and entry.user_id == user.pk


def may_manage(user: User, entry: FocalPoint) -> bool:
    """Who sees an entry's status, pending changes and history."""
    return user.is_secretariat or is_own_states_approver(user, entry) or is_own_entry(user, entry)


def may_nominate(user: User) -> bool:
    return user.is_approver


def may_verify_nominations(user: User) -> bool:
    """The Secretariat's queue of nominations and changes to verify, and its coverage cells."""
    return user.is_secretariat


def may_export_directory(user: User) -> bool:
    """The whole directory as CSV or a spreadsheet: the Secretariat."""
    return user.is_secretariat


def directory_rights(user: User) -> dict[str, bool]:
    """The answers the directory and coverage pages need."""
    return {
        "verify": may_verify_nominations(user),
        "nominate": may_nominate(user),
        "export": may_export_directory(user),
    }


def may_correct_nomination(user: User, entry: FocalPoint) -> bool:
    """The state's approver corrects a nomination not yet verified, or one returned."""
    return is_own_states_approver(user, entry) and entry.status in CORRECTABLE_STATUSES


def may_verify(user: User, entry: FocalPoint) -> bool:
    """The Secretariat verifies (or returns) what awaits verification."""
    return user.is_secretariat and entry.status in TO_VERIFY_STATUSES


def may_withdraw(user: User, entry: FocalPoint) -> bool:
    """The state's approver or the Secretariat withdraws an entry not yet closed."""
    return (user.is_secretariat or is_own_states_approver(user, entry)) and (
        entry.status not in FocalPoint.FINAL_STATUSES
    )


def may_update_own_details(user: User, entry: FocalPoint) -> bool:
    """A focal point keeps their own current entry up to date."""
    return is_own_entry(user, entry) and entry.is_current


def rights_on(user: User, entry: FocalPoint) -> dict[str, bool]:
    """Every answer the entry's page needs, from the predicates above."""
    return {
        "manage": may_manage(user, entry),
        "correct": may_correct_nomination(user, entry),
        "verify": may_verify(user, entry),
        "withdraw": may_withdraw(user, entry),
        "update_own_details": may_update_own_details(user, entry),
    }
