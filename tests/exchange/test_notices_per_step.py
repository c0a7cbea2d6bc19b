"""One share causes at most one notice per person per step, each with a link that opens."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from cica_portal import approvals
from cica_portal.models import Notification
from exchange.models import Share
from tests.exchange import factories
from tests.factories import FocalPointUserFactory, state

pytestmark = pytest.mark.django_db


def _new_notices(before: set[int]) -> list[Notification]:
    return list(Notification.objects.exclude(pk__in=before).select_related("recipient"))


def _step(action) -> list[Notification]:
    before = set(Notification.objects.values_list("pk", flat=True))
    action()
    return _new_notices(before)


def _assert_one_each_and_links_open(client, notices: list[Notification]) -> None:
    per_person = Counter(n.recipient.username for n in notices)
    assert all(count == 1 for count in per_person.values()), per_person
    for notice in notices:
        assert notice.url, notice.subject
        client.force_login(notice.recipient)
        assert client.get(notice.url).status_code == 200, (notice.recipient, notice.url)


def test_a_three_state_consent_sends_at_most_one_notice_per_person_per_step(
    client, fp_kz, approver_kz, approver_ru, approver_cn, approver_uz
):
    fp_uz = FocalPointUserFactory(username="fp-uz", state=state("UZ"))
    share = factories.draft(fp_kz, concerned=("RU", "CN"), recipients=("UZ",))
    asked = _step(lambda: factories.submit(share, fp_kz))
    assert {n.recipient.username for n in asked} == {"approver-kz", "approver-ru", "approver-cn"}
    _assert_one_each_and_links_open(client, asked)

    answers = []
    for approver in (approver_kz, approver_ru, approver_cn):
        answers.append(
            _step(lambda a=approver: factories.decide(share, approver=a, decision="approve"))
        )
    assert all(not step for step in answers[:2])  # an answer that does not close tells nobody
    closing = answers[2]
    share.refresh_from_db()
    assert share.status == Share.Status.RELEASED
    _assert_one_each_and_links_open(client, closing)
    told = {n.recipient.username for n in closing}
    assert told == {"fp-kz", "fp-uz", "approver-uz"}
    author = [n for n in closing if n.recipient == fp_kz]
    assert author[0].subject == f"Your share #{share.pk} is released"
    assert "withdraw" in author[0].body  # what to do next
    # over the whole consent, the author heard once
    assert fp_kz.notifications.count() == 1
    assert fp_uz.notifications.count() == 1


def test_an_expired_consent_tells_the_author_once_with_a_link_that_opens(client, fp_kz):
    share = factories.pending(fp_kz)
    later = timezone.now() + timedelta(days=30)
    expired = _step(lambda: approvals.close_expired_requests(now=later))
    share.refresh_from_db()
    assert share.status == Share.Status.EXPIRED
    mine = [n for n in expired if n.recipient == fp_kz]
    assert len(mine) == 1
    assert mine[0].subject == f"Your share #{share.pk} expired"
    _assert_one_each_and_links_open(client, mine)
