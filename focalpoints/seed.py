"""Demo focal-point network: every member state covered, with a few gaps, expiring terms, a
nomination awaiting verification and one returned. Idempotent: existing entries are left alone."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from cica_portal.models import Area, Organisation, State, User

from .models import (
    FocalPoint,
    FocalPointArea,
    FocalPointTransition,
    OrganisationContact,
    languages_to_db,
)

# Primary covers areas I-II only; a deputy covers III for the first two; IV stays empty.
GAP_STATES = {"AF": [3], "KH": [3], "PS": [], "QA": []}
EXPIRING_STATES = {"MN": 20, "LK": 35, "TH": 50}
# A few names also written in Cyrillic (the directory and the vCards carry both).
CYRILLIC_NAMES = ("KZ", "KG", "RU", "TJ", "MN")
DEPUTIES = {"KZ": 2, "RU": 2, "CN": 1, "IN": 2, "TR": 1}
AREA_LABEL = {1: "border control", 2: "police", 3: "counter-terrorism", 4: "trafficking"}
LOCAL_LANGUAGE = {
    "KZ": "kk",
    "UZ": "uz",
    "CN": "zh",
    "IN": "hi",
    "KR": "ko",
    "TR": "tr",
    "IR": "fa",
    "AF": "fa",
    "TJ": "fa",
    "EG": "ar",
    "IQ": "ar",
    "JO": "ar",
    "KW": "ar",
    "QA": "ar",
    "AE": "ar",
    "BH": "ar",
    "PS": "ar",
}
CONTACTS = [
    (
        "IOM",
        "Regional contact point, IOM",
        "Regional Thematic Specialist, Counter-Trafficking",
        "cica-contact@iom.example",
        [1, 4],
    ),
    (
        "INTERPOL",
        "Contact point, INTERPOL",
        "Liaison Officer, Border Management Programme",
        "cica-contact@interpol.example",
        [1, 2],
    ),
    (
        "UNODC",
        "Contact point, UNODC",
        "Programme Officer, Terrorism Prevention Branch",
        "cica-contact@unodc.example",
        [3, 4],
    ),
]


def _entry(
    state,
    name,
    *,
    areas,
    role,
    status,
    email,
    term_end,
    user=None,
    name_other_script="",
    nominated_by,
    verified_by=None,
    reason="",
    today,
) -> bool:
    if FocalPoint.objects.filter(state=state, name=name).exists():
        return False
    code = state.code
    entry = FocalPoint.objects.create(
        state=state,
        name=name,
        name_other_script=name_other_script,
        role=role,
        status=status,
        user=user,
        email=email,
        organisation=f"Ministry of Foreign Affairs of {state.name_en}",
        position="National coordinator for CICA" if role == "primary" else "Senior officer",
        languages=languages_to_db(["en", "ru", LOCAL_LANGUAGE.get(code, "en")]),
        phone=f"+000 {100 + state.pk:03d} 555 01{len(name) % 90:02d}",
        address=f"Department of International Cooperation\nCapital, {state.name_en}",
        term_start=datetime.date(2025, 1, 1),
        term_end=term_end,
        nominated_by=nominated_by,
        verified_by=verified_by,
        return_reason=reason,
        verified_at=timezone.now() if verified_by else None,
    )
    holds = status == FocalPoint.Status.ACTIVE and role == FocalPoint.Role.PRIMARY
    FocalPointArea.objects.bulk_create(
        [FocalPointArea(entry=entry, area=area, state=state, holds_primary=holds) for area in areas]
    )
    steps = [("", FocalPoint.Status.NOMINATED, nominated_by, "")]
    if status == FocalPoint.Status.ACTIVE:
        steps.append((FocalPoint.Status.NOMINATED, status, verified_by, ""))
    elif status == FocalPoint.Status.RETURNED:
        steps.append((FocalPoint.Status.NOMINATED, status, verified_by, reason))
    FocalPointTransition.objects.bulk_create(
        [
            FocalPointTransition(entry=entry, from_status=a, to_status=b, actor=who, reason=why)
            for a, b, who, why in steps
        ]
    )
    return True


@transaction.atomic
def seed_demo(*, password: str, stdout) -> None:
    today = timezone.localdate()
    areas = {area.number: area for area in Area.objects.all()}
    users = {
        user.username: user for user in User.objects.filter(username__regex=r"^(fp|approver)-")
    }
    secretariat = User.objects.filter(username="secretariat").first()
    created = 0
    for state in State.objects.members().order_by("code"):
        cc = state.code.lower()
        fp, approver = users.get(f"fp-{cc}"), users.get(f"approver-{cc}")
        if fp is None or approver is None:
            continue
        default_end = today.replace(year=today.year + 3, day=1)
        primary_areas = [1, 2] if state.code in GAP_STATES else [1, 2, 3, 4]
        term_end = (
            today + datetime.timedelta(days=EXPIRING_STATES[state.code])
            if state.code in EXPIRING_STATES
            else default_end
        )
        common = {"nominated_by": approver, "today": today}
        created += _entry(
            state,
            fp.full_name or f"Focal point, {state.name_en}",
            areas=[areas[n] for n in primary_areas],
            role="primary",
            status="active",
            email=fp.email or f"fp-{cc}@{cc}.cica.example",
            term_end=term_end,
            user=fp,
            name_other_script=f"Координатор, {state.name_ru}"
            if state.code in CYRILLIC_NAMES and state.name_ru
            else "",
            verified_by=secretariat,
            **common,
        )
        deputy_areas = GAP_STATES.get(state.code) or (
            [DEPUTIES[state.code]] if state.code in DEPUTIES else []
        )
        for number in deputy_areas:
            created += _entry(
                state,
                f"Deputy focal point ({AREA_LABEL[number]}), {state.name_en}",
                areas=[areas[number]],
                role="deputy",
                status="active",
                email=f"deputy-{number}-{cc}@{cc}.cica.example",
                term_end=default_end,
                verified_by=secretariat,
                **common,
            )
        if state.code == "UZ":
            created += _entry(
                state,
                "Deputy focal point (police), Uzbekistan",
                areas=[areas[2]],
                role="deputy",
                status="nominated",
                email="deputy-2-uz@uz.cica.example",
                term_end=default_end,
                **common,
            )
        if state.code == "TJ":
            created += _entry(
                state,
                "Deputy focal point (border control), Tajikistan",
                areas=[areas[1]],
                role="deputy",
                status="returned",
                email="deputy-1-tj@tj.cica.example",
                term_end=default_end,
                verified_by=secretariat,
                reason="Please give the agency's official email address, not a personal one.",
                **common,
            )
    contacts = 0
    for code, name, position, email, numbers in CONTACTS:
        organisation = Organisation.objects.filter(code__iexact=code).first()
        if (
            organisation is None
            or OrganisationContact.objects.filter(organisation=organisation, name=name).exists()
        ):
            continue
        contact = OrganisationContact.objects.create(
            organisation=organisation,
            name=name,
            position=position,
            email=email,
            phone="+000 200 555 0100",
        )
        contact.areas.set([areas[n] for n in numbers])
        contacts += 1
    stdout.write(
        f"Focal points: {created} entries and {contacts} organisation contact points created."
    )
