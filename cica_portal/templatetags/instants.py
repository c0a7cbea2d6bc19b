"""An instant as each reader reads it: in their own zone, named, and in UTC beside it."""

from datetime import UTC, datetime
from typing import Any

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def in_zone_of(instant: datetime | None, user: Any) -> str:
    """`3 December 2026 18:00:00 (Europe/Moscow)`: the reader's zone, or the portal's."""
    if instant is None:
        return ""
    zone = getattr(user, "zone", None) or timezone.get_current_timezone()
    local = timezone.localtime(instant, zone)
    return f"{formats.date_format(local, 'j E Y H:i:s')} ({zone})"


@register.filter
def in_utc(instant: datetime | None) -> str:
    """`2026-12-03 15:00:00 UTC`: the stored instant, as every reader can compare it."""
    if instant is None:
        return ""
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
