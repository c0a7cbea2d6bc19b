"""Nothing asked twice (WCAG 2.2, 3.3.7): a new delegation starts from the state's previous one."""

import pytest
from django.urls import reverse

from meetings import services

from .factories import MeetingFactory, in_days

pytestmark = pytest.mark.django_db

HEAD = {"name": "Head of the national police", "position": "General", "role": "head"}
EXPERT = {"name": "Border expert", "position": "Colonel", "role": "expert", "dietary": "Halal"}


def _initial_names(response) -> list[str]:
    return [form.initial.get("name") for form in response.context["formset"].forms if form.initial]


def test_a_new_delegation_is_filled_in_from_the_states_last_one(client, fp_kz):
    earlier = MeetingFactory(title="Experts on border control", start=in_days(20))
    services.register_delegation(earlier, by=fp_kz, delegates=[HEAD, EXPERT])
    meeting = MeetingFactory(start=in_days(60))

    client.force_login(fp_kz)
    response = client.get(reverse("meetings:register", args=[meeting.pk]))

    assert _initial_names(response) == [HEAD["name"], EXPERT["name"]]
    assert response.context["formset"].forms[1].initial["dietary"] == "Halal"
    assert "delegation to Experts on border control: check each row" in response.content.decode()


def test_another_states_delegation_is_never_offered(client, fp_kz, fp_ru):
    services.register_delegation(MeetingFactory(), by=fp_ru, delegates=[HEAD])
    meeting = MeetingFactory()

    client.force_login(fp_kz)
    response = client.get(reverse("meetings:register", args=[meeting.pk]))

    assert _initial_names(response) == []
    assert response.context["previous"] is None


def test_the_delegation_already_registered_wins_over_the_previous_one(client, fp_kz):
    services.register_delegation(MeetingFactory(), by=fp_kz, delegates=[HEAD])
    meeting = MeetingFactory()
    services.register_delegation(meeting, by=fp_kz, delegates=[EXPERT])

    client.force_login(fp_kz)
    response = client.get(reverse("meetings:register", args=[meeting.pk]))

    assert _initial_names(response) == [EXPERT["name"]]
    assert response.context["previous"] is None
