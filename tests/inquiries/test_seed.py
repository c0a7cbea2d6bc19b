import io

import pytest

from cica_portal.demo import create_demo_people
from inquiries.models import InformationRequest, RequestedState
from inquiries.seed import seed_demo

pytestmark = pytest.mark.django_db


def test_it_seeds_requests_in_both_languages_in_each_state_of_their_life_once(client):
    create_demo_people("pw-for-tests-2008")
    seed_demo(password="x", stdout=io.StringIO())
    statuses = set(RequestedState.objects.values_list("status", flat=True))
    assert {"pending", "partial", "refused", "answered"} <= statuses
    subjects = list(InformationRequest.objects.values_list("subject", flat=True))
    assert any("Сведения" in s for s in subjects)
    assert any("Truck" in s for s in subjects)
    count = InformationRequest.objects.count()
    seed_demo(password="x", stdout=io.StringIO())
    assert InformationRequest.objects.count() == count == 4

    from cica_portal.models import User

    client.force_login(User.objects.get(username="fp-kz"))
    page = client.get("/information-requests/").content.decode()
    assert "Сведения о владельце паспорта N 0451-9937" in page
