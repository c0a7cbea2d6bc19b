import io

import pytest

from cica_portal.demo import create_demo_people
from exchange.models import Share, ShareTransition
from exchange.seed import seed_demo

pytestmark = pytest.mark.django_db


def test_it_seeds_every_stage_once(client):
    create_demo_people("pw-for-tests-2008")
    seed_demo(password="x", stdout=io.StringIO())
    statuses = set(Share.objects.values_list("status", flat=True))
    assert statuses == set(Share.Status.values)
    counts = (Share.objects.count(), ShareTransition.objects.count())
    seed_demo(password="x", stdout=io.StringIO())
    assert (Share.objects.count(), ShareTransition.objects.count()) == counts

    from cica_portal.models import User

    approver_ru = User.objects.get(username="approver-ru")
    client.force_login(approver_ru)
    page = client.get("/exchange/?box=asked&status=pending_consent").content.decode()
    assert "Recruitment through messaging channels" in page
    fp_kz = User.objects.get(username="fp-kz")
    # Two states' passports with one number are two documents: nobody is told of a match.
    assert not fp_kz.notifications.filter(key__startswith="exchange:document-match:").exists()
    from exchange.models import DocumentNotice

    assert set(DocumentNotice.objects.values_list("issuing_state__code", flat=True)) == {"KZ", "RU"}
