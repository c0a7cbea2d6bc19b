"""Reminders run by Celery beat: once per person per occasion (the notification key), with a
fixed number of queries per meeting whatever the number of states or people."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cica_portal.dates import local_lazy
from cica_portal.models import State, User
from cica_portal.notifications import Notice, notify, secretariat_users

from ..models import Meeting, Registration

DEADLINE_WARNING = timedelta(days=7)
MEETING_WARNING = timedelta(days=3)
MISSING_LOOKBACK = timedelta(days=14)
BATCH = 200


def _open_meetings() -> QuerySet[Meeting]:
    return Meeting.objects.filter(status__in=Meeting.OPEN_STATUSES).order_by("start")


def _registered_states(meeting_ids: list[int], *, attending: bool = False) -> dict[int, set[int]]:
    """States that answered each meeting (a declined delegation answered too); with
    `attending`, only the delegations that take seats."""
    registered: dict[int, set[int]] = defaultdict(set)
    rows = Registration.objects.filter(meeting_id__in=meeting_ids)
    if attending:
        rows = rows.filter(status__in=Registration.ACTIVE_STATUSES)
    else:
        rows = rows.exclude(status=Registration.Status.WITHDRAWN)
    for meeting_id, state_id in rows.values_list("meeting_id", "state_id"):
        registered[meeting_id].add(state_id)
    return registered


def _focal_points_by_state(state_ids: Iterable[int]) -> dict[int, list[User]]:
    people: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        role=User.Role.FOCAL_POINT, state_id__in=state_ids, is_active=True
    ):
        people[user.national_state_id].append(user)
    return people


def remind_registration_deadlines(now: datetime | None = None) -> int:
    """Focal points of member states not yet registered, a week before the deadline."""
    now = now or timezone.now()
    meetings = list(
        _open_meetings().filter(
            registration_deadline__gt=now, registration_deadline__lte=now + DEADLINE_WARNING
        )[:BATCH]
    )
    if not meetings:
        return 0
    registered = _registered_states([m.pk for m in meetings])
    members = set(State.objects.members().values_list("pk", flat=True))
    people = _focal_points_by_state(members)
    sent = 0
    for meeting in meetings:
        missing = members - registered[meeting.pk]
        recipients = [user for sid in sorted(missing) for user in people.get(sid, [])]
        deadline = timezone.localtime(meeting.registration_deadline, meeting.zone)
        sent += len(
            notify(
                recipients,
                key=f"meetings:{meeting.pk}:registration-deadline",
                notice=Notice(
                    gettext_lazy("Registration closes soon: %(title)s"),
                    gettext_lazy(
                        "Your state has not registered a delegation for %(title)s. Registration "
                        "closes on %(deadline)s (%(zone)s). Register your delegates on the "
                        "meeting's page, or ignore this if your state will not attend."
                    ),
                    {
                        "title": meeting.title,
                        "deadline": local_lazy(deadline, meeting.zone),
                        "zone": meeting.time_zone,
                    },
                ),
                url=meeting.get_absolute_url(),
            )
        )
    return sent


def remind_upcoming_meetings(now: datetime | None = None) -> int:
    """Focal points of registered states, three days before the meeting starts."""
    now = now or timezone.now()
    meetings = list(
        _open_meetings().filter(start__gt=now, start__lte=now + MEETING_WARNING)[:BATCH]
    )
    if not meetings:
        return 0
    registered = _registered_states([m.pk for m in meetings], attending=True)
    people = _focal_points_by_state({sid for ids in registered.values() for sid in ids})
    sent = 0
    for meeting in meetings:
        recipients = [u for sid in sorted(registered[meeting.pk]) for u in people.get(sid, [])]
        start = meeting.local_start
        sent += len(
            notify(
                recipients,
                key=f"meetings:{meeting.pk}:upcoming",
                notice=Notice(
                    gettext_lazy("Coming up: %(title)s"),
                    gettext_lazy(
                        "%(title)s starts on %(start)s (%(zone)s)%(venue)s. Your state's "
                        "delegation is registered; check the agenda and documents on the "
                        "meeting's page."
                    ),
                    {
                        "title": meeting.title,
                        "start": f"{start:%Y-%m-%d %H:%M}",
                        "zone": meeting.time_zone,
                        "venue": f", {meeting.venue}" if meeting.venue else "",
                    },
                ),
                url=meeting.get_absolute_url(),
            )
        )
    return sent


def report_missing_registrations(now: datetime | None = None) -> int:
    """Tell the Secretariat, once per meeting, which member states did not register in time."""
    now = now or timezone.now()
    meetings = list(
        _open_meetings().filter(
            registration_deadline__lte=now,
            registration_deadline__gt=now - MISSING_LOOKBACK,
        )[:BATCH]
    )
    if not meetings:
        return 0
    registered = _registered_states([m.pk for m in meetings])
    members = {s.pk: s for s in State.objects.members()}
    staff = list(secretariat_users())
    sent = 0
    for meeting in meetings:
        missing = [members[sid] for sid in members if sid not in registered[meeting.pk]]
        if not missing:
            continue
        names = ", ".join(sorted(state.name_en for state in missing))
        sent += len(
            notify(
                staff,
                key=f"meetings:{meeting.pk}:missing-registrations",
                notice=Notice(
                    gettext_lazy("%(n)d states did not register: %(title)s"),
                    gettext_lazy(
                        "Registration for %(title)s has closed. These member states did not "
                        "register a delegation: %(names)s. Contact their focal points if their "
                        "attendance is expected."
                    ),
                    {"n": len(missing), "title": meeting.title, "names": names},
                ),
                url=meeting.get_absolute_url(),
            )
        )
    return sent


UNCONFIRMED_AFTER = timedelta(days=2)


def remind_unconfirmed_registrations(now: datetime | None = None) -> int:
    """Tell the Secretariat, once a day per meeting, of delegations waiting for its confirmation
    for more than two days, while the meeting is still ahead."""
    now = now or timezone.now()
    waiting: dict[int, list[str]] = defaultdict(list)
    rows = (
        Registration.objects.filter(
            status=Registration.Status.SUBMITTED,
            updated_at__lte=now - UNCONFIRMED_AFTER,
            meeting__status__in=Meeting.OPEN_STATUSES,
            meeting__start__gt=now,
        )
        .order_by("meeting_id", "state__name_en")
        .values_list("meeting_id", "state__name_en")
    )
    for meeting_id, state_name in rows[: BATCH * 50]:
        waiting[meeting_id].append(state_name)
    if not waiting:
        return 0
    staff = list(secretariat_users())
    sent = 0
    for meeting in Meeting.objects.filter(pk__in=waiting).order_by("start"):
        states = waiting[meeting.pk]
        sent += len(
            notify(
                staff,
                key=f"meetings:{meeting.pk}:unconfirmed:{now.date().isoformat()}",
                notice=Notice(
                    gettext_lazy("%(n)d delegations wait for confirmation: %(title)s"),
                    gettext_lazy(
                        "These delegations to %(title)s were registered more than two days ago "
                        "and are not yet confirmed: %(names)s. Confirm, return or decline each "
                        "on the meeting's page."
                    ),
                    {"n": len(states), "title": meeting.title, "names": ", ".join(states)},
                ),
                url=meeting.get_absolute_url(),
            )
        )
    return sent
