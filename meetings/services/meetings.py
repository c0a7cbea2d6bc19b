"""Meetings, their series and their status."""

from __future__ import annotations

import secrets
import zoneinfo
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.rrule import MONTHLY, rrule
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import audit
from cica_portal.models import Area, User
from cica_portal.notifications import (
    Notice,
    StrOrPromise,
    lowercase,
    notify,
    phrase,
)
from cica_portal.transactions import retry_on_deadlock

from ..models import (
    ENDS_AFTER_START,
    AgendaItem,
    Meeting,
    MeetingSeries,
    Registration,
    validate_time_zone,
)
from .errors import MeetingError

Status = Meeting.Status

# Which status may follow which: anything else is refused.
TRANSITIONS: dict[str, set[str]] = {
    Status.PLANNED: {Status.CONFIRMED, Status.CANCELLED, Status.POSTPONED, Status.HELD},
    Status.CONFIRMED: {Status.CANCELLED, Status.POSTPONED, Status.HELD},
    Status.POSTPONED: {Status.PLANNED, Status.CONFIRMED, Status.CANCELLED},
    Status.HELD: {Status.REPORT_PUBLISHED},
    Status.REPORT_PUBLISHED: set(),
    Status.CANCELLED: set(),
}
TOLD_PARTICIPANTS = {Status.CANCELLED, Status.POSTPONED, Status.CONFIRMED}
# What the Secretariat edits about a meeting (its status moves through `change_status`).
MEETING_FIELDS = (
    "title",
    "kind",
    "start",
    "end",
    "time_zone",
    "host_state",
    "venue",
    "online_link",
    "format",
    "languages",
    "outcome",
    "registration_deadline",
    "max_delegates_per_state",
    "max_delegations",
    "series",
)
# A change to any of these is a new version of the event for calendars (SEQUENCE + 1) and a
# message, with the new .ics, to the states registered for it.
PLACE_AND_DATE = ("start", "end", "time_zone", "venue", "host_state", "online_link", "format")
SERIES_FIELDS = (
    "title",
    "kind",
    "first_date",
    "start_time",
    "duration_days",
    "interval_months",
    "occurrences",
    "time_zone",
    "format",
)


def _check_zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        validate_time_zone(name)
    except ValidationError as error:
        raise MeetingError(error.messages[0], field="time_zone") from error
    return zoneinfo.ZoneInfo(name)


def _check_calendar_keeper(by: User | None) -> None:
    """The Secretariat runs the calendar (None: the portal itself, e.g. the demo data)."""
    if by is not None and not by.is_secretariat:
        raise MeetingError(_("Only the Secretariat runs the meeting calendar."), code="forbidden")


def _shown(value: object) -> str | int | None:
    """A field's value as the audit log records it."""
    if value is None or isinstance(value, int | str):
        return value
    return getattr(value, "pk", None) or str(value)


def _changes(obj: models.Model, fields: dict[str, Any]) -> dict[str, Any]:
    return {
        key: {"before": _shown(getattr(obj, key)), "after": _shown(value)}
        for key, value in fields.items()
        if getattr(obj, key) != value
    }


@retry_on_deadlock
@transaction.atomic
def create_meeting(
    *,
    by: User | None,
    areas: Iterable[Area] = (),
    agenda: Iterable[tuple[str, Iterable[Any]]] = (),
    **fields: Any,
) -> Meeting:
    """Create one meeting (the admin does the same through its form)."""
    _check_calendar_keeper(by)
    _check_zone(fields.get("time_zone", "Asia/Almaty"))
    if not Meeting.ends_after_start(fields["start"], fields["end"]):
        raise MeetingError(str(ENDS_AFTER_START), field="end")
    meeting = Meeting.objects.create(**fields)
    meeting.areas.set(areas)
    for position, (title, plan_items) in enumerate(agenda, start=1):
        item = meeting.agenda_items.create(position=position, title=title)
        item.plan_items.set(plan_items)
    audit.log(meeting, "meetings.meeting.created", actor=by, data={"kind": meeting.kind})
    return meeting


def _apply_changes(
    obj: Meeting | MeetingSeries,
    fields: dict[str, Any],
    areas: Iterable[Area] | None,
    *,
    by: User | None,
    action: str,
    also_save: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Save what changed of `fields` (and the areas, when given) and audit it as `action`."""
    changes = _changes(obj, fields)
    for key in changes:
        setattr(obj, key, fields[key])
    if changes:
        obj.save(update_fields=[*changes, *also_save])
    if areas is not None:
        before = sorted(obj.areas.values_list("pk", flat=True))
        after = sorted(area.pk for area in areas)
        if before != after:
            obj.areas.set(areas)
            changes["areas"] = {"before": before, "after": after}
    if changes:
        audit.log(obj, action, actor=by, data=changes)
    return changes


@retry_on_deadlock
@transaction.atomic
def update_meeting(
    meeting: Meeting, *, by: User, areas: Iterable[Area] | None = None, **fields: Any
) -> Meeting:
    """Change a meeting's details (not its status: `change_status` tells the participants)."""
    _check_calendar_keeper(by)
    meeting = Meeting.objects.select_for_update(of=("self",), no_key=True).get(pk=meeting.pk)
    fields = {key: value for key, value in fields.items() if key in MEETING_FIELDS}
    _check_zone(fields.get("time_zone", meeting.time_zone))
    if not Meeting.ends_after_start(
        fields.get("start", meeting.start), fields.get("end", meeting.end)
    ):
        raise MeetingError(str(ENDS_AFTER_START), field="end")
    moved = {key for key in PLACE_AND_DATE if key in fields} & set(_changes(meeting, fields))
    if moved:
        meeting.sequence += 1
    _apply_changes(
        meeting,
        fields,
        areas,
        by=by,
        action="meetings.meeting.changed",
        also_save=("updated_at", "sequence") if moved else ("updated_at",),
    )
    if moved:
        _tell_registered_states_of_move(meeting)
    if "max_delegations" in fields:
        from .registrations import promote_waiting_list  # more seats: the waiting list moves up

        promote_waiting_list(meeting, by=by)
    return meeting


@retry_on_deadlock
@transaction.atomic
def save_agenda(meeting: Meeting, *, by: User, items: list[dict]) -> None:
    """Make the meeting's agenda these items: each a dict of position, title, description,
    plan_items, and the pk of an existing item to change (and, if given, title_ru,
    description_ru and the statuses); existing items not named go."""
    _check_calendar_keeper(by)
    meeting = Meeting.objects.select_for_update(of=("self",), no_key=True).get(pk=meeting.pk)
    existing = {item.pk: item for item in meeting.agenda_items.all()}
    kept = {item["pk"] for item in items if item.get("pk") in existing}
    removed = sorted(set(existing) - kept)
    if removed:
        meeting.agenda_items.filter(pk__in=removed).delete()
    for data in items:
        pk = data.get("pk")
        agenda_item = (existing.get(pk) if pk is not None else None) or AgendaItem(meeting=meeting)
        agenda_item.position = data.get("position") or 1
        agenda_item.title = data["title"]
        agenda_item.description = data.get("description", "")
        for name in ("title_ru", "description_ru", "en_status", "ru_status"):
            if data.get(name) is not None and (data[name] or name.endswith("_ru")):
                setattr(agenda_item, name, data[name])
        agenda_item.save()
        agenda_item.plan_items.set(data.get("plan_items", []))
    audit.log(
        meeting,
        "meetings.agenda.changed",
        actor=by,
        data={"items": [item["title"] for item in items], "removed": removed},
    )


@retry_on_deadlock
@transaction.atomic
def create_series(*, by: User | None, areas: Iterable[Area] = (), **fields: Any) -> MeetingSeries:
    """Create a recurring series; its occurrences are proposed, then generated on request."""
    _check_calendar_keeper(by)
    _check_zone(fields.get("time_zone", "Asia/Almaty"))
    series = MeetingSeries.objects.create(**fields)
    series.areas.set(areas)
    audit.log(series, "meetings.series.created", actor=by, data={"title": series.title})
    return series


@retry_on_deadlock
@transaction.atomic
def update_series(
    series: MeetingSeries, *, by: User, areas: Iterable[Area] | None = None, **fields: Any
) -> MeetingSeries:
    """Change a series; the meetings already made from it keep their own details."""
    _check_calendar_keeper(by)
    series = MeetingSeries.objects.select_for_update(of=("self",), no_key=True).get(pk=series.pk)
    fields = {key: value for key, value in fields.items() if key in SERIES_FIELDS}
    _check_zone(fields.get("time_zone", series.time_zone))
    _apply_changes(series, fields, areas, by=by, action="meetings.series.changed")
    return series


def propose_occurrences(series: MeetingSeries) -> list[tuple[datetime, datetime]]:
    """The (start, end) of every occurrence, as aware datetimes in the series' time zone."""
    zone = _check_zone(series.time_zone)
    start_time = series.start_time
    if isinstance(start_time, str):
        start_time = time.fromisoformat(start_time)
    first = datetime.combine(series.first_date, start_time)
    # rrule skips months without the day (e.g. the 31st); that is the usual calendar rule.
    starts = rrule(
        MONTHLY, interval=series.interval_months, count=series.occurrences, dtstart=first
    )
    proposed = []
    for naive in starts:
        start = naive.replace(tzinfo=zone)
        end = (naive + timedelta(days=series.duration_days - 1)).replace(
            hour=17, minute=0, tzinfo=zone
        )
        if end <= start:
            end = start + timedelta(hours=8)
        proposed.append((start, end))
    return proposed


@retry_on_deadlock
@transaction.atomic
def generate_occurrences(
    series: MeetingSeries, *, by: User | None, only: set[date] | None = None
) -> list[Meeting]:
    """Create a meeting for each proposed date not yet created; safe to run twice."""
    series = MeetingSeries.objects.select_for_update(of=("self",), no_key=True).get(pk=series.pk)
    existing = set(series.meetings.values_list("start", flat=True))
    areas = list(series.areas.all())
    created = []
    for start, end in propose_occurrences(series):
        if start in existing or (only is not None and start.date() not in only):
            continue
        meeting = Meeting.objects.create(
            title=f"{series.title} ({start:%B %Y})",
            kind=series.kind,
            start=start,
            end=end,
            time_zone=series.time_zone,
            format=series.format,
            series=series,
        )
        meeting.areas.set(areas)
        created.append(meeting)
    if created:
        audit.log(
            series,
            "meetings.series.generated",
            actor=by,
            data={"meetings": [m.pk for m in created]},
        )
    return created


def _check_transition(meeting: Meeting, status: str) -> None:
    if status not in TRANSITIONS.get(meeting.status, set()):
        raise MeetingError(
            _("A meeting that is %(from)s cannot become %(to)s.")
            % {"from": meeting.get_status_display().lower(), "to": Status(status).label.lower()},
            field="status",
            code="conflict",
        )


def _moved_to(meeting: Meeting, new_start: date, new_end: date) -> tuple[datetime, datetime]:
    """The new start and end at the same local times of day, in the venue's zone, on the new
    dates; refused unless they are ahead, in order, and make a meeting that ends after it starts."""
    zone = _check_zone(meeting.time_zone)
    if new_end < new_start:
        raise MeetingError(
            _("The new end date cannot be before the new start date."), field="new_end"
        )
    if new_start <= timezone.now().astimezone(zone).date():
        raise MeetingError(_("The new start date must be in the future."), field="new_start")
    start = datetime.combine(new_start, meeting.local_start.time(), tzinfo=zone)
    end = datetime.combine(new_end, meeting.local_end.time(), tzinfo=zone)
    if not Meeting.ends_after_start(start, end):
        raise MeetingError(str(ENDS_AFTER_START), field="new_end")
    return start, end


@retry_on_deadlock
@transaction.atomic
def postpone_meeting(
    meeting: Meeting, *, by: User, reason: str, new_start: date, new_end: date
) -> Meeting:
    """Postpone a meeting to new dates, with a reason: the registered delegations read both."""
    _check_calendar_keeper(by)
    if not reason.strip():
        raise MeetingError(_("Give the reason the delegations will read."), field="reason")
    meeting = Meeting.objects.select_for_update(of=("self",), no_key=True).get(pk=meeting.pk)
    _check_transition(meeting, Status.POSTPONED)
    start, end = _moved_to(meeting, new_start, new_end)
    before = {
        "from": meeting.status,
        "start": meeting.start.isoformat(),
        "end": meeting.end.isoformat(),
    }
    meeting.status, meeting.start, meeting.end = Status.POSTPONED, start, end
    meeting.sequence += 1  # calendars replace their copy with the new dates
    meeting.save(update_fields=["status", "start", "end", "sequence", "updated_at"])
    audit.log(
        meeting,
        "meetings.meeting.status",
        actor=by,
        data={
            **before,
            "to": Status.POSTPONED,
            "new_start": start.isoformat(),
            "new_end": end.isoformat(),
        },
    )
    _tell_registered_states(meeting, note=reason.strip())
    return meeting


@retry_on_deadlock
@transaction.atomic
def delete_meeting(meeting: Meeting, *, by: User) -> None:
    """Delete a meeting made by mistake; one with delegations or letters is only cancelled."""
    _check_calendar_keeper(by)
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    if not may_be_deleted(meeting):
        raise MeetingError(
            _(
                "%(title)s has registered delegations or letters: it cannot be deleted, "
                "only cancelled."
            )
            % {"title": meeting.title},
            code="conflict",
        )
    audit.log(meeting, "meetings.meeting.deleted", actor=by, data={"title": meeting.title})
    meeting.delete()


def may_be_deleted(meeting: Meeting) -> bool:
    """A meeting nobody registered for and nobody was written to about (any status, withdrawn
    too: the history stays)."""
    return not (meeting.registrations.exists() or meeting.letters.exists())


@retry_on_deadlock
@transaction.atomic
def change_status(meeting: Meeting, status: str, *, by: User | None, note: str = "") -> Meeting:
    """Move a meeting to a new status; registered states hear about cancellation or delay."""
    meeting = Meeting.objects.select_for_update(of=("self",), no_key=True).get(pk=meeting.pk)
    if status == meeting.status:
        return meeting
    if status == Status.POSTPONED:  # a delay always names its new dates
        raise MeetingError(
            _("Postpone a meeting with its new dates (the Postpone action)."), field="status"
        )
    _check_transition(meeting, status)
    previous = meeting.status
    meeting.status = status
    fields = ["status", "updated_at"]
    if status == Status.CANCELLED:
        meeting.sequence += 1  # calendars replace their copy (RFC 5546 CANCEL)
        fields.append("sequence")
    meeting.save(update_fields=fields)
    audit.log(meeting, "meetings.meeting.status", actor=by, data={"from": previous, "to": status})
    if status in TOLD_PARTICIPANTS:
        _tell_registered_states(meeting, note=note)
    return meeting


def registered_focal_points(meeting: Meeting) -> QuerySet[User]:
    state_ids = Registration.objects.filter(
        meeting=meeting, status__in=Registration.ACTIVE_STATUSES
    ).values("state_id")
    return User.objects.filter(role=User.Role.FOCAL_POINT, state_id__in=state_ids, is_active=True)


def _tell_registered_states(meeting: Meeting, *, note: str) -> None:
    when = timezone.now()
    next_step: StrOrPromise
    if meeting.status == Status.POSTPONED:
        next_step = phrase(
            gettext_lazy(
                "It now takes place from %(start)s to %(end)s (%(zone)s); your delegation's "
                "registration is kept."
            ),
            {
                "start": f"{meeting.local_start:%Y-%m-%d %H:%M}",
                "end": f"{meeting.local_end:%Y-%m-%d %H:%M}",
                "zone": meeting.time_zone,
            },
        )
    elif meeting.status == Status.CANCELLED:
        next_step = gettext_lazy("No further action is needed from your delegation.")
    else:
        next_step = gettext_lazy("Please make your delegation's travel arrangements.")
    # The first sentence wants the status in lower case, the subject as it is shown.
    label = Status(meeting.status).label
    now = phrase(
        gettext_lazy("%(title)s is now %(status)s."),
        {"title": meeting.title, "status": lowercase(label)},
    )
    body = format_lazy("%(now)s {}", next_step)
    notify(
        registered_focal_points(meeting),
        key=f"meetings:{meeting.pk}:status:{meeting.status}:{int(when.timestamp())}",
        notice=Notice(
            gettext_lazy("%(title)s: %(status)s"),
            format_lazy("{}\n\n%(note)s", body) if note else body,
            {"title": meeting.title, "status": label, "now": now, "note": note},
        ),
        url=meeting.get_absolute_url(),
    )


def _tell_registered_states_of_move(meeting: Meeting) -> None:
    """The states registered for the meeting hear of its new date or place (with the .ics)."""
    start = meeting.local_start
    host = meeting.host_state.in_their_language("name") if meeting.host_state else ""
    where = (
        format_lazy("{}, {}", meeting.venue, host)
        if meeting.venue and host
        else meeting.venue or host
    )
    parts: list[StrOrPromise] = [gettext_lazy("%(title)s now starts on %(start)s (%(zone)s).")]
    if where:
        parts.append(gettext_lazy("Place: %(where)s."))
    if meeting.online_link:
        parts.append(gettext_lazy("Online: %(link)s"))
    body = format_lazy(
        "{}\n\n{}",
        format_lazy(" ".join("{}" for _part in parts), *parts),
        gettext_lazy("The attached calendar entry replaces the one you have."),
    )
    notify(
        registered_focal_points(meeting),
        key=f"meetings:{meeting.pk}:changed:{meeting.sequence}",
        notice=Notice(
            gettext_lazy("%(title)s: new date or place"),
            body,
            {
                "title": meeting.title,
                "start": f"{start:%Y-%m-%d %H:%M}",
                "zone": meeting.time_zone,
                "where": where,
                "link": meeting.online_link,
            },
        ),
        url=meeting.get_absolute_url(),
    )


@retry_on_deadlock
@transaction.atomic
def reset_calendar_token(user: User) -> str:
    """A new secret address for the personal calendar feed; the old one stops working."""
    token = secrets.token_urlsafe(32)
    User.objects.filter(pk=user.pk).update(calendar_token=token)
    user.calendar_token = token
    audit.log(user, "meetings.calendar_feed.reset", actor=user)
    return token
