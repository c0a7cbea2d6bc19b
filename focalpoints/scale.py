"""Scale data of the focal-point network: entries in every status with their history (the
scale-data command's --focal-points; cica_portal/scale.py says how the modules fit)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.hashers import make_password

from cica_portal.models import User
from cica_portal.scale import ScaleRun, bulk, dates_as_given

from . import audit_actions
from .models import FocalPoint, FocalPointArea, FocalPointTransition

KNOB = "focal_points"
AUDIT_MIX = [(audit_actions.entry_moved_to(FocalPoint.Status.ACTIVE), "focalpoints.focalpoint")]
ORGANISATIONS = [
    "Ministry of Internal Affairs",
    "Ministry of Foreign Affairs",
    "Border Service",
    "National Police",
    "State Security Committee",
    "Customs Service",
    "Financial Monitoring Agency",
    "Drug Control Agency",
]
POSITIONS = ["Head of Division", "Deputy Director", "Senior Officer", "Chief Expert", "Attaché"]
STATUSES = ["active"] * 14 + ["ended"] * 3 + ["withdrawn", "nominated", "changes_to_verify"]


def _linked_users(run: ScaleRun, base: int, count: int) -> list[User]:
    """One entry in ten has its own login."""
    unusable = make_password(None)
    users = []
    for n in range(max(count // 10, 1)):
        s = run.members[n % len(run.members)]
        users.append(
            User(
                username=f"fp-{s.code.lower()}-scale-{base + n}",
                role=User.Role.FOCAL_POINT,
                state=s,
                password=unusable,
                full_name=f"Focal point {base + n} ({s.code})",
                email=f"fp{base + n}.{s.code.lower()}@example.org",
            )
        )
    return run.add_users(users)


def _entry(run: ScaleRun, n: int, base: int, users: list[User]) -> FocalPoint:
    s = run.members[n % len(run.members)]
    status = run.rnd.choice(STATUSES)
    term_start = (run.when() - timedelta(days=365)).date()
    term_end = None
    if status == "ended":
        term_end = min(term_start + timedelta(days=730), run.now.date() - timedelta(1))
        term_end = max(term_end, term_start)
    elif run.rnd.random() < 0.5:
        term_end = run.now.date() + timedelta(days=run.rnd.randrange(30, 1500))
    at = run.when()
    return FocalPoint(
        state=s,
        name=f"Focal point {base + n} of {s.name_en}",
        organisation=run.rnd.choice(ORGANISATIONS),
        position=run.rnd.choice(POSITIONS),
        languages=run.rnd.choice(["en", "ru", "en,ru"]),
        email=f"focal{base + n}.{s.code.lower()}@example.org",
        phone=f"+7 700 {base + n:07d}",
        term_start=term_start,
        term_end=term_end,
        role=run.rnd.choice(["primary", "deputy", "deputy"]),
        user=users[n] if n < len(users) else None,
        status=status,
        nominated_by=run.fp(s),
        verified_by=run.secretariat if status != "nominated" else None,
        verified_at=at if status != "nominated" else None,
        created_at=at,
        updated_at=at,
    )


def _history(run: ScaleRun, entries: list[FocalPoint]) -> list[FocalPointTransition]:
    """Nominated by the state's focal point, then verified (or not yet) by the Secretariat."""
    nominated = [
        FocalPointTransition(
            entry=e, from_status="", to_status="nominated", actor=e.nominated_by, at=e.created_at
        )
        for e in entries
    ]
    verified = [
        FocalPointTransition(
            entry=e,
            from_status="nominated",
            to_status=e.status,
            actor=run.secretariat,
            at=e.verified_at,
        )
        for e in entries
        if e.status != "nominated"
    ]
    return nominated + verified


def add(run: ScaleRun, count: int) -> int:
    """Add `count` entries (their areas, history and a few logins); return how many."""
    if count <= 0:
        return 0
    base = FocalPoint.objects.count()
    users = _linked_users(run, base, count)
    entries = [_entry(run, n, base, users) for n in range(count)]
    with dates_as_given(FocalPoint, FocalPointTransition):
        entries = bulk(FocalPoint, entries)
        areas = [
            FocalPointArea(entry=e, area=a, state_id=e.state_id, holds_primary=False)
            for e in entries
            for a in run.rnd.sample(run.areas, min(2, len(run.areas)))
        ]
        bulk(FocalPointArea, areas)
        bulk(FocalPointTransition, _history(run, entries))
    run.made["focalpoints.focalpoint"] = [e.pk for e in entries]
    return len(entries)
