"""The exchange's "may I" predicates: the pages offer drafting and submitting exactly when they
say yes, and the services refuse exactly when they say no."""

import pytest
from django.urls import reverse

from exchange import selectors, services
from tests.exchange import factories

pytestmark = pytest.mark.django_db


def _done(act) -> bool:
    try:
        act()
    except services.ExchangeError:
        return False
    return True


def test_it_offers_drafting_to_focal_points_only(client, fp_kz, approver_kz):
    for user, allowed in ((fp_kz, True), (approver_kz, False)):
        assert selectors.may_draft(user) == allowed
        client.force_login(user)
        page = client.get(reverse("exchange:index")).text
        assert (reverse("exchange:choose-template") in page) == allowed
        assert _done(lambda u=user: factories.draft(u)) == allowed


def test_it_offers_submitting_a_draft_to_its_author_only_once(client, fp_kz, fp_ru):
    share = factories.draft(fp_kz)
    url = reverse("exchange:submit", args=[share.pk])
    assert selectors.may_submit(fp_kz, share)
    assert not selectors.may_submit(fp_ru, share)
    client.force_login(fp_kz)
    assert url in client.get(share.get_absolute_url()).text
    assert not _done(lambda: services.submit_share(share, actor=fp_ru))
    assert _done(lambda: services.submit_share(share, actor=fp_kz))
    share.refresh_from_db()
    assert not selectors.may_submit(fp_kz, share)
    assert url not in client.get(share.get_absolute_url()).text
    assert not _done(lambda: services.submit_share(share, actor=fp_kz))
