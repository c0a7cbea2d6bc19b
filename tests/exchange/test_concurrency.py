"""Concurrent decisions on PostgreSQL: one release, no deadlock, no lost withdrawal."""

import pytest
from django.db import connection

from cica_portal.errors import DomainError
from exchange import services
from exchange.models import Share, ShareGroupObjectPermission, ShareTransition
from tests.concurrency import run_together
from tests.exchange import factories

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what is tested; SQLite has none")


def test_two_last_approvals_at_once_release_once(fp_kz, approver_kz, approver_ru):
    share = factories.pending(fp_kz)
    errors = run_together(
        lambda: factories.decide(share, approver=approver_kz, decision="approve"),
        lambda: factories.decide(share, approver=approver_ru, decision="approve"),
    )
    assert errors == []
    share.refresh_from_db()
    assert share.status == Share.Status.RELEASED
    assert ShareTransition.objects.filter(share=share, to_status="released").count() == 1


def test_a_withdrawal_racing_the_last_approval_leaves_nothing_open(fp_kz, approver_kz, approver_ru):
    share = factories.pending(fp_kz)
    factories.decide(share, approver=approver_kz, decision="approve")
    errors = run_together(
        lambda: factories.decide(share, approver=approver_ru, decision="approve"),
        lambda: services.withdraw_share(share, actor=fp_kz),
    )
    # Refused either way: "no longer open" (conflict) or, once withdrawn, "not asked" (its
    # approvers no longer read it).
    assert all(isinstance(e, DomainError) for e in errors), errors
    share.refresh_from_db()
    assert share.status == Share.Status.WITHDRAWN
    assert not ShareGroupObjectPermission.objects.filter(content_object=share).exists()
