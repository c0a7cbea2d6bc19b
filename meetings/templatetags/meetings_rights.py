"""What the user may do in the meetings app, for templates that no view of it renders (the
navigation included on several pages, the dashboard cards)."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def meetings_rights(user):
    """{% meetings_rights user as may %}: the answers of selectors.meetings_rights."""
    return selectors.meetings_rights(user)
