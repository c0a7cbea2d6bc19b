"""The meetings' notices, as kinds people choose how to receive (cica_portal.notice_kinds)."""

from django.utils.translation import gettext_lazy as _

from cica_portal.notice_kinds import NoticeKind
from cica_portal.notice_kinds import register as register_kinds


def register() -> None:
    register_kinds(
        NoticeKind(
            "meetings.changed",
            _("A meeting changed, was postponed or cancelled"),
            r"meetings:\d+:(status:.+|changed:\d+)",
        ),
        NoticeKind("meetings.upcoming", _("A meeting is coming up"), r"meetings:\d+:upcoming"),
        NoticeKind(
            "meetings.deadlines",
            _("Registration deadlines and missing or unconfirmed registrations"),
            r"meetings:\d+:(registration-deadline|missing-registrations|unconfirmed:.+)",
            needs_action=True,
        ),
        NoticeKind(
            "meetings.registrations",
            _("Registrations of delegates confirmed, withdrawn or decided"),
            r"meetings:registration:\d+:.+",
        ),
        NoticeKind(
            "meetings.invitations",
            _("Invitations of international bodies decided"),
            r"meetings:invitation:\d+:.+",
        ),
        NoticeKind(
            "meetings.training_submitted",
            _("A training seminar requested (to handle)"),
            r"meetings:training:\d+:submitted",
            needs_action=True,
        ),
        NoticeKind(
            "meetings.training_decided",
            _("What became of your training seminar request"),
            r"meetings:training:\d+:(?!submitted$).+",
        ),
    )
