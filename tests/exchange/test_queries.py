"""Lists do not grow in queries with the number of shares."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchange import scopes
from exchange.models import Share, ShareGroupObjectPermission
from exchange.services import state_group
from tests.exchange import factories

pytestmark = pytest.mark.django_db


def _bulk(fp_kz, n):
    template = factories.template("trafficking-case")
    shares = Share.objects.bulk_create(
        Share(
            template=template,
            title=f"Case {i}",
            content=factories.trafficking_content(),
            author=fp_kz,
            originating_state=fp_kz.state,
            status=Share.Status.RELEASED,
        )
        for i in range(n)
    )
    through = Share.recipient_states.through
    through.objects.bulk_create(through(share=s, state=fp_kz.state) for s in shares)
    from django.contrib.auth.models import Permission

    perm = Permission.objects.get(codename="view_share")
    group = state_group(factories.codes("CN")[0])
    ShareGroupObjectPermission.objects.bulk_create(
        ShareGroupObjectPermission(group=group, permission=perm, content_object=s) for s in shares
    )
    # Written past the services: say what they would have (exchange/scopes.py).
    scopes.bump([scopes.state_scope(fp_kz.state_id), scopes.group_scope(group.pk)])


def _count(run):
    with CaptureQueriesContext(connection) as ctx:
        run()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["fp_kz", "fp_cn"])
def test_the_list_page_and_api_are_flat(who, request, fp_kz, client, api_client):
    user = request.getfixturevalue(who)
    client.force_login(user)
    api_client.force_authenticate(user)
    _bulk(fp_kz, 10)
    small = (
        _count(lambda: client.get(reverse("exchange:index"))),
        _count(lambda: api_client.get("/api/v1/exchange/shares/")),
    )
    _bulk(fp_kz, 1000)
    large = (
        _count(lambda: client.get(reverse("exchange:index"))),
        _count(lambda: api_client.get("/api/v1/exchange/shares/")),
    )
    assert large == small
    assert api_client.get("/api/v1/exchange/shares/").json()["count"] == 1010
