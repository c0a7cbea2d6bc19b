"""A deadlock or serialization failure is run again inside the service, a bounded number of
times; anything else (an outage) is raised at once."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from cica_portal.models import State
from cica_portal.transactions import is_transient, retry_on_deadlock
from tests.factories import state


class _PgError(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _operational(sqlstate: str) -> OperationalError:
    error = OperationalError("from the database")
    error.__cause__ = _PgError(sqlstate)
    return error


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_it_runs_a_deadlocked_transaction_again_and_returns_its_result(sqlstate):
    calls = []

    @retry_on_deadlock
    def action():
        calls.append(1)
        if len(calls) == 1:
            raise _operational(sqlstate)
        return "applied"

    assert action() == "applied"
    assert len(calls) == 2


def test_it_gives_up_after_the_bound_and_raises_the_database_error():
    calls = []

    @retry_on_deadlock(attempts=3)
    def action():
        calls.append(1)
        raise _operational("40P01")

    with pytest.raises(OperationalError):
        action()
    assert len(calls) == 3


@pytest.mark.parametrize("sqlstate", ["08006", "57014", "55P03", None])
def test_an_outage_or_a_timeout_is_raised_at_once(sqlstate):
    calls = []

    @retry_on_deadlock
    def action():
        calls.append(1)
        raise _operational(sqlstate) if sqlstate else OperationalError("server closed")

    with pytest.raises(OperationalError):
        action()
    assert len(calls) == 1
    assert not is_transient(_operational(sqlstate or "08006"))


@pytest.mark.django_db
def test_inside_a_callers_transaction_it_does_not_retry_alone():
    """Only the outermost transaction can start again: the inner one was rolled back with it."""
    calls = []

    @retry_on_deadlock
    def action():
        calls.append(1)
        raise _operational("40P01")

    with pytest.raises(OperationalError), transaction.atomic():
        action()
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_transactions_that_really_deadlock_on_postgresql_both_apply():
    """Each locks one row, then the other's: PostgreSQL ends one, which runs again and wins."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes no row locks")
    first, second = state("KZ").pk, state("RU").pk
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def worker(a: int, b: int):
        attempts = []

        @retry_on_deadlock
        @transaction.atomic
        def swap():
            attempts.append(1)
            State.objects.select_for_update().get(pk=a)
            if len(attempts) == 1:
                barrier.wait(10)  # both hold their first row now
            State.objects.select_for_update().get(pk=b)
            return len(attempts)

        try:
            outcomes.append(swap())
        except Exception as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(first, second)),
        threading.Thread(target=worker, args=(second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == [1, 2], outcomes  # one went through, the other after one retry
