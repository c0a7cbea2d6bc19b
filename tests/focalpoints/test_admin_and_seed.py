"""The Secretariat's admin, and the demo network."""

import datetime
import io

import pytest
from django.utils import timezone

from cica_portal.demo import create_demo_people
from focalpoints import seed
from focalpoints.models import FocalPoint, FocalPointArea, OrganisationContact
from tests.focalpoints.factories import FocalPointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, secretariat):
    secretariat.is_superuser = True
    secretariat.save()
    client.force_login(secretariat)
    return client


def test_admin_lists_and_filters_by_term(admin_client, kz, ru):
    today = timezone.localdate()
    FocalPointFactory(state=kz, name="Soon", term_end=today + datetime.timedelta(days=10))
    FocalPointFactory(state=ru, name="Later", term_end=today + datetime.timedelta(days=200))
    url = "/admin/focalpoints/focalpoint/"
    assert admin_client.get(url).status_code == 200
    page = admin_client.get(url, {"term": "expiring"}).content.decode()
    assert "Soon" in page and "Later" not in page
    for query in ({"status__exact": "active"}, {"state__id__exact": kz.pk}, {"q": "Later"}):
        assert admin_client.get(url, query).status_code == 200


def test_admin_actions_verify_and_return(admin_client, kz, ru):
    one = FocalPointFactory(state=kz, status="nominated")
    two = FocalPointFactory(state=ru, status="nominated")
    url = "/admin/focalpoints/focalpoint/"
    admin_client.post(url, {"action": "verify_selected", "_selected_action": [one.pk]})
    admin_client.post(url, {"action": "return_selected", "_selected_action": [two.pk]})
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.status == "active" and two.status == "returned" and two.return_reason
    assert admin_client.get(f"{url}{one.pk}/change/").status_code == 200


def test_seed_fills_the_network_with_gaps_and_expiring_terms_and_is_idempotent():
    create_demo_people("pw")
    out = io.StringIO()
    seed.seed_demo(password="pw", stdout=out)
    counts = (
        FocalPoint.objects.count(),
        FocalPointArea.objects.count(),
        OrganisationContact.objects.count(),
    )
    kz = FocalPoint.objects.get(state__code="KZ", role="primary")
    assert kz.name == "Focal point, Kazakhstan" and kz.user.username == "fp-kz"
    assert kz.status == "active" and kz.areas.count() == 4
    assert FocalPoint.objects.filter(status="nominated").count() == 1
    assert FocalPoint.objects.filter(status="returned").count() == 1
    assert FocalPoint.objects.filter(role="deputy", status="active").exists()
    today = timezone.localdate()
    assert FocalPoint.objects.filter(term_end__lte=today + datetime.timedelta(days=60)).count() == 3
    assert not FocalPointArea.objects.filter(state__code="PS", area__number=4).exists()
    assert OrganisationContact.objects.count() == 3
    seed.seed_demo(password="pw", stdout=out)
    assert counts == (
        FocalPoint.objects.count(),
        FocalPointArea.objects.count(),
        OrganisationContact.objects.count(),
    )
