"""What the exchange app adds to the dashboard for the user looking at it."""

from django import template

from ..models import Share
from ..selectors import list_counts, shares_for_list

register = template.Library()


@register.inclusion_tag("exchange/home_cards.html", takes_context=True)
def exchange_home_cards(context: template.Context) -> dict:
    """Exact, and never stale: each count is kept under the person's visibility scopes
    (`exchange.scopes`), which every change to what they may see moves on at once; counting
    the thousands of shares released to a state grows with the data whatever the index."""
    user = context["user"]
    wanted: dict = {}
    if user.is_authenticated and user.is_network_member:
        if user.is_approver:
            wanted["asked"] = shares_for_list(user, box="asked").filter(
                status=Share.Status.PENDING_CONSENT
            )
        if user.state_id:
            wanted["drafts"] = shares_for_list(user, box="mine").filter(status=Share.Status.DRAFT)
        wanted["received"] = shares_for_list(user, box="received")
    return {"user": user, "counts": list_counts(user, wanted) if wanted else {}}
