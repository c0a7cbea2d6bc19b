"""Meetings, their series and their status."""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import date, datetime, time, timedelta

from dateutil.rrule import MONTHLY, rrule
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cica_portal import audit
from cica_portal.models import User
from cica_portal.notifications import notify
from cica_portal.transactions import retry_on_deadlock

from ..models import Meeting, MeetingSeries, Registration, validate_time_zone
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


def _check_zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        validate_time_zone(name)
    except ValidationError as error:
        raise MeetingError(error.messages[0], field="time_zone") from error
    return zoneinfo.ZoneInfo(name)


@retry_on_deadlock
@transaction.atomic
def create_meeting(*, by: User | None, areas=(), agenda=(), **fields) -> Meeting:
    """Create one meeting (the admin does the same through its form)."""
    _check_zone(fields.get("time_zone", "Asia/Almaty"))
    if fields["end"] <= fields["start"]:
        raise MeetingError(_("A meeting must end after it starts."), field="end")
    meeting = Meeting.objects.create(**fields)
    meeting.areas.set(areas)
    for position, (title, plan_items) in enumerate(agenda, start=1):
        item = meeting.agenda_items.create(position=position, title=title)
        item.plan_items.set(plan_items)
    audit.log(meeting, "meetings.meeting.created", actor=by, data={"kind": meeting.kind})
    return meeting


@retry_on_deadlock
@transaction.atomic
def create_series(*, by: User | None, areas=(), **fields) -> MeetingSeries:
    """Create a recurring series; its occurrences are proposed, then generated on request."""
    _check_zone(fields.get("time_zone", "Asia/Almaty"))
    series = MeetingSeries.objects.create(**fields)
    series.areas.set(areas)
    audit.log(series, "meetings.series.created", actor=by, data={"title": series.title})
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


@retry_on_deadlock
@transaction.atomic
def change_status(meeting: Meeting, status: str, *, by: User | None, note: str = "") -> Meeting:
    """Move a meeting to a new status; registered states hear about cancellation or delay."""
    meeting = Meeting.objects.select_for_update(of=("self",), no_key=True).get(pk=meeting.pk)
    if status == meeting.status:
        return meeting
    if status not in TRANSITIONS.get(meeting.status, set()):
        raise MeetingError(
            _("A meeting that is %(from)s cannot become %(to)s.")
            % {"from": meeting.get_status_display().lower(), "to": Status(status).label.lower()},
            field="status",
            code="conflict",
        )
    previous = meeting.status
    meeting.status = status
    meeting.save(update_fields=["status", "updated_at"])
    audit.log(meeting, "meetings.meeting.status", actor=by, data={"from": previous, "to": status})
    if status in TOLD_PARTICIPANTS:
        _tell_registered_states(meeting, note=note)
    return meeting


def registered_focal_points(meeting: Meeting):
    state_ids = (
        Registration.objects.filter(meeting=meeting)
        .exclude(status=Registration.Status.WITHDRAWN)
        .values("state_id")
    )
    return User.objects.filter(role=User.Role.FOCAL_POINT, state_id__in=state_ids, is_active=True)


def _tell_registered_states(meeting: Meeting, *, note: str) -> None:
    when = timezone.now()

    def body() -> str:
        text = _("%(title)s is now %(status)s.") % {
            "title": meeting.title,
            "status": meeting.get_status_display().lower(),
        }
        if meeting.status == Status.POSTPONED:
            text += " " + _("New dates will be announced; your delegation's registration is kept.")
        elif meeting.status == Status.CANCELLED:
            text += " " + _("No further action is needed from your delegation.")
        else:
            text += " " + _("Please make your delegation's travel arrangements.")
        return f"{text}\n\n{note}" if note else text

    notify(
        registered_focal_points(meeting),
        key=f"meetings:{meeting.pk}:status:{meeting.status}:{int(when.timestamp())}",
        subject=lambda: (
            _("%(title)s: %(status)s")
            % {"title": meeting.title, "status": meeting.get_status_display()}
        ),
        body=body,
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
