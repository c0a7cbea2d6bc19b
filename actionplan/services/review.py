"""The annual review: opening the year's cycle, and the reminders before its deadlines.

Every reminder is a notification keyed by its occasion (`review:{year}:...`), unique per
person, so a task that runs twice or on two workers at once reminds each person once.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import audit
from cica_portal.dates import date_lazy
from cica_portal.models import State, User
from cica_portal.notifications import Notice, notify, notify_many, secretariat_users
from cica_portal.transactions import retry_on_deadlock

from ..models import ImplementationReport, ReviewCycle
from .errors import ActionPlanError

REPORT_REMINDER_DAYS = (30, 14, 3)
STAGE_REMINDER_DAYS = (7, 1)


def _today() -> datetime.date:
    return timezone.localdate()


def reminder_threshold(days_left: int, thresholds: tuple[int, ...]) -> int | None:
    """The reminder whose window we are in: the smallest threshold not below days_left.

    Ten days before a deadline is the 14-day occasion; a run missed on the exact day still
    sends it, and never sends the 30-day one as well once the 14-day window has begun.
    """
    if days_left < 0:
        return None
    fitting = [d for d in thresholds if days_left <= d]
    return min(fitting) if fitting else None


def submitted_state_ids(cycle: ReviewCycle) -> set[int]:
    return set(
        ImplementationReport.objects.filter(
            cycle=cycle, status=ImplementationReport.Status.SUBMITTED
        ).values_list("state_id", flat=True)
    )


def _focal_points_by_state(state_ids: Iterable[int]) -> dict[int, list[User]]:
    people: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        role=User.Role.FOCAL_POINT, state_id__in=state_ids, is_active=True
    ).order_by("pk"):
        people[user.national_state_id].append(user)
    return people


CYCLE_DATES = ("opens_on", "report_deadline", "swg_start", "swg_end", "soc_start", "soc_end")


def check_cycle_dates(dates: dict[str, datetime.date]) -> None:
    """The stages follow each other (the database's constraint, said to a person first)."""
    for name in CYCLE_DATES:
        if dates.get(name) is None:
            raise ActionPlanError(_("Give every date of the review."), field=name)
    values = [dates[name] for name in CYCLE_DATES]
    for index in range(1, len(CYCLE_DATES)):
        if values[index] < values[index - 1]:
            raise ActionPlanError(
                _("Dates must follow each other: opening, report deadline, SWG stage, SOC stage."),
                field=CYCLE_DATES[index],
            )


def _check_secretariat(actor: User) -> None:
    if not actor.is_secretariat:
        raise ActionPlanError(_("Only the Secretariat plans the review."), code="forbidden")


@retry_on_deadlock
@transaction.atomic
def schedule_cycle(*, actor: User, year: int, **dates: datetime.date) -> ReviewCycle:
    """Plan a year's review: its dates; it opens for reports on its opening date."""
    _check_secretariat(actor)
    check_cycle_dates(dates)
    if ReviewCycle.objects.filter(year=year).exists():
        raise ActionPlanError(_("This year's review is already planned."), field="year")
    cycle = ReviewCycle.objects.create(year=year, **{k: dates[k] for k in CYCLE_DATES})
    audit.log(
        cycle,
        "actionplan.review.scheduled",
        actor=actor,
        data={"year": year, **{k: dates[k] for k in CYCLE_DATES}},
    )
    return cycle


@retry_on_deadlock
@transaction.atomic
def reschedule_cycle(cycle: ReviewCycle, *, actor: User, **dates: datetime.date) -> ReviewCycle:
    """Move a review's dates; a closed review keeps the dates it had."""
    _check_secretariat(actor)
    cycle = ReviewCycle.objects.select_for_update(of=("self",), no_key=True).get(pk=cycle.pk)
    if cycle.status == ReviewCycle.Status.CLOSED:
        raise ActionPlanError(_("A closed review keeps its dates."), code="conflict")
    dates = {k: dates.get(k, getattr(cycle, k)) for k in CYCLE_DATES}
    check_cycle_dates(dates)
    changes = {
        k: {"before": getattr(cycle, k), "after": v}
        for k, v in dates.items()
        if getattr(cycle, k) != v
    }
    if not changes:
        return cycle
    for key, value in dates.items():
        setattr(cycle, key, value)
    cycle.save(update_fields=list(changes))
    audit.log(cycle, "actionplan.review.rescheduled", actor=actor, data=changes)
    return cycle


@retry_on_deadlock
@transaction.atomic
def open_cycle(cycle: ReviewCycle, *, actor: User | None = None) -> bool:
    """Open the cycle for reports and tell the focal points; False if it was already open."""
    if actor is not None and not actor.is_secretariat:
        raise ActionPlanError(_("Only the Secretariat opens a review cycle."), code="forbidden")
    other = ReviewCycle.objects.filter(status=ReviewCycle.Status.OPEN).exclude(pk=cycle.pk).first()
    if other is not None:
        if actor is None:  # the beat waits until the open review is published
            return False
        raise ActionPlanError(
            _("The %(year)s review is still open: one review cycle is open at a time.")
            % {"year": other.year},
            code="conflict",
        )
    # A conditional UPDATE: of two runs at the same moment, only one opens it; the database's
    # one-open-cycle constraint refuses a second cycle opened at the same moment.
    try:
        with transaction.atomic():
            opened = ReviewCycle.objects.filter(
                pk=cycle.pk, status=ReviewCycle.Status.PLANNED
            ).update(status=ReviewCycle.Status.OPEN, opened_at=timezone.now())
    except IntegrityError:
        opened = 0
    if not opened:
        return False
    cycle.refresh_from_db()
    audit.log(cycle, "actionplan.review.opened", actor=actor, data={"year": cycle.year})
    members = State.objects.members().values_list("pk", flat=True)
    notify(
        User.objects.filter(role=User.Role.FOCAL_POINT, state_id__in=members, is_active=True),
        key=f"review:{cycle.year}:opened",
        notice=Notice(
            gettext_lazy("The %(year)s implementation review is open"),
            gettext_lazy(
                "Write your state's implementation report for %(year)s and submit it by "
                "%(deadline)s."
            ),
            {"year": cycle.year, "deadline": date_lazy(cycle.report_deadline)},
        ),
        url="/plan/reports/",
    )
    notify(
        secretariat_users(),
        key=f"review:{cycle.year}:opened",
        notice=Notice(
            gettext_lazy("The %(year)s implementation review is open"),
            gettext_lazy("Follow which states have reported on the review page."),
            {"year": cycle.year},
        ),
        url=cycle.get_absolute_url(),
    )
    return True


def open_due_cycles(today: datetime.date | None = None) -> int:
    """Open every planned cycle whose opening date has come; safe to run twice."""
    today = today or _today()
    due = ReviewCycle.objects.filter(
        status=ReviewCycle.Status.PLANNED, opens_on__lte=today, soc_end__gte=today
    ).order_by("year")
    return sum(open_cycle(cycle) for cycle in due)


def close_finished_cycles(today: datetime.date | None = None) -> int:
    """A cycle whose SOC stage has ended with its work never begun (still only reports)
    closes; its reports no longer change. A review under consolidation or before the SWG or
    the SOC moves by its work, never by a date."""
    today = today or _today()
    closed = 0
    for cycle in ReviewCycle.objects.filter(
        soc_end__lt=today, stage=ReviewCycle.Stage.REPORTING
    ).exclude(status=ReviewCycle.Status.CLOSED):
        with transaction.atomic():
            if (
                ReviewCycle.objects.filter(pk=cycle.pk)
                .exclude(status=ReviewCycle.Status.CLOSED)
                .update(status=ReviewCycle.Status.CLOSED)
            ):
                audit.log(cycle, "actionplan.review.closed", data={"year": cycle.year})
                closed += 1
    return closed


def _remind_missing_reports(cycle: ReviewCycle, today: datetime.date) -> int:
    days = reminder_threshold((cycle.report_deadline - today).days, REPORT_REMINDER_DAYS)
    if days is None:
        return 0
    done = submitted_state_ids(cycle)
    missing = {
        state.pk: state for state in State.objects.members().exclude(pk__in=done).order_by("code")
    }
    people = _focal_points_by_state(missing)
    # Every state's reminder in one batch (each state's key is its own occasion): a fixed
    # number of queries for the whole lot, never a few per state or per person.
    occasions = [
        (
            users,
            f"review:{cycle.year}:report-missing:{missing[state_id].code}:{days}",
            Notice(
                gettext_lazy(
                    "Reminder: %(state)s's %(year)s implementation report is due on %(deadline)s"
                ),
                gettext_lazy(
                    "Your state's report for the %(year)s review has not been submitted. "
                    "Complete the draft and submit it before %(deadline)s."
                ),
                {
                    "state": missing[state_id].in_their_language("name"),
                    "year": cycle.year,
                    "deadline": date_lazy(cycle.report_deadline),
                },
            ),
            "/plan/reports/",
        )
        for state_id, users in people.items()
    ]
    return len(notify_many(occasions))


def _remind_stages(cycle: ReviewCycle, today: datetime.date) -> int:
    sent = 0
    missing = State.objects.members().exclude(pk__in=submitted_state_ids(cycle)).count()
    for stage, label, start in (
        ("swg", gettext_lazy("Special Working Group"), cycle.swg_start),
        ("soc", gettext_lazy("Senior Officials Committee"), cycle.soc_start),
    ):
        days = reminder_threshold((start - today).days, STAGE_REMINDER_DAYS)
        if days is None:
            continue
        with transaction.atomic():
            sent += len(
                notify(
                    secretariat_users(),
                    key=f"review:{cycle.year}:{stage}-starts:{days}",
                    notice=Notice(
                        gettext_lazy(
                            "The %(body)s stage of the %(year)s review starts on %(date)s"
                        ),
                        gettext_lazy(
                            "Prepare the consolidated review for the %(body)s. %(missing)s "
                            "member states have not submitted a report yet."
                        ),
                        {"body": label, "year": cycle.year, "date": start, "missing": missing},
                    ),
                    url=cycle.get_absolute_url(),
                )
            )
    return sent


def send_review_reminders(today: datetime.date | None = None) -> int:
    """Remind focal points of missing reports and the Secretariat of the coming stages."""
    today = today or _today()
    sent = 0
    for cycle in ReviewCycle.objects.filter(status=ReviewCycle.Status.OPEN).order_by("year"):
        sent += _remind_missing_reports(cycle, today)
        sent += _remind_stages(cycle, today)
    return sent
