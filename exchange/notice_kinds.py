"""The exchange's notices, as kinds people choose how to receive (cica_portal.notice_kinds)."""

from django.utils.translation import gettext_lazy as _

from cica_portal.notice_kinds import NoticeKind
from cica_portal.notice_kinds import register as register_kinds


def register() -> None:
    register_kinds(
        NoticeKind(
            "exchange.released",
            _("Information released or passed on to your state"),
            r"exchange:share:\d+:(released|reshared:\d+)",
        ),
        NoticeKind(
            "exchange.withdrawn",
            _("Information withdrawn (and copies to remove)"),
            r"exchange:share:\d+:withdrawn|exchange:receipt:\d+:reminder:.+",
            needs_action=True,
        ),
        NoticeKind(
            "exchange.document_match",
            _("A hit on your state's document"),
            r"exchange:document-match:\d+:\d+",
            needs_action=True,
        ),
        NoticeKind(
            "exchange.reshare_closed",
            _("The outcome of your request to pass information on"),
            r"exchange:reshare:\d+:closed",
        ),
    )
