"""What the exchange app adds to the dashboard for the user looking at it."""

from django import template

register = template.Library()


@register.inclusion_tag("exchange/home_cards.html", takes_context=True)
def exchange_home_cards(context):
    return {"user": context["user"]}
