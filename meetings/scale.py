"""Scale data of the meeting calendar: meetings over the years with their areas, agenda,
registrations and delegates (the scale-data command's --meetings; see cica_portal/scale.py)."""

from __future__ import annotations

from datetime import timedelta

from cica_portal.scale import YEARS, ScaleRun, bulk, dates_as_given

from . import audit_actions
from .models import AgendaItem, Delegate, Meeting, Registration

KNOB = "meetings"
AUDIT_MIX = [
    (audit_actions.REGISTRATION_SUBMITTED, "meetings.registration"),
    (audit_actions.REGISTRATION_CONFIRMED, "meetings.registration"),
]
TITLES = {
    "border_experts": "Experts meeting on border control",
    "chiefs_of_police": "Meeting of the Chiefs of Police",
    "police_seminar": "Seminar on police cooperation",
    "training_seminar": "Training seminar",
    "terrorism_experts": "Experts meeting on countering terrorism",
    "cica_iom_trafficking": "CICA-IOM seminar on trafficking in human beings",
    "swg_session": "Special Working Group session",
    "soc_session": "Senior Officials Committee session",
    "other": "Working meeting",
}
AGENDA = ["Opening", "Exchange of national experience", "Conclusions"]
POSITIONS = ["Head of Division", "Deputy Director", "Senior Officer", "Chief Expert", "Attaché"]


def _meeting(run: ScaleRun, n: int) -> Meeting:
    lo, hi = run.now - timedelta(days=365 * (YEARS - 2)), run.now + timedelta(days=730)
    start = run.when(lo, hi).replace(minute=0, second=0, microsecond=0)
    end = start + timedelta(days=run.rnd.choice([1, 2, 3]), hours=8)
    kind = run.rnd.choice(list(TITLES))
    host = run.rnd.choice(run.members)
    if end < run.now:
        status = run.rnd.choice(["held", "held", "report_published", "cancelled"])
    else:
        status = run.rnd.choice(["planned", "confirmed", "confirmed"])
    made = start - timedelta(days=120)
    return Meeting(
        title=f"{TITLES[kind]}, {host.name_en} {start.year} ({n + 1})",
        kind=kind,
        start=start,
        end=end,
        time_zone="Asia/Almaty",
        host_state=host,
        venue=f"Conference hall, {host.name_en}",
        format=run.rnd.choice(["in_person", "in_person", "hybrid", "online"]),
        status=status,
        registration_deadline=start - timedelta(days=14),
        created_at=made,
        updated_at=made,
    )


def _registrations(run: ScaleRun, meetings: list[Meeting]) -> list[Registration]:
    """3 to 15 states register for each meeting; most registrations of a held one confirmed."""
    regs = []
    for m in meetings:
        for s in run.rnd.sample(run.members, min(run.rnd.randrange(3, 16), len(run.members))):
            at = m.created_at + timedelta(days=run.rnd.randrange(1, 90))
            confirmed = m.status != "planned" and run.rnd.random() < 0.8
            regs.append(
                Registration(
                    meeting=m,
                    state=s,
                    status="confirmed" if confirmed else "submitted",
                    registered_by=run.fp(s),
                    created_at=at,
                    updated_at=at,
                    confirmed_by=run.secretariat if confirmed else None,
                    confirmed_at=at + timedelta(days=2) if confirmed else None,
                )
            )
    return regs


def add(run: ScaleRun, count: int) -> int:
    """Add `count` meetings with what hangs on them; return how many."""
    if count <= 0:
        return 0
    rows = [_meeting(run, n) for n in range(count)]
    with dates_as_given(Meeting, Registration):
        meetings = bulk(Meeting, rows)
        through = Meeting.areas.through
        areas = [
            through(meeting_id=m.pk, area_id=a.pk)
            for m in meetings
            for a in run.rnd.sample(run.areas, min(2, len(run.areas)))
        ]
        bulk(through, areas)
        agenda = [
            AgendaItem(meeting=m, position=i, title=title)
            for m in meetings
            for i, title in enumerate(AGENDA, start=1)
        ]
        bulk(AgendaItem, agenda)
        regs = bulk(Registration, _registrations(run, meetings))
    delegates = [
        Delegate(
            registration=r,
            name=f"Delegate {i} of {r.state.code}",
            position=run.rnd.choice(POSITIONS),
            role="head" if i == 1 else "delegate",
        )
        for r in regs
        for i in range(1, run.rnd.randrange(2, 4))
    ]
    bulk(Delegate, delegates)
    run.made["meetings.meeting"] = [m.pk for m in meetings]
    run.made["meetings.registration"] = [r.pk for r in regs]
    return len(meetings)
