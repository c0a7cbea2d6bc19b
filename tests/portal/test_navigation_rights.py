"""The main navigation shows each link exactly to those the portal-wide rules let in."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from cica_portal import rights

pytestmark = pytest.mark.django_db

# Each link of the main navigation and the rule that decides who sees it.
LINKS = {
    "actionplan:index": rights.may_use_network,
    "focalpoints:directory": rights.may_use_network,
    "meetings:calendar": rights.may_use_network,
    "exchange:index": rights.may_use_network,
    "inquiries:index": rights.may_use_network,
    "approvals-inbox": rights.may_answer_for_state,
    "approvals": lambda user: (
        rights.may_use_network(user) and not rights.may_answer_for_state(user)
    ),  # approvers get their inbox instead
    "admin:index": rights.may_administer,
}


def _navigation(client, user) -> set[str]:
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("home") if user is not None else reverse("login"))
    assert response.status_code == 200
    nav = re.search(r'<nav class="main-nav".*?</nav>', response.content.decode(), re.S)
    return set(re.findall(r'href="([^"]+)"', nav.group(0))) if nav else set()


@pytest.fixture(params=["anonymous", "fp_kz", "approver_kz", "secretariat"])
def person(request):
    return None if request.param == "anonymous" else request.getfixturevalue(request.param)


def test_it_shows_each_link_exactly_to_those_the_rule_allows(client, person):
    shown = _navigation(client, person)
    asker = person or AnonymousUser()
    for name, rule in LINKS.items():
        assert (reverse(name) in shown) is rule(asker), name


def test_it_links_only_to_pages_that_let_the_person_in(client, person):
    shown = _navigation(client, person)
    for url in shown:
        assert client.get(url).status_code == 200, url


def test_an_account_without_a_role_sees_no_network_links(client, django_user_model):
    outsider = django_user_model.objects.create_user("no-role", password="x" * 16)
    shown = _navigation(client, outsider)
    assert shown == {reverse("home")}
    assert client.get(reverse("actionplan:index")).status_code == 403


def test_a_network_page_refuses_a_person_the_rule_refuses(client, fp_kz):
    client.force_login(fp_kz)
    assert client.get(reverse("approvals-inbox")).status_code == 403
