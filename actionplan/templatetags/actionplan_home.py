"""What the actionplan app adds to the dashboard for the user looking at it."""

from django import template

from actionplan import selectors

register = template.Library()

DASHBOARD_APPROVALS = 8  # the card lists the soonest; the rest are a link away


@register.filter
def step5(value) -> int:
    """A percentage rounded to the chart's width classes (w-0 … w-100 in steps of 5)."""
    try:
        return selectors.step5(int(value))
    except (TypeError, ValueError):
        return 0


@register.filter
def get_count(counter, key) -> int:
    return counter.get(key, 0) if counter else 0


@register.inclusion_tag("actionplan/home_cards.html", takes_context=True)
def actionplan_home_cards(context):
    user = context["user"]
    data = {"user": user, "show": False, "card": None}
    if not user.is_authenticated:
        return data
    if selectors.may_follow_reviews(user):
        cycle = selectors.current_cycle()
        areas = selectors.area_progress()
        for row in areas:
            row.width = selectors.step5(row.percent)
        open_approvals = selectors.open_approvals_followed_by(user)
        data.update(
            show=True,
            card="progress",
            areas=areas,
            open_approvals=list(open_approvals[:DASHBOARD_APPROVALS]),
            open_approvals_count=open_approvals.values("pk").count(),
            cycle=cycle,
        )
        if cycle:
            summary = selectors.review_summary(cycle, user=user)
            data.update(
                submitted=summary["submitted"],
                missing=summary["missing"],
                total=len(summary["rows"]),
            )
    elif selectors.may_start_report(user):
        cycle = selectors.current_cycle()
        my_report = (
            selectors.reports_visible_to(user).filter(cycle=cycle).first() if cycle else None
        )
        data.update(show=True, card="report", cycle=cycle, my_report=my_report)
    elif user.is_network_member:
        data.update(show=True, card="plan")
    return data
