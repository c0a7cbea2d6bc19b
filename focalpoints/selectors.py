"""Reads of the focal-point network, always scoped to the user asking."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cica_portal.models import Area, State, User

from .models import (
    EXPIRY_WINDOW_DAYS,
    ActingDeputy,
    Activation,
    CommunicationTest,
    Confirmation,
    ConfirmationCampaign,
    DutyShift,
    FocalPoint,
    FocalPointArea,
    FocalPointChange,
    FocalPointTransition,
    OrganisationContact,
    TestMessage,
    stale_cutoff,
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
    stale: bool = False
    # The latest communication test: None when it sent nothing here, else answered or not.
    answered: bool | None = None

    @property
    def empty(self) -> bool:
        return not self.entries


@dataclass
class Row:
    state: State
    cells: list[Cell]

    @property
    def covered(self) -> int:
        return sum(1 for cell in self.cells if not cell.empty)

    @property
    def gaps(self) -> int:
        return len(self.cells) - self.covered


@dataclass
class Matrix:
    areas: list[Area]
    rows: list[Row]

    def __iter__(self) -> Iterator[Any]:  # areas, rows = coverage_matrix(...)
        return iter((self.areas, self.rows))

    @property
    def column_totals(self) -> list[dict[str, int]]:
        """Per area: cells covered and gaps."""
        totals = []
        for index, _area in enumerate(self.areas):
            covered = sum(1 for row in self.rows if not row.cells[index].empty)
            totals.append({"covered": covered, "gaps": len(self.rows) - covered})
        return totals

    @property
    def covered(self) -> int:
        return sum(row.covered for row in self.rows)

    @property
    def gaps(self) -> int:
        return sum(row.gaps for row in self.rows)


def _answers_of_latest_test() -> dict[int, bool]:
    """Entry id → whether it answered the latest communication test."""
    test = latest_communication_test()
    if test is None:
        return {}
    return {
        entry_id: acknowledged is not None
        for entry_id, acknowledged in test.messages.values_list("entry_id", "acknowledged_at")
    }


def coverage_matrix(
    user: User,
    today: datetime.date | None = None,
    *,
    gaps_only: bool = False,
    now: datetime.datetime | None = None,
) -> Matrix:
    """Member states by areas: the current entries covering each cell, primary first, with
    stale entries and answers to the latest communication test marked. A fixed number of
    queries whatever the size of the network. `gaps_only` keeps the states with a gap."""
    if not user.is_authenticated or not user.is_network_member:
        return Matrix([], [])
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    horizon = today + datetime.timedelta(days=EXPIRY_WINDOW_DAYS)
    areas = list(Area.objects.order_by("number"))
    states = list(State.objects.members().order_by("name_en"))
    covered: dict[tuple[int, int], list[FocalPoint]] = {}
    seats = (
        FocalPointArea.objects.filter(entry__in=FocalPoint.objects.current(today))
        .select_related("entry")
        .order_by("-entry__role", "entry__name", "entry_id")
    )
    for seat in seats:
        covered.setdefault((seat.state_id, seat.area_id), []).append(seat.entry)
    answers = _answers_of_latest_test()
    matrix = []
    for state in states:
        cells = []
        for area in areas:
            entries = covered.get((state.pk, area.pk), [])
            tested = [answers[e.pk] for e in entries if e.pk in answers]
            cells.append(
                Cell(
                    state=state,
                    area=area,
                    entries=entries,
                    expiring=any(e.term_end and e.term_end <= horizon for e in entries),
                    stale=any(e.is_stale(now) for e in entries),
                    answered=any(tested) if tested else None,
                )
            )
        row = Row(state=state, cells=cells)
        if not gaps_only or row.gaps:
            matrix.append(row)
    return Matrix(areas, matrix)


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
        "roster": may_keep_roster(user, entry),
        "confirm": may_confirm(user, entry),
        "note_verbale": may_read_note_verbale(user, entry),
        "check_note_verbale": may_check_note_verbale(user, entry),
    }


# --- offices, duty and acting deputies ------------------------------------------------------


def on_duty(entry: FocalPoint, at: datetime.datetime) -> list[DutyShift]:
    """The shifts of an office that cover the moment `at`."""
    return [shift for shift in entry.duty_shifts.all() if shift.starts_at <= at < shift.ends_at]


def acting_for(entry: FocalPoint, at: datetime.datetime) -> list[ActingDeputy]:
    """Acting deputies whose period covers the day `at` falls on in the entry's time zone: an
    acting period ends by itself when its last day is over."""
    day = at.astimezone(entry.zone).date()
    return [deputy for deputy in entry.acting_deputies.all() if deputy.acts_on(day)]


def urgent_recipients(
    state: State, area: Area | None, at: datetime.datetime | None = None
) -> list[str]:
    """Where an urgent item for a state and area (None: any area) goes at `at`: each current
    entry's address (an office's functional mailbox), whoever is on an office's duty then, and
    acting deputies then; every address once, primary entries first."""
    at = at or timezone.now()
    entries = FocalPoint.objects.current(at.date()).filter(state=state)
    if area is not None:
        entries = entries.filter(coverage__state=state, coverage__area=area)
    entries = (
        entries.distinct()
        .prefetch_related("duty_shifts", "acting_deputies")
        .order_by("-role", "pk")
    )
    addresses: dict[str, str] = {}
    for entry in entries:
        found = [entry.email]
        found += [shift.email for shift in on_duty(entry, at)] if entry.is_office else []
        found += [deputy.email for deputy in acting_for(entry, at)]
        for address in found:
            if address:
                addresses.setdefault(address.strip().lower(), address.strip())
    return list(addresses.values())


def area_contacts(area: Area, today: datetime.date | None = None) -> dict[int, list[FocalPoint]]:
    """Whom the directory lists today for one area, per state id: each current entry covering
    it (persons and offices, primary first), with its portal account if it has one. What other
    apps address a question about an area to; a state missing from the answer has no one."""
    entries = (
        FocalPoint.objects.current(today)
        .filter(coverage__area=area)
        .select_related("user", "state")
        .order_by("state__name_en", "-role", "pk")
    )
    found: dict[int, list[FocalPoint]] = {}
    for entry in entries:
        found.setdefault(entry.state_id, []).append(entry)
    return found


def reading_language(state: State) -> str:
    """The language most of the state's focal points chose for the portal: the one an email to
    an address without an account leads with (the portal's default when none chose)."""
    chosen = Counter(
        User.objects.filter(state=state, role=User.Role.FOCAL_POINT, is_active=True)
        .exclude(language="")
        .values_list("language", flat=True)
    )
    return chosen.most_common(1)[0][0] if chosen else settings.LANGUAGE_CODE


def may_keep_roster(user: User, entry: FocalPoint) -> bool:
    """An office's roster and acting deputies: the state's approver, the entry's own account,
    or the Secretariat, while the entry is not closed."""
    return (
        user.is_secretariat or is_own_states_approver(user, entry) or is_own_entry(user, entry)
    ) and entry.status not in FocalPoint.FINAL_STATUSES


# --- notes verbales and activation ----------------------------------------------------------


def may_read_note_verbale(user: User, entry: FocalPoint) -> bool:
    return user.is_secretariat or is_own_states_approver(user, entry)


def may_check_note_verbale(user: User, entry: FocalPoint) -> bool:
    """The Secretariat checks a nomination's note verbale before it verifies it."""
    return (
        user.is_secretariat
        and entry.status == FocalPoint.Status.NOMINATED
        and entry.note_verbale_complete
        and entry.note_verbale_checked_at is None
    )


def activation_by_token(token: str) -> Activation | None:
    """The unused, unexpired activation a signed link names, or None (forged, used, expired)."""
    from django.core import signing

    try:
        data = signing.loads(token, salt=ACTIVATION_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return None
    activation = (
        Activation.objects.select_related("entry__state")
        .filter(pk=data["a"], nonce=str(data.get("n")), used_at__isnull=True)
        .first()
    )
    if activation is None or activation.expires_at <= timezone.now():
        return None
    return activation


ACTIVATION_SALT = "focalpoints.activation"
COMMUNICATION_TEST_SALT = "focalpoints.communication-test"


# --- yearly confirmation --------------------------------------------------------------------


def open_campaign() -> ConfirmationCampaign | None:
    return ConfirmationCampaign.objects.filter(closed_at__isnull=True).order_by("-year").first()


def may_confirm(user: User, entry: FocalPoint) -> bool:
    """The entry's own focal point or its state's approver confirms a current entry."""
    return (is_own_entry(user, entry) or is_own_states_approver(user, entry)) and entry.is_current


def may_correct_in_campaign(user: User, entry: FocalPoint) -> bool:
    """While a campaign is open, the state's approver corrects a current entry of the state
    (the focal point corrects their own through their details)."""
    return is_own_states_approver(user, entry) and entry.is_current and open_campaign() is not None


def may_run_network_checks(user: User) -> bool:
    """Campaigns and communication tests: the Secretariat."""
    return user.is_secretariat


def to_confirm(user: User, campaign: ConfirmationCampaign | None) -> list[FocalPoint]:
    """Current entries the user may confirm that the open campaign still waits for."""
    if campaign is None or not user.is_authenticated:
        return []
    done = Confirmation.objects.filter(campaign=campaign).values("entry_id")
    entries = entries_manageable_by(user).filter(status__in=FocalPoint.CURRENT_STATUSES)
    return [e for e in entries.exclude(pk__in=done) if may_confirm(user, e)]


def campaign_progress(campaign: ConfirmationCampaign) -> dict[str, int]:
    current = FocalPoint.objects.current()
    confirmed = current.filter(confirmations__campaign=campaign).distinct().count()
    total = current.count()
    return {"total": total, "confirmed": confirmed, "waiting": total - confirmed}


def stale_entries(now: datetime.datetime | None = None) -> QuerySet[FocalPoint]:
    """Current entries nobody confirmed (nor verified) for 13 months."""
    from django.db.models.functions import Coalesce

    now = now or timezone.now()
    return (
        FocalPoint.objects.current(now.date())
        .annotate(known_at=Coalesce("last_confirmed_at", "verified_at", "created_at"))
        .filter(known_at__lt=stale_cutoff(now))
    )


# --- communication tests --------------------------------------------------------------------


def communication_tests(user: User) -> QuerySet[CommunicationTest]:
    if not may_run_network_checks(user):
        return CommunicationTest.objects.none()
    return CommunicationTest.objects.select_related("started_by")


def communication_test_for(user: User, pk: int) -> CommunicationTest:
    return get_object_or_404(communication_tests(user), pk=pk)


def latest_communication_test() -> CommunicationTest | None:
    return CommunicationTest.objects.order_by("-started_at", "-pk").first()


def message_by_token(token: str) -> TestMessage | None:
    """The test message a signed link names, or None when the link is forged."""
    from django.core import signing

    try:
        pk = signing.loads(token, salt=COMMUNICATION_TEST_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(pk, int):
        return None
    return TestMessage.objects.select_related("entry__state", "test").filter(pk=pk).first()


def my_test_messages(user: User) -> QuerySet[TestMessage]:
    """Unanswered test messages to the user's own entries (acknowledged in the portal)."""
    if not user.is_authenticated or not user.is_focal_point:
        return TestMessage.objects.none()
    return TestMessage.objects.filter(
        entry__user=user, acknowledged_at__isnull=True
    ).select_related("entry", "test")


def test_message_for(user: User, pk: int) -> TestMessage:
    return get_object_or_404(
        TestMessage.objects.filter(entry__user=user).select_related("entry__state", "test")
        if user.is_authenticated and user.is_focal_point
        else TestMessage.objects.none(),
        pk=pk,
    )


def may_acknowledge(user: User, message: TestMessage) -> bool:
    return is_own_entry(user, message.entry) and message.acknowledged_at is None


@dataclass
class ReportLine:
    state: State
    area: Area
    messages: list[TestMessage]

    @property
    def answered(self) -> list[TestMessage]:
        return [m for m in self.messages if m.acknowledged_at]

    @property
    def fastest(self) -> datetime.timedelta | None:
        latencies = [m.latency for m in self.messages if m.latency is not None]
        return min(latencies) if latencies else None


def communication_report(test: CommunicationTest) -> list[ReportLine]:
    """Per state and area: the messages sent, who answered and how fast. Two queries."""
    messages = list(
        test.messages.select_related("entry__state", "acknowledged_by").prefetch_related(
            Prefetch("entry__areas", queryset=Area.objects.order_by("number"))
        )
    )
    lines: dict[tuple[int, int], ReportLine] = {}
    for message in messages:
        for area in message.entry.areas.all():
            key = (message.entry.state_id, area.pk)
            if key not in lines:
                lines[key] = ReportLine(state=message.entry.state, area=area, messages=[])
            lines[key].messages.append(message)
    return sorted(lines.values(), key=lambda line: (line.state.name_en, line.area.number))
