"""What the focalpoints app adds to the dashboard for the user looking at it."""

from django import template

from cica_portal.rights import may_use_network
from focalpoints import selectors

register = template.Library()


@register.inclusion_tag("focalpoints/home_cards.html", takes_context=True)
def focalpoints_home_cards(context):
    user = context["user"]
    data = {"user": user, "card": None}
    if not may_use_network(user):
        return data
    if selectors.may_verify_nominations(user):
        data.update(card="verify", to_verify=selectors.to_verify(user).count())
    elif selectors.may_nominate(user):
        data["card"] = "nominate"
        data["own_entries"] = (
            selectors.entries_manageable_by(user)
            .filter(status__in=["nominated", "returned"])
            .count()
        )
    else:
        data["card"] = "own"
        data["my_entries"] = list(selectors.entries_manageable_by(user)[:4])
    return data
