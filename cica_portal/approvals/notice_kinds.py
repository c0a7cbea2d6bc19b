"""The notices the approvals send, as kinds people choose how to receive."""

from django.utils.translation import gettext_lazy as _

from cica_portal.notice_kinds import NoticeKind
from cica_portal.notice_kinds import register as register_kinds


def register() -> None:
    register_kinds(
        NoticeKind(
            "approvals.asked",
            _("Your state's answer is asked (approval requests)"),
            r"approval:\d+:v\d+:(asked|reminder)",
            needs_action=True,
        ),
        NoticeKind(
            "approvals.closed",
            _("The outcome of an approval request"),
            r"approval:\d+:closed",
        ),
        NoticeKind(
            "approvals.silence",
            _("A silence procedure broken or adopted"),
            r"approval:\d+:silence-(broken|adopted)",
        ),
    )
