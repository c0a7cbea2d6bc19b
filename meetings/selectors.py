"""Reads of the meetings app, always scoped to the user asking (404 for missing-or-not-yours)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal.models import Area, State, User
from focalpoints import selectors as focalpoints_selectors

from .models import (
    AgendaItem,
    Delegate,
    DocumentVersion,
    Invitation,
    Letter,
    Meeting,
    MeetingDocument,
    MinutesAdoption,
    NeedsAnswer,
    NeedsQuestionnaire,
    NeedsTopic,
    OfficialListVersion,
    Registration,
    Session,
    TrainingRequest,
)


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    """Every network member sees the calendar; nobody else sees anything."""
    if not (user.is_authenticated and user.is_network_member):
        return Meeting.objects.none()
    return Meeting.objects.select_related("host_state", "series").prefetch_related("areas")


def decision_meetings(user: User | None) -> QuerySet[Meeting]:
    """Meetings a decision can rest on: those that have begun and were not cancelled, newest
    first, among those the user may see."""
    if user is None:
        return Meeting.objects.none()
    return (
        meetings_visible_to(user)
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(start__lte=timezone.now())
        .order_by("-start")
    )


def get_meeting_for(user: User, pk: int) -> Meeting:
    """The meeting with its agenda, if the user may see it."""
    queryset = meetings_visible_to(user).prefetch_related(
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.prefetch_related("plan_items__area"),
        ),
        Prefetch("sessions", queryset=Session.objects.prefetch_related("agenda_items")),
    )
    return get_object_or_404(queryset, pk=pk)


def _state_registered(user: User) -> QuerySet[Registration]:
    return Registration.objects.filter(
        meeting_id=OuterRef("meeting_id"),
        state_id=user.national_state_id,
        status__in=Registration.ACTIVE_STATUSES,
    )


def documents_readable_by(user: User) -> QuerySet[MeetingDocument]:
    """Documents the user may read: by their access rule and their state's registration."""
    queryset = MeetingDocument.objects.select_related("meeting")
    if not (user.is_authenticated and user.is_network_member):
        return queryset.none()
    if user.is_secretariat:
        return queryset
    return queryset.filter(
        Q(access=MeetingDocument.Access.ALL_MEMBERS)
        | Q(Exists(_state_registered(user)), access=MeetingDocument.Access.PARTICIPANTS)
    )


def get_document_for(user: User, pk: int) -> MeetingDocument:
    return get_object_or_404(documents_readable_by(user), pk=pk)


def registrations_visible_to(user: User) -> QuerySet[Registration]:
    """The Secretariat sees every delegation; a state's people see their own state's."""
    queryset = Registration.objects.select_related("meeting", "state", "registered_by")
    if not (user.is_authenticated and user.is_network_member):
        return queryset.none()
    if user.is_secretariat:
        return queryset
    return queryset.filter(state_id=user.national_state_id)


def get_registration_for(user: User, pk: int) -> Registration:
    return get_object_or_404(registrations_visible_to(user), pk=pk)


def own_registration(user: User, meeting: Meeting) -> Registration | None:
    if not user.state_id:
        return None
    return (
        Registration.objects.filter(meeting=meeting, state_id=user.state_id)
        .select_related("state", "validated_by")
        .prefetch_related("delegates")
        .first()
    )


def previous_registration(user: User, meeting: Meeting) -> Registration | None:
    """The user's state's latest delegation to another meeting, to fill in a new one from
    (WCAG 2.2, 3.3.7: nothing asked twice)."""
    if not user.state_id:
        return None
    return (
        Registration.objects.filter(state_id=user.state_id, delegates__isnull=False)
        .exclude(meeting=meeting)
        .select_related("meeting")
        .prefetch_related("delegates")
        .order_by("-meeting__start", "-pk")
        .distinct()
        .first()
    )


def _with_delegates(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    return (
        registrations.select_related("state", "organisation")
        .prefetch_related("delegates")
        .order_by("state__name_en", "organisation__code")
    )


def participants_of(meeting: Meeting) -> QuerySet[Registration]:
    """Active delegations with their delegates, for lists, badges and the export."""
    return _with_delegates(meeting.registrations.filter(status__in=Registration.ACTIVE_STATUSES))


def registrations_answered(meeting: Meeting) -> QuerySet[Registration]:
    """Every delegation a state registered and did not withdraw, declined ones included: the
    Secretariat's view of who answered."""
    return _with_delegates(meeting.registrations.exclude(status=Registration.Status.WITHDRAWN))


def waiting_list_of(meeting: Meeting) -> QuerySet[Registration]:
    """Delegations waiting for a seat, in the order seats are given."""
    return (
        meeting.registrations.filter(status=Registration.Status.WAITLISTED)
        .select_related("state", "organisation")
        .order_by("waitlisted_at", "pk")
    )


def official_list_of(meeting: Meeting) -> QuerySet[Registration]:
    """The official list of participants: delegations confirmed by the Secretariat and
    validated by their own state; member states first, then observer states, then bodies."""
    return (
        meeting.registrations.filter(
            status=Registration.Status.CONFIRMED, validated_at__isnull=False
        )
        .select_related("state", "organisation")
        .prefetch_related("delegates")
        .order_by("state__name_en", "organisation__code")
    )


def official_list_lines(meeting: Meeting) -> list[dict]:
    """The official list as it stands now, as plain data (what a publication freezes): each
    delegation's group, code and names in both languages, its delegates in order."""
    lines = []
    for registration in official_list_of(meeting):
        party = registration.state or registration.organisation
        assert party is not None  # a delegation is of a state or a body (a constraint)
        lines.append(
            {
                "group": registration.group,
                "registration": registration.pk,
                "code": registration.participant_code,
                "name_en": party.name_en,
                "name_ru": party.name_ru or party.name_en,
                "delegates": [
                    {
                        "id": delegate.pk,
                        "name": delegate.name,
                        "position": delegate.position,
                        "role": delegate.role,
                    }
                    for delegate in registration.delegates.all()
                ],
            }
        )
    return lines


def official_list_hash(lines: list[dict]) -> str:
    """SHA-256 of the lines in a canonical JSON form: the same list, the same hash."""
    canonical = json.dumps(lines, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def official_list_versions(meeting: Meeting) -> QuerySet[OfficialListVersion]:
    """Every publication of the meeting's official list, the newest first."""
    return meeting.official_lists.select_related("published_by").order_by("-number")


def published_official_list(
    meeting: Meeting, number: int | None = None
) -> OfficialListVersion | None:
    """The latest publication (or the one numbered), None if there is none."""
    versions = official_list_versions(meeting)
    if number is not None:
        return versions.filter(number=number).first()
    return versions.first()


def official_list_groups(meeting: Meeting, lines: list[dict] | None = None) -> list[tuple]:
    """The official list in its three parts, each with a heading, empty parts left out, in the
    active language: the lines given (a publication's), else the list as it stands now.
    Attendance is today's, for the delegates still registered."""
    if lines is None:
        lines = official_list_lines(meeting)
    headings = {
        "member": gettext_lazy("Member states"),
        "observer": gettext_lazy("Observer states"),
        "body": gettext_lazy("International organisations"),
    }
    ids = [delegate["id"] for line in lines for delegate in line["delegates"]]
    present = dict(
        Delegate.objects.filter(
            pk__in=ids, registration__meeting=meeting, checked_in_at__isnull=False
        ).values_list("pk", "checked_in_at")
    )
    russian = (translation.get_language() or "en")[:2] == "ru"
    roles = dict(Delegate.Role.choices)
    parts: dict[str, list[dict]] = {key: [] for key in headings}
    for line in lines:
        delegates = [
            {
                "name": delegate["name"],
                "position": delegate["position"],
                "role": delegate["role"],
                "role_label": str(roles.get(delegate["role"], delegate["role"])),
                "checked_in_at": present.get(delegate["id"]),
            }
            for delegate in line["delegates"]
        ]
        parts.setdefault(line["group"], []).append(
            {
                "code": line["code"],
                "participant_name": line["name_ru"] if russian else line["name_en"],
                "delegates": delegates,
            }
        )
    return [(str(headings[key]), rows) for key, rows in parts.items() if rows and key in headings]


def may_read_official_list(user: User, meeting: Meeting) -> bool:
    """The Secretariat always (to prepare it); once it is published, the member states'
    people, and an observer state's if its delegation takes part."""
    if not (user.is_authenticated and user.is_network_member):
        return False
    if user.is_secretariat:
        return True
    if meeting.participants_published_at is None:
        return False
    if user.state is None:
        return False
    if user.state.is_member:
        return True
    return meeting.registrations.filter(
        state_id=user.state.pk, status__in=Registration.ACTIVE_STATUSES
    ).exists()


def may_publish_participants(user: User) -> bool:
    return user.is_authenticated and user.is_secretariat


def may_validate_delegation(user: User, registration: Registration) -> bool:
    """A state's approver or focal point validates its own line, once it takes a seat."""
    return bool(
        (user.is_approver or user.is_focal_point)
        and registration.state_id is not None
        and user.state_id == registration.state_id
        and registration.status in (Registration.Status.SUBMITTED, Registration.Status.CONFIRMED)
    )


def may_upload_credentials(user: User, registration: Registration) -> bool:
    return is_own_states_focal_point(user, registration) and registration.status not in (
        Registration.Status.WITHDRAWN,
        Registration.Status.DECLINED,
    )


def may_check_in(user: User) -> bool:
    """Only the Secretariat checks delegates in at the door."""
    return user.is_authenticated and user.is_secretariat


def attendance_of_meeting(meeting: Meeting) -> tuple[int, int]:
    """(checked in, confirmed) delegates of the meeting, for the door's counter."""
    from django.db.models import Count

    counts = Delegate.objects.filter(
        registration__meeting=meeting, registration__status=Registration.Status.CONFIRMED
    ).aggregate(total=Count("pk"), present=Count("pk", filter=Q(checked_in_at__isnull=False)))
    return counts["present"], counts["total"]


def attendance_of_year(year: int) -> dict:
    """The annual review's figures: per state (or body), delegates confirmed and checked in at
    the meetings held in the year (counts only, one query)."""
    from django.db.models import Count

    rows = (
        Delegate.objects.filter(
            registration__status=Registration.Status.CONFIRMED,
            registration__meeting__start__year=year,
        )
        .exclude(registration__meeting__status=Meeting.Status.CANCELLED)
        .values(
            "registration__meeting",
            "registration__state__name_en",
            "registration__organisation__code",
        )
        .annotate(confirmed=Count("pk"), present=Count("pk", filter=Q(checked_in_at__isnull=False)))
        .order_by()
    )
    by_who: dict[tuple[int, str], dict] = {}
    meetings: set[int] = set()
    for row in rows:
        state, body = row["registration__state__name_en"], row["registration__organisation__code"]
        key = (1, body) if state is None else (0, state)  # states first, then bodies
        line = by_who.setdefault(
            key, {"who": state or body, "meetings": 0, "confirmed": 0, "present": 0}
        )
        line["meetings"] += 1
        line["confirmed"] += row["confirmed"]
        line["present"] += row["present"]
        meetings.add(row["registration__meeting"])
    lines = [by_who[key] for key in sorted(by_who)]
    return {
        "year": year,
        "meetings": len(meetings),
        "confirmed": sum(line["confirmed"] for line in lines),
        "present": sum(line["present"] for line in lines),
        "lines": lines,
    }


def attendance_rows(figures: dict) -> list[list]:
    """The attendance section of the review's spreadsheet: the headings, then one row each."""
    rows: list[list] = [
        [_("State or body"), _("Meetings"), _("Delegates confirmed"), _("Delegates present")]
    ]
    rows += [[x["who"], x["meetings"], x["confirmed"], x["present"]] for x in figures["lines"]]
    return rows


def invitations_visible_to(user: User) -> QuerySet[Invitation]:
    """Invitations are read by every network member, like the meetings they belong to."""
    if not (user.is_authenticated and user.is_network_member):
        return Invitation.objects.none()
    return Invitation.objects.all()


def invitations_of(meeting: Meeting) -> QuerySet[Invitation]:
    """Every proposal of a body for the meeting, earlier refused ones included (the history)."""
    return meeting.invitations.select_related(
        "meeting", "organisation", "approval", "letter"
    ).order_by("organisation__code", "created_at", "pk")


def get_invitation_for(user: User, pk: int) -> Invitation:
    return get_object_or_404(
        invitations_visible_to(user).select_related("meeting", "organisation", "letter"), pk=pk
    )


def may_send_invitation_letter(user: User, invitation: Invitation) -> bool:
    return user.is_secretariat and invitation.status == Invitation.Status.AGREED


def may_record_invitation_answer(user: User, invitation: Invitation) -> bool:
    return user.is_secretariat and invitation.status == Invitation.Status.SENT


def may_register_body(user: User, invitation: Invitation) -> bool:
    """The Secretariat registers the delegation of a body that accepted, from what its contact
    point sent, while registration is open."""
    return (
        user.is_secretariat
        and invitation.status == Invitation.Status.ACCEPTED
        and why_registration_is_closed(invitation.meeting) is None
    )


def may_propose_again(user: User, invitation: Invitation) -> bool:
    """A body refused by the member states (or that declined) can be proposed once more, with
    a new request, while no newer proposal exists."""
    return bool(
        user.is_secretariat
        and invitation.status in Invitation.ENDED_STATUSES
        and invitation.meeting.is_open
        and not Invitation.objects.filter(previous=invitation).exists()
    )


def training_requests_visible_to(user: User) -> QuerySet[TrainingRequest]:
    """The Secretariat sees all requests; a state's focal point sees its state's."""
    queryset = TrainingRequest.objects.select_related("state", "area", "requested_by", "meeting")
    if not user.is_authenticated:
        return queryset.none()
    if user.is_secretariat:
        return queryset
    if user.is_focal_point:
        return queryset.filter(state_id=user.national_state_id)
    return queryset.none()


def get_training_request_for(user: User, pk: int) -> TrainingRequest:
    return get_object_or_404(training_requests_visible_to(user), pk=pk)


def meetings_in_range(user: User, start: datetime, end: datetime) -> QuerySet[Meeting]:
    """Meetings overlapping [start, end), for the month grid."""
    return meetings_visible_to(user).filter(start__lt=end, end__gt=start)


def feed_user(token: str) -> User | None:
    """The owner of a calendar feed address, or None (an empty token never matches)."""
    if not token or len(token) < 20:
        return None
    user = User.objects.filter(calendar_token=token, is_active=True).select_related("state").first()
    return user if user and user.is_network_member else None


# The feed keeps meetings that ended in the last month (a delegate's calendar still shows the
# week just past) and every meeting still to come, cancelled ones included (as CANCELLED, so a
# calendar that holds them strikes them out instead of keeping a stale copy).
FEED_PAST = timedelta(days=31)
# What the feed reads of a meeting: the event's lines and nothing else (no areas, no series).
FEED_FIELDS = (
    "title", "kind", "start", "end", "time_zone", "venue", "online_link", "status",
    "sequence", "updated_at", "host_state__name_en",
)  # fmt: skip
YEAR_LIMIT = 2000  # a year of meetings on one page; far more than CICA holds


def feed_meetings(user: User) -> QuerySet[Meeting]:
    """What a personal feed carries: every upcoming meeting the user may see, and the last
    month's; no cap (a feed that drops future meetings is wrong, not slow)."""
    since = timezone.now() - FEED_PAST
    return (
        meetings_visible_to(user)
        .prefetch_related(None)
        .select_related(None)
        .select_related("host_state")
        .filter(end__gte=since)
        .only(*FEED_FIELDS)
        .order_by("start", "pk")
    )


def meetings_of_year(user: User, year: int) -> QuerySet[Meeting]:
    """Meetings starting in this year (the portal's time zone), in order."""
    zone = timezone.get_current_timezone()
    start = datetime(year, 1, 1, tzinfo=zone)
    end = datetime(year + 1, 1, 1, tzinfo=zone)
    return meetings_visible_to(user).filter(start__gte=start, start__lt=end).order_by("start")


def upcoming_for(user: User, limit: int = 5) -> list[Meeting]:
    return list(
        meetings_visible_to(user)
        .filter(end__gte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("start")[:limit]
    )


def open_registrations_for(user: User, limit: int = 5) -> list[Meeting]:
    """Meetings the user's state can still register for and has not."""
    if not user.is_focal_point:
        return []
    now = timezone.now()
    registered = Registration.objects.filter(
        meeting_id=OuterRef("pk"), state_id=user.national_state_id
    )
    return list(
        meetings_visible_to(user)
        .filter(status__in=Meeting.OPEN_STATUSES, start__gt=now)
        .filter(Q(registration_deadline__isnull=True) | Q(registration_deadline__gte=now))
        .exclude(Exists(registered))
        .order_by("start")[:limit]
    )


# --- "may I": each rule once; services refuse with it, views hand the answers to templates ----


def why_registration_is_closed(meeting: Meeting, now: datetime | None = None) -> str | None:
    """None while a delegation can be registered or changed; otherwise why not, for people."""
    now = now or timezone.now()
    if not meeting.is_open:
        return _("Registration is closed: the meeting is %(status)s.") % {
            "status": meeting.get_status_display().lower()
        }
    if meeting.registration_deadline and now > meeting.registration_deadline:
        return _("The registration deadline has passed.")
    if now >= meeting.start:
        return _("The meeting has already started.")
    return None


def may_register_delegations(user: User) -> bool:
    """Who registers delegations at all: a state's focal point, for their state."""
    return user.is_focal_point


DECLINED_IS_FINAL = gettext_lazy(
    "The Secretariat declined your state's delegation to this meeting; contact the Secretariat."
)


def may_register(user: User, meeting: Meeting, now: datetime | None = None) -> bool:
    """A focal point registers (or changes) their state's delegation while registration is open,
    unless the Secretariat declined it."""
    if not may_register_delegations(user) or why_registration_is_closed(meeting, now) is not None:
        return False
    return not Registration.objects.filter(
        meeting=meeting, state_id=user.national_state_id, status=Registration.Status.DECLINED
    ).exists()


def delegate_rows(meeting: Meeting, registration: Registration | None) -> int:
    """How many empty delegate rows the registration form offers: up to the meeting's cap (three
    where it has none), less the delegates already named."""
    named = len(registration.delegates.all()) if registration is not None else 0
    cap = meeting.max_delegates_per_state
    if cap:
        return max(cap - named, 0)
    return 1 if named else 3


def is_own_states_focal_point(user: User, registration: Registration) -> bool:
    return user.is_focal_point and user.state_id == registration.state_id


def may_withdraw_registration(user: User, registration: Registration) -> bool:
    """The state's focal point withdraws its delegation (once: a second time changes nothing)."""
    return (
        is_own_states_focal_point(user, registration)
        and registration.status != Registration.Status.WITHDRAWN
    )


def may_confirm_registration(user: User, registration: Registration) -> bool:
    return user.is_secretariat and registration.status == Registration.Status.SUBMITTED


def may_decide_registration(user: User, registration: Registration) -> bool:
    """The Secretariat returns (for changes) or declines a delegation that takes seats."""
    return user.is_secretariat and registration.status in (
        Registration.Status.SUBMITTED,
        Registration.Status.CONFIRMED,
    )


TRAINING_OPEN = (TrainingRequest.Status.SUBMITTED, TrainingRequest.Status.ACCEPTED)


def may_accept_training(user: User, training: TrainingRequest) -> bool:
    return user.is_secretariat and training.status == TrainingRequest.Status.SUBMITTED


def may_decline_training(user: User, training: TrainingRequest) -> bool:
    return user.is_secretariat and training.status in TRAINING_OPEN


def may_schedule_training(user: User, training: TrainingRequest) -> bool:
    return user.is_secretariat and training.status in TRAINING_OPEN


def may_request_training(user: User) -> bool:
    return user.is_focal_point


def may_follow_training_requests(user: User) -> bool:
    """The training seminar requests: the Secretariat's all, a focal point their state's."""
    return user.is_secretariat or user.is_focal_point


def meetings_rights(user: User) -> dict[str, bool]:
    """The answers the meetings navigation and the dashboard cards need."""
    if not user.is_authenticated:
        return dict.fromkeys(
            ("register_delegations", "request_training", "training_requests", "training_needs"),
            False,
        )
    return {
        "register_delegations": may_register_delegations(user),
        "request_training": may_request_training(user),
        "training_requests": may_follow_training_requests(user),
        "training_needs": may_follow_needs(user),
    }


def training_rights(user: User, training: TrainingRequest) -> dict[str, bool]:
    """The answers a training request's page needs."""
    rights = {
        "accept": may_accept_training(user, training),
        "decline": may_decline_training(user, training),
        "schedule": may_schedule_training(user, training),
    }
    rights["decide"] = any(rights.values())
    return rights


# --- Decisions --------------------------------------------------------------------------------


def may_record_decision(user: User, meeting: Meeting, now: datetime | None = None) -> bool:
    """The Secretariat records the decisions of a meeting that has begun and was not
    cancelled."""
    return bool(
        user.is_authenticated
        and user.is_secretariat
        and meeting.status != Meeting.Status.CANCELLED
        and meeting.start <= (now or timezone.now())
    )


# --- Letters ----------------------------------------------------------------------------------


def may_read_letters(user: User) -> bool:
    """The Secretariat reads every letter, a state's focal points their state's."""
    return user.is_authenticated and (user.is_secretariat or user.is_focal_point)


def may_make_letters(user: User) -> bool:
    """Only the Secretariat makes and sends letters."""
    return user.is_authenticated and user.is_secretariat


def letters_visible_to(user: User) -> QuerySet[Letter]:
    """Every letter for the Secretariat; a focal point's own state's; nothing for others."""
    queryset = Letter.objects.select_related("meeting", "state", "organisation", "delegate")
    if not may_read_letters(user):
        return queryset.none()
    if user.is_secretariat:
        return queryset
    return queryset.filter(state_id=user.national_state_id)


def get_letter_for(user: User, pk: int) -> Letter:
    return get_object_or_404(letters_visible_to(user), pk=pk)


def letters_of(user: User, meeting: Meeting) -> QuerySet[Letter]:
    return letters_visible_to(user).filter(meeting=meeting)


# --- Needs assessment for "training of the trainers" -------------------------------------------


@dataclass
class NeedsAddressees:
    """Whom a questionnaire on one area goes to: the directory's entries for that area in each
    member state (their portal accounts, and by email the addresses no account reads, such as
    an office's mailbox), and the member states with no one listed for the area."""

    users: list[User] = field(default_factory=list)
    mailboxes: list[str] = field(default_factory=list)
    reached: list[State] = field(default_factory=list)
    without_focal_point: list[State] = field(default_factory=list)


def _same_address(one: str | None, other: str | None) -> bool:
    return (one or "").strip().lower() == (other or "").strip().lower()


def needs_addressees(area: Area) -> NeedsAddressees:
    """The member states' focal points for the area, as the focal-point directory lists them."""
    listed = focalpoints_selectors.area_contacts(area)
    found = NeedsAddressees()
    for state in State.objects.members().order_by("name_en"):
        entries = listed.get(state.pk, [])
        if not entries:
            found.without_focal_point.append(state)
            continue
        found.reached.append(state)
        for entry in entries:
            user = entry.user
            same_address = False
            if user is not None and user.is_active and user.state_id == state.pk:
                found.users.append(user)
                same_address = _same_address(user.email, entry.email)
            if entry.email and not same_address:
                found.mailboxes.append(entry.email.strip())
    found.mailboxes = list(dict.fromkeys(found.mailboxes))
    return found


def states_without_focal_point_for(questionnaire: NeedsQuestionnaire) -> list[State]:
    """The member states the directory lists no one for in the questionnaire's area, now."""
    return needs_addressees(questionnaire.area).without_focal_point


def may_send_needs_questionnaire(user: User) -> bool:
    return user.is_authenticated and user.is_secretariat


def may_follow_needs(user: User) -> bool:
    """The Secretariat, and the focal points of member states (who answer for their state)."""
    return user.is_authenticated and (
        user.is_secretariat or (user.is_focal_point and user.national_state.is_member)
    )


def may_answer_needs(user: User, questionnaire: NeedsQuestionnaire) -> bool:
    """A member state's focal point, while the questionnaire is open."""
    return (
        user.is_authenticated
        and user.is_focal_point
        and user.national_state.is_member
        and questionnaire.is_open
    )


def questionnaires_visible_to(user: User) -> QuerySet[NeedsQuestionnaire]:
    """The Secretariat's and member states' focal points'; nobody else's."""
    queryset = NeedsQuestionnaire.objects.select_related("area")
    if not user.is_authenticated:
        return queryset.none()
    return queryset if may_follow_needs(user) else queryset.none()


def get_questionnaire_for(user: User, pk: int) -> NeedsQuestionnaire:
    return get_object_or_404(questionnaires_visible_to(user), pk=pk)


def needs_answers_visible_to(user: User) -> QuerySet[NeedsAnswer]:
    """Every answer for the Secretariat; a focal point only their own state's."""
    queryset = NeedsAnswer.objects.select_related("state", "questionnaire").prefetch_related(
        "topics"
    )
    if not user.is_authenticated:
        return queryset.none()
    if user.is_secretariat:
        return queryset
    if user.is_focal_point:
        return queryset.filter(state_id=user.national_state_id)
    return queryset.none()


def get_needs_answer_for(user: User, pk: int) -> NeedsAnswer:
    """An answer if it is the user's state's (or the user is the Secretariat): 404 otherwise."""
    return get_object_or_404(needs_answers_visible_to(user), pk=pk)


def own_needs_answer(user: User, questionnaire: NeedsQuestionnaire) -> NeedsAnswer | None:
    if not (user.is_authenticated and user.is_focal_point):
        return None
    return needs_answers_visible_to(user).filter(questionnaire=questionnaire).first()


def consolidated_needs(questionnaires: QuerySet[NeedsQuestionnaire]) -> list[dict]:
    """Submitted needs per topic: each topic's trainers to train in all, and per state with its
    language, so the Secretariat plans seminars and turns a need into a training request."""
    topics: dict[str, dict] = {}
    rows = (
        NeedsTopic.objects.filter(
            answer__questionnaire__in=questionnaires, answer__status=NeedsAnswer.Status.SUBMITTED
        )
        .select_related("answer__state", "answer__questionnaire__area")
        .order_by("topic", "answer__state__name_en")
    )
    for need in rows:
        entry = topics.setdefault(need.topic, {"topic": need.topic, "trainees": 0, "states": []})
        entry["trainees"] += need.trainees
        entry["states"].append(need)
    return sorted(topics.values(), key=lambda entry: (-entry["trainees"], entry["topic"]))


def needs_figures_for_year(year: int) -> dict:
    """For the annual review: the states that submitted needs to the year's questionnaires, their
    trainers available, and the trainers to train per topic (counts per state, nothing else of
    their answers). One query, so the review page does not grow with the answers."""
    rows = (
        NeedsTopic.objects.filter(
            answer__questionnaire__sent_at__year=year, answer__status=NeedsAnswer.Status.SUBMITTED
        )
        .order_by("topic", "answer__state__code")
        .values_list(
            "topic", "trainees", "answer_id", "answer__state__code", "answer__trainers_available"
        )
    )
    topics: dict[str, dict] = {}
    answers: dict[int, tuple[str, int]] = {}
    for topic, trainees, answer_id, code, available in rows:
        answers[answer_id] = (code, available)
        entry = topics.setdefault(topic, {"topic": topic, "trainees": 0, "states": []})
        entry["trainees"] += trainees
        entry["states"].append((code, trainees))
    return {
        "year": year,
        "states_answered": len({code for code, _available in answers.values()}),
        "trainers_available": sum(available for _code, available in answers.values()),
        "topics": sorted(topics.values(), key=lambda entry: (-entry["trainees"], entry["topic"])),
    }


def needs_rows_for_year(figures: dict) -> list[list]:
    rows: list[list] = [[_("Topic"), _("Trainers to train"), _("States (trainers)")]]
    for entry in figures["topics"]:
        states = ", ".join(f"{code} ({n})" for code, n in entry["states"])
        rows.append([entry["topic"], entry["trainees"], states])
    return rows


# --- Timetable, minutes, the plan items a meeting discussed ------------------------------------


def minutes_visible_to(user: User) -> QuerySet[MinutesAdoption]:
    """Minutes put to adoption: seen by whoever sees the meeting (every network member)."""
    return MinutesAdoption.objects.filter(
        document__meeting__in=meetings_visible_to(user).values("pk")
    ).select_related("document__meeting")


def is_under_adoption(document: MeetingDocument) -> bool:
    """Whether the member states are asked to adopt this document (minutes circulated now)."""
    return document.adoptions.filter(status=MinutesAdoption.Status.CIRCULATED).exists()


def adoptions_of(meeting: Meeting) -> dict[int, MinutesAdoption]:
    """The latest adoption of each minutes document of the meeting, by document id."""
    latest: dict[int, MinutesAdoption] = {}
    for adoption in MinutesAdoption.objects.filter(document__meeting=meeting).select_related(
        "approval"
    ):
        latest.setdefault(adoption.document_id, adoption)  # newest first (Meta.ordering)
    return latest


def may_circulate_minutes(
    user: User, document: MeetingDocument, adoption: MinutesAdoption | None = None
) -> bool:
    return (
        user.is_secretariat
        and document.kind == MeetingDocument.DocKind.MINUTES
        and (
            adoption is None
            or adoption.status
            in (MinutesAdoption.Status.NOT_ADOPTED, MinutesAdoption.Status.WITHDRAWN)
        )
    )


def meetings_discussing(user: User, plan_item_id: int) -> list[Meeting]:
    """The meetings whose agenda took up the plan item, among those the user may see, newest
    first (what a plan item's page lists)."""
    return list(
        meetings_visible_to(user)
        .filter(agenda_items__plan_items=plan_item_id)
        .distinct()
        .order_by("-start")
    )


# --- The document library ----------------------------------------------------------------------


def library_documents(
    user: User, *, text: str = "", kind: str = "", language: str = ""
) -> QuerySet[MeetingDocument]:
    """The meeting documents the user may read, newest meeting first, found by their words in
    English or Russian (PostgreSQL's full-text search in each language, each title's own GIN
    index; elsewhere a plain substring) or by their symbol."""
    documents = (
        documents_readable_by(user)
        .select_related("meeting", "entry")
        .prefetch_related("versions")
        .order_by("-meeting__start", "kind", "title", "pk")
    )
    if kind:
        documents = documents.filter(kind=kind)
    if language:
        documents = documents.filter(versions__language=language).distinct()
    text = text.strip()[:200]
    if not text:
        return documents
    by_symbol = Q(entry__symbol__icontains=text)
    if connection.vendor != "postgresql":
        return documents.filter(
            by_symbol
            | Q(title__icontains=text)
            | Q(entry__title_ru__icontains=text)
            | Q(meeting__title__icontains=text)
        )
    from django.contrib.postgres.search import SearchQuery, SearchVector  # needs psycopg

    # The same expressions as the indexes of migration 0010, so that the planner can use them.
    return documents.annotate(
        words_en=SearchVector("title", config="english"),
        words_ru=SearchVector("entry__title_ru", config="russian"),
    ).filter(
        by_symbol
        | Q(words_en=SearchQuery(text, config="english", search_type="websearch"))
        | Q(words_ru=SearchQuery(text, config="russian", search_type="websearch"))
    )


def versions_of(document: MeetingDocument) -> dict[str, list[DocumentVersion]]:
    """A document's files per language, newest first (the history of each)."""
    versions: dict[str, list[DocumentVersion]] = {}
    for version in document.versions.select_related("uploaded_by"):
        versions.setdefault(version.language, []).append(version)
    return versions


def get_version_for(user: User, pk: int) -> DocumentVersion:
    """A version of a document the user may read; 404 otherwise."""
    return get_object_or_404(
        DocumentVersion.objects.filter(document__in=documents_readable_by(user).values("pk")),
        pk=pk,
    )


# --- What the API reads of a meeting's new parts ------------------------------------------------


def delegations_of(user: User, meeting: Meeting) -> QuerySet[Registration]:
    """The meeting's delegations the user may see (their own state's; the Secretariat every
    one), with their delegates, in the official list's order."""
    return (
        registrations_visible_to(user)
        .filter(meeting=meeting)
        .select_related("organisation")
        .prefetch_related("delegates")
        .order_by("state__name_en", "organisation__code", "pk")
    )


def attendance_lines(meeting: Meeting) -> QuerySet[Delegate]:
    """The confirmed delegates of the meeting with when they came in (the Secretariat's)."""
    return (
        Delegate.objects.filter(
            registration__meeting=meeting, registration__status=Registration.Status.CONFIRMED
        )
        .select_related("registration__state", "registration__organisation")
        .order_by("registration__state__name_en", "registration__organisation__code", "order", "pk")
    )


def sessions_of(meeting: Meeting) -> QuerySet[Session]:
    """The meeting's timetable, each session with its agenda items and their plan items."""
    return (
        Session.objects.filter(meeting=meeting)
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.prefetch_related("plan_items__area").order_by(
                    "position", "pk"
                ),
            )
        )
        .order_by("start", "pk")
    )
