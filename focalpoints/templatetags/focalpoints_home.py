"""What the focalpoints app adds to the dashboard for the user looking at it."""

from django import template

from focalpoints import selectors

register = template.Library()


@register.inclusion_tag("focalpoints/home_cards.html", takes_context=True)
def focalpoints_home_cards(context):
    user = context["user"]
    data = {"user": user}
    if not getattr(user, "is_network_member", False):
        return data
    if user.is_secretariat:
        data["to_verify"] = selectors.to_verify(user).count()
    elif user.is_approver:
        data["own_entries"] = (
            selectors.entries_manageable_by(user)
            .filter(status__in=["nominated", "returned"])
            .count()
        )
    elif user.is_focal_point:
        data["my_entries"] = list(selectors.entries_manageable_by(user)[:4])
    return data
