"""Locks are taken in the one documented order (approval request, then the subject's row, then
the audit chain head last), and only on the rows that change.

Read from the SQL each action sends to PostgreSQL: which tables it locks, in which order, and
that a lock names its own table only (`FOR NO KEY UPDATE OF "table"`), never a joined one.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplan import services as actionplan
from cica_portal.models import Area
from exchange import services as exchange
from tests.exchange import factories

pytestmark = [pytest.mark.django_db]

REQUEST, SHARE, HEAD = "cica_portal_approvalrequest", "exchange_share", "cica_portal_auditchainhead"
LOCK = re.compile(r'FROM "(\w+)".* FOR (?:NO KEY )?UPDATE(?: OF (.+?))?(?: SKIP LOCKED)?$', re.S)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes no row locks; the SQL has no FOR UPDATE to read")


def locks_taken(action) -> list[str]:
    """The tables locked by `action`, in the order of their first lock."""
    with CaptureQueriesContext(connection) as captured:
        action()
    order: list[str] = []
    for query in captured.captured_queries:
        match = LOCK.search(query["sql"])
        if match is None:
            continue
        table, of = match.groups()
        assert of == f'"{table}"', f"a lock names more than its own row: {query['sql']}"
        if table not in order:
            order.append(table)
    return order


def assert_in_order(order: list[str], *tables: str) -> None:
    positions = [order.index(table) for table in tables]
    assert positions == sorted(positions), order


def test_the_answer_that_releases_a_share_locks_request_then_share_then_the_head(
    fp_kz, approver_kz, approver_ru
):
    share = factories.pending(fp_kz)
    factories.decide(share, approver=approver_kz, decision="approve")
    order = locks_taken(lambda: factories.decide(share, approver=approver_ru, decision="approve"))
    assert_in_order(order, REQUEST, SHARE, HEAD)
    assert share_status(share) == "released"


def share_status(share) -> str:
    share.refresh_from_db()
    return share.status


@pytest.mark.parametrize("action", ["withdraw", "edit"])
def test_the_authors_actions_on_a_pending_share_lock_request_then_share_then_the_head(
    action, fp_kz
):
    share = factories.pending(fp_kz)
    if action == "withdraw":
        order = locks_taken(lambda: exchange.withdraw_share(share, actor=fp_kz))
    else:
        order = locks_taken(lambda: exchange.update_share(share, actor=fp_kz, title="Revised"))
    assert_in_order(order, REQUEST, SHARE, HEAD)


def test_withdrawing_a_measure_locks_its_request_before_the_proposal(fp_kz):
    actionplan.load_plan()
    proposal = actionplan.propose_measure(
        proposer=fp_kz, area=Area.objects.get(number=4), title="Hotline", text="A hotline."
    )
    order = locks_taken(lambda: actionplan.withdraw_proposal(proposal, actor=fp_kz))
    assert_in_order(order, REQUEST, "actionplan_measureproposal", HEAD)


def test_the_head_is_the_last_lock_of_every_action_above(fp_kz, approver_kz, approver_ru):
    share = factories.pending(fp_kz)
    factories.decide(share, approver=approver_kz, decision="approve")
    order = locks_taken(lambda: factories.decide(share, approver=approver_ru, decision="approve"))
    assert order[-1] == HEAD, order
