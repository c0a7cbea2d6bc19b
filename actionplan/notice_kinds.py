"""The Action Plan's notices, as kinds people choose how to receive (cica_portal.notice_kinds)."""

from django.utils.translation import gettext_lazy as _

from cica_portal.notice_kinds import NoticeKind
from cica_portal.notice_kinds import register as register_kinds


def register() -> None:
    register_kinds(
        NoticeKind(
            "actionplan.report_due",
            _("Your state's implementation report is due or returned"),
            r"review:\d+:(opened|report-missing:.+)|report:\d+:returned:.+",
            needs_action=True,
        ),
        NoticeKind(
            "actionplan.report_submitted",
            _("An implementation report submitted"),
            r"report:\d+:submitted:.+",
        ),
        NoticeKind(
            "actionplan.review_stages",
            _("The stages of the annual review"),
            r"review:\d+:(swg|soc)-starts:\d+",
        ),
    )
