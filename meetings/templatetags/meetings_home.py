"""What the meetings app adds to the dashboard for the user looking at it."""

from django import template

from cica_portal.rights import may_use_network

from .. import selectors

register = template.Library()


@register.inclusion_tag("meetings/home_cards.html", takes_context=True)
def meetings_home_cards(context):
    user = context["user"]
    if not may_use_network(user):
        return {"user": user, "network": False}
    return {
        "user": user,
        "network": True,
        "upcoming": selectors.upcoming_for(user),
        "open_registrations": selectors.open_registrations_for(user),
    }
