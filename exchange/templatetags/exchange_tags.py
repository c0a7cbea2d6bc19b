"""Template helpers of the exchange: the share's content on the shared approval page."""

from django import template

from ..models import ShareRead
from ..selectors import visible_shares

register = template.Library()


@register.simple_tag
def exchange_subject_context(share, user) -> dict:
    """The share's fields for the approval page; the read is logged like any other."""
    if not visible_shares(user).filter(pk=share.pk).exists():
        return {"fields": []}
    from ..services import record_read

    record_read(share, user=user, via=ShareRead.Via.APPROVAL)
    return {
        "fields": [
            (spec, share.content.get(spec["name"]))
            for spec in share.template.fields
            if spec["name"] in share.content
        ]
    }
