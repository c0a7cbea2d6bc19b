"""Dates and times as people read them: one format per language, in a named time zone.

Pages use the `when` filter (`{% load portal_dates %}`); notices pass `when_lazy(moment)`, which
is rendered in each recipient's language when the notice is. The zone is the portal's
(`TIME_ZONE`, the Secretariat's): people have no zone of their own, so it is always named.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise, lazy


def zone_name(moment: datetime, zone: tzinfo | None = None) -> str:
    """'Asia/Almaty, UTC+05:00': the zone's name and its offset at that moment."""
    zone = zone or timezone.get_current_timezone()
    local = timezone.localtime(moment, zone)
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    label = f"UTC{sign}{hours:02d}:{rest:02d}"
    key = getattr(zone, "key", None) or str(zone)
    return label if key in ("UTC", "Etc/UTC") else f"{key}, {label}"


def when(moment: datetime | None, zone: tzinfo | None = None) -> str:
    """The moment in the active language's one date-and-time format, with the zone named."""
    if moment is None:
        return ""
    zone = zone or timezone.get_current_timezone()
    local = timezone.localtime(moment, zone)
    return f"{date_format(local, 'DATETIME_FORMAT')} ({zone_name(moment, zone)})"


def when_lazy(moment: datetime | None, zone: tzinfo | None = None) -> Promise:
    """`when` as a lazy text: a notice renders it in each recipient's language."""
    return lazy(when, str)(moment, zone)  # type: ignore[return-value]  # lazy() is a Promise


def _local_text(moment: datetime, zone: tzinfo | None) -> str:
    return date_format(timezone.localtime(moment, zone), "DATETIME_FORMAT")


def _date_text(day: date | datetime | None) -> str:
    return date_format(day, "DATE_FORMAT") if day is not None else ""


# A notice's values rendered in each recipient's language: a moment in a zone the text names
# itself ("closes on %(deadline)s (%(zone)s)"), and a calendar date.
local_lazy = lazy(_local_text, str)
date_lazy = lazy(_date_text, str)
