"""Every pair of share, approval and report actions at once on PostgreSQL: each is applied or
refused with a business message, never a database error (no deadlock reaches a person).

Each action runs in a thread of its own (its own connection), released together by a barrier,
on the same object and on two objects of the same kind (the same template, the same state,
one audit chain).
"""

from __future__ import annotations

import itertools

import pytest
from django.db import connection

from actionplan import services as actionplan
from cica_portal.errors import DomainError
from exchange import services as exchange
from exchange.models import Share
from tests.actionplan.factories import ReviewCycleFactory
from tests.concurrency import run_together
from tests.exchange import factories

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and deadlocks are what is tested; SQLite has neither")


def not_business_refusals(errors):
    return [e for e in errors if not isinstance(e, DomainError)]


# --- share and approval actions: each takes the share's pk and reads it afresh in its thread ----


def _share(pk: int) -> Share:
    return Share.objects.get(pk=pk)


SHARE_ACTIONS = {
    "withdraw": lambda p, pk: exchange.withdraw_share(_share(pk), actor=p["fp_kz"]),
    "edit": lambda p, pk: exchange.update_share(_share(pk), actor=p["fp_kz"], title="Revised"),
    "approve-kz": lambda p, pk: factories.decide(
        _share(pk), approver=p["approver_kz"], decision="approve"
    ),
    "approve-ru": lambda p, pk: factories.decide(
        _share(pk), approver=p["approver_ru"], decision="approve"
    ),
    "object-ru": lambda p, pk: factories.decide(
        _share(pk), approver=p["approver_ru"], decision="object"
    ),
}
SHARE_PAIRS = list(itertools.combinations_with_replacement(sorted(SHARE_ACTIONS), 2))


@pytest.fixture
def people(fp_kz, approver_kz, approver_ru, secretariat):
    return {
        "fp_kz": fp_kz,
        "approver_kz": approver_kz,
        "approver_ru": approver_ru,
        "secretariat": secretariat,
    }


def test_every_pair_of_share_actions_is_applied_or_refused_never_a_database_error(people):
    failures = {}
    for first, second in SHARE_PAIRS:
        for same in (True, False):
            a = factories.pending(people["fp_kz"])
            b = a if same else factories.pending(people["fp_kz"])
            errors = run_together(
                lambda a=a, first=first: SHARE_ACTIONS[first](people, a.pk),
                lambda b=b, second=second: SHARE_ACTIONS[second](people, b.pk),
            )
            if not_business_refusals(errors):
                failures[(first, second, "same" if same else "different")] = errors
            if not same:  # two different shares: nothing stands in the way of either
                assert errors == [], (first, second, errors)
    assert failures == {}


def test_the_last_two_approvals_and_a_withdrawal_at_once_end_in_one_clear_state(people):
    for _ in range(3):
        share = factories.pending(people["fp_kz"])
        errors = run_together(
            lambda pk=share.pk: SHARE_ACTIONS["approve-kz"](people, pk),
            lambda pk=share.pk: SHARE_ACTIONS["approve-ru"](people, pk),
            lambda pk=share.pk: SHARE_ACTIONS["withdraw"](people, pk),
        )
        assert not_business_refusals(errors) == []
        share.refresh_from_db()
        assert share.status in {Share.Status.RELEASED, Share.Status.WITHDRAWN}


# --- reports ----------------------------------------------------------------------------------


@pytest.fixture
def reports(people, fp_ru):
    cycle = ReviewCycleFactory()
    return (
        cycle,
        {
            "kz": actionplan.start_report(cycle, actor=people["fp_kz"]),
            "ru": actionplan.start_report(cycle, actor=fp_ru),
        },
        {"kz": people["fp_kz"], "ru": fp_ru},
    )


def test_report_actions_in_pairs_and_beside_share_actions_never_fail_on_the_database(
    people, reports
):
    _cycle, by_state, authors = reports
    from actionplan.models import ImplementationReport as Report

    def save(code):
        return lambda: actionplan.save_report(
            Report.objects.get(pk=by_state[code].pk), actor=authors[code], entries={}
        )

    def submit(code):
        return lambda: actionplan.submit_report(
            Report.objects.get(pk=by_state[code].pk), actor=authors[code]
        )

    share = factories.pending(people["fp_kz"])
    rounds = [
        (submit("kz"), submit("kz")),  # the same report twice: one submits, one is refused
        (save("kz"), submit("kz")),
        (submit("ru"), lambda: SHARE_ACTIONS["withdraw"](people, share.pk)),
        (save("kz"), lambda: SHARE_ACTIONS["approve-kz"](people, share.pk)),
    ]
    for first, second in rounds:
        errors = run_together(first, second)
        assert not_business_refusals(errors) == [], errors
    assert Report.objects.get(pk=by_state["kz"].pk).status == Report.Status.SUBMITTED
