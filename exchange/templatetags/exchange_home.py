"""What the exchange app adds to the dashboard for the user looking at it."""

from django import template

from ..models import Share
from ..selectors import cached_count, received_count, shares_for_list

register = template.Library()


@register.inclusion_tag("exchange/home_cards.html", takes_context=True)
def exchange_home_cards(context):
    user = context["user"]
    counts = {}
    if user.is_authenticated and user.is_network_member:
        if user.is_approver:
            asked = shares_for_list(user, box="asked").filter(status=Share.Status.PENDING_CONSENT)
            counts["asked"] = cached_count(asked, user)
        if user.state_id:
            drafts = shares_for_list(user, box="mine").filter(status=Share.Status.DRAFT)
            counts["drafts"] = cached_count(drafts, user)
        counts["received"] = received_count(user)
    return {"user": user, "counts": counts}
