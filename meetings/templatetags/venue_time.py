"""`{% venue_time moment meeting %}`: a meeting's time as the venue reads it, and beside it the
reader's own time where the two differ (a delegate in Moscow reading an Astana meeting)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from cica_portal import dates

register = template.Library()


def reader_zone(user) -> tzinfo:
    """The zone the person reads instants in: their own, else the portal's."""
    zone = getattr(user, "zone", None) if getattr(user, "is_authenticated", False) else None
    return zone or timezone.get_current_timezone()


def differs(moment: datetime, venue: tzinfo, reader: tzinfo) -> bool:
    """Two zones differ for a reader when their clocks differ at that moment."""
    return moment.astimezone(venue).utcoffset() != moment.astimezone(reader).utcoffset()


@register.simple_tag(takes_context=True)
def venue_time(context, moment: datetime | None, meeting) -> str:
    """The moment in the venue's zone (named), then the reader's time if it is another."""
    if not isinstance(moment, datetime):
        return ""
    venue = meeting.zone
    reader = reader_zone(context.get("user"))
    shown = format_html(
        '<time datetime="{}">{}</time>', moment.isoformat(), dates.when(moment, venue)
    )
    if not differs(moment, venue, reader):
        return shown
    return format_html(
        '{} <span class="muted">({}: {})</span>', shown, _("your time"), dates.when(moment, reader)
    )
