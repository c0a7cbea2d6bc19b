"""`{{ value|when }}`: a moment for people (one format per language, the zone named), inside a
`<time datetime="...">` for machines."""

from datetime import date, datetime

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html

from cica_portal import dates

register = template.Library()


@register.filter
def when(value: object) -> object:
    if isinstance(value, datetime):
        return format_html('<time datetime="{}">{}</time>', value.isoformat(), dates.when(value))
    if isinstance(value, date):
        return format_html(
            '<time datetime="{}">{}</time>', value.isoformat(), date_format(value, "DATE_FORMAT")
        )
    return value if value not in (None, "") else ""
