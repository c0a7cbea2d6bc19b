"""Deadlines counted in a state's working time: N working hours or N working days from an instant.

A state's `WorkingTime` (set by the Secretariat) says its zone, its working weekdays and the
hours of its working day. Without one, time is calendar time: 8 hours are 8 hours, 7 days are
7 days. The periods per urgency come from the setting INFORMATION_REQUEST_DEADLINES
("8h", "7d", ...).
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from .models import WorkingTime

PERIOD = re.compile(r"^\s*(\d+)\s*([hd])\s*$")
MAX_DAYS_SEARCHED = 366  # a schedule with no working day at all is refused long before this


@dataclass(frozen=True)
class Period:
    amount: int
    unit: str  # "h" (hours) or "d" (days)

    @classmethod
    def parse(cls, text: str) -> Period:
        match = PERIOD.match(str(text))
        if not match or int(match.group(1)) <= 0:
            raise ImproperlyConfigured(
                f"A deadline is a number of hours or days, such as 8h or 7d, not {text!r}."
            )
        return cls(int(match.group(1)), match.group(2))

    @property
    def as_text(self) -> str:
        return f"{self.amount}{self.unit}"


def period_for(urgency: str) -> Period:
    """The period the setting gives this urgency."""
    try:
        return Period.parse(settings.INFORMATION_REQUEST_DEADLINES[urgency])
    except KeyError:
        raise ImproperlyConfigured(
            f"INFORMATION_REQUEST_DEADLINES has no deadline for {urgency!r}."
        ) from None


@dataclass(frozen=True)
class Schedule:
    """A state's working week: its zone, ISO weekdays (1 = Monday) and daily hours."""

    zone: zoneinfo.ZoneInfo
    weekdays: frozenset[int]
    starts: time
    ends: time

    def __post_init__(self) -> None:
        if not self.weekdays or self.ends <= self.starts:
            raise ImproperlyConfigured(
                "A working week needs a working day that ends after it starts."
            )

    def is_working_day(self, day: date) -> bool:
        return day.isoweekday() in self.weekdays

    def opening(self, day: date) -> datetime:
        return datetime.combine(day, self.starts, tzinfo=self.zone)

    def closing(self, day: date) -> datetime:
        return datetime.combine(day, self.ends, tzinfo=self.zone)

    def next_working_moment(self, moment: datetime) -> datetime:
        """The moment itself if it falls in working hours, else the next opening."""
        local = moment.astimezone(self.zone)
        day = local.date()
        for _ in range(MAX_DAYS_SEARCHED):
            if self.is_working_day(day):
                if local < self.opening(day):
                    return self.opening(day)
                if local < self.closing(day):
                    return local
            day += timedelta(days=1)
            local = self.opening(day)
        raise ImproperlyConfigured("No working day in a year.")  # pragma: no cover

    def add_hours(self, start: datetime, hours: int) -> datetime:
        """The instant `hours` working hours after `start`."""
        remaining = timedelta(hours=hours)
        moment = self.next_working_moment(start)
        while True:
            left_today = self.closing(moment.date()) - moment
            if remaining <= left_today:
                return moment + remaining
            remaining -= left_today
            moment = self.next_working_moment(self.closing(moment.date()) + timedelta(seconds=1))
            moment = self.opening(moment.date())

    def add_days(self, start: datetime, days: int) -> datetime:
        """The same working moment `days` working days later (a start outside working hours
        counts from the next opening)."""
        moment = self.next_working_moment(start)
        day = moment.date()
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return datetime.combine(day, moment.timetz().replace(tzinfo=None), tzinfo=self.zone)


def schedule_of(working_time: WorkingTime | None) -> Schedule | None:
    """The schedule of a WorkingTime row (or None: calendar time)."""
    if working_time is None:
        return None
    return Schedule(
        zone=zoneinfo.ZoneInfo(working_time.time_zone),
        weekdays=frozenset(working_time.weekdays),
        starts=working_time.day_starts,
        ends=working_time.day_ends,
    )


def add(start: datetime, period: Period, schedule: Schedule | None) -> datetime:
    """`start` plus the period, in the schedule's working time (calendar time without one)."""
    if schedule is None:
        delta = (
            timedelta(hours=period.amount) if period.unit == "h" else timedelta(days=period.amount)
        )
        return start + delta
    if period.unit == "h":
        return schedule.add_hours(start, period.amount)
    return schedule.add_days(start, period.amount)
