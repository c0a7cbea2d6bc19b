"""What the exchange app adds to the dashboard for the user looking at it."""

from django import template

from ..models import Share
from ..selectors import shares_for_list

register = template.Library()


@register.inclusion_tag("exchange/home_cards.html", takes_context=True)
def exchange_home_cards(context):
    """Counted fresh: a card never shows a share the person may no longer see."""
    user = context["user"]
    counts = {}
    if user.is_authenticated and user.is_network_member:

        def count(box: str, status: str = "") -> int:
            queryset = shares_for_list(user, box=box)
            if status:
                queryset = queryset.filter(status=status)
            return queryset.count()

        if user.is_approver:
            counts["asked"] = count("asked", Share.Status.PENDING_CONSENT)
        if user.state_id:
            counts["drafts"] = count("mine", Share.Status.DRAFT)
        counts["received"] = count("received")
    return {"user": user, "counts": counts}
