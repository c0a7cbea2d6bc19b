"""The silence procedure (as the OSCE uses it): a text is adopted at an exact instant unless a
member state breaks the silence before it, by an objection or an amendment with its text.

The instant is decided in the database, once: a break is accepted only while the database's
clock, read by the statement that locks the request row, is before `silence_until`; the expiry
task adopts only an open request whose instant has passed, by a conditional update on the same
locked row. A break and the expiry at the same instant therefore meet on one row lock and only
one of them finds the request open. A late worker adopts with `closed_at = silence_until`: the
stored instant decides, not the time the task ran.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import bilingual
from cica_portal.models import ApprovalRequest, StateAnswer, User
from cica_portal.notifications import Notice, notify, secretariat_users

from .registry import SubjectType

Decision = StateAnswer.Decision
BREAKS = (Decision.OBJECT, Decision.AMEND)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def database_now() -> datetime:
    """The database's clock on PostgreSQL (the one every worker shares); elsewhere (SQLite in
    development and tests) the process's clock, which is then the only one."""
    if _postgres():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement_timestamp()")
            return cursor.fetchone()[0]
    return timezone.now()


def with_locked_at(queryset: models.QuerySet[ApprovalRequest]) -> models.QuerySet:
    """The locking statement also reads the database's clock (`locked_at`): the instant the
    break or the expiry reached the row, compared with `silence_until` in one place."""
    if _postgres():
        return queryset.annotate(locked_at=RawSQL("statement_timestamp()", ()))
    return queryset


def locked_at(request: ApprovalRequest) -> datetime:
    return getattr(request, "locked_at", None) or timezone.now()


def check_break(request: ApprovalRequest, decision: str, text: str) -> None:
    """A break is an objection or an amendment, with its text, before the instant."""
    from .services import ApprovalError

    if decision not in BREAKS:
        raise ApprovalError(
            _("Under silence a state only breaks the silence: object or propose an amendment."),
            field="decision",
        )
    if not text:
        raise ApprovalError(
            _("Give the text of your objection or amendment: it breaks the silence."),
            field="comment",
        )
    assert request.silence_until is not None  # a check constraint: a silence has its instant
    if locked_at(request) >= request.silence_until:
        raise ApprovalError(
            _(
                "The silence ended at %(instant)s UTC: the text was adopted, a break can no "
                "longer be accepted."
            )
            % {"instant": utc_text(request.silence_until)},
            code="conflict",
        )


def check_opening(
    subject_type: SubjectType, opened_by: User | None, silence_until: datetime | None
) -> None:
    """Only the Secretariat opens a silence, for a subject that allows one, ending later."""
    from .services import ApprovalError

    if not subject_type.allows_silence:
        raise ApprovalError(_("This kind of text cannot be put under silence."), field="rule")
    if opened_by is None or not opened_by.is_secretariat:
        raise ApprovalError(_("Only the Secretariat puts a text under silence."), code="forbidden")
    if silence_until is None:
        raise ApprovalError(_("Give the instant the silence ends."), field="silence_until")
    if timezone.is_naive(silence_until):
        raise ApprovalError(_("Give the instant with its time zone."), field="silence_until")
    if silence_until <= database_now():
        raise ApprovalError(_("The silence must end in the future."), field="silence_until")


def everyone_concerned(request: ApprovalRequest) -> Iterable[User]:
    """Every active person of the named states (focal points and approvers) and the Secretariat."""
    states = request.required_states.values("pk")
    people = User.objects.filter(
        is_active=True,
        state_id__in=states,
        role__in=[User.Role.FOCAL_POINT, User.Role.APPROVER],
    )
    return list(people) + list(secretariat_users())


# The state's name in the language the notice is rendered in (Notice renders lazy values so).
_name_in_reader_language = lazy(lambda state: state.name, str)


def utc_text(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def tell_broken(request: ApprovalRequest, answer: StateAnswer) -> None:
    notify(
        everyone_concerned(request),
        key=f"approval:{request.pk}:silence-broken",
        notice=Notice(
            gettext_lazy("Silence broken, not adopted: %(title)s"),
            gettext_lazy(
                '%(state)s broke the silence on "%(title)s" (%(kind)s). The text was not adopted.'
            ),
            {
                "title": bilingual.lazy_field(request, "title"),
                "state": _name_in_reader_language(answer.state),
                "kind": Decision(answer.decision).label,
            },
        ),
        url=f"/approvals/{request.pk}/",
    )


def tell_adopted(request: ApprovalRequest) -> None:
    assert request.silence_until is not None
    notify(
        everyone_concerned(request),
        key=f"approval:{request.pk}:silence-adopted",
        notice=Notice(
            gettext_lazy("Adopted under silence: %(title)s"),
            gettext_lazy(
                'No state broke the silence on "%(title)s": it was adopted at %(instant)s UTC '
                "(text SHA-256 %(hash)s)."
            ),
            {
                "title": bilingual.lazy_field(request, "title"),
                "instant": utc_text(request.silence_until),
                "hash": request.adopted_hash,
            },
        ),
        url=f"/approvals/{request.pk}/",
    )
