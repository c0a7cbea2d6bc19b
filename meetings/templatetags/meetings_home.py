"""What the meetings app adds to the dashboard for the user looking at it."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("meetings/home_cards.html", takes_context=True)
def meetings_home_cards(context):
    user = context["user"]
    if not (user.is_authenticated and user.is_network_member):
        return {"user": user}
    return {
        "user": user,
        "upcoming": selectors.upcoming_for(user),
        "open_registrations": selectors.open_registrations_for(user),
    }
