"""Each "may I" rule of the network is one predicate: the page offers an action exactly when the
predicate says yes, and the service refuses exactly when it says no."""

import pytest
from django.urls import reverse

from focalpoints import selectors, services
from focalpoints.models import FocalPoint
from focalpoints.services import FocalPointError
from tests.focalpoints.factories import FocalPointFactory, area

pytestmark = pytest.mark.django_db
Status = FocalPoint.Status
PEOPLE = ["secretariat", "approver_kz", "approver_ru", "fp_kz", "fp_ru"]


@pytest.fixture
def people(secretariat, approver_kz, approver_ru, fp_kz, fp_ru):
    return {name: value for name, value in locals().items() if name in PEOPLE}


def _entry(status: str, fp_kz) -> FocalPoint:
    return FocalPointFactory(status=status, user=fp_kz)


def _verify(entry, user):
    services.verify(entry, actor=user)


def _withdraw(entry, user):
    services.withdraw(entry, actor=user, reason="Left the ministry")


def _correct(entry, user):
    services.update_nomination(entry, approver=user, areas=[area(1)], position="Head")


def _update_own_details(entry, user):
    services.update_contact_details(entry, actor=user, phone="+7 7172 111111")


# predicate, the page's link or form, the service
ACTIONS = {
    "verify": (selectors.may_verify, "focalpoints:verify", _verify),
    "withdraw": (selectors.may_withdraw, "focalpoints:withdraw", _withdraw),
    "correct": (selectors.may_correct_nomination, "focalpoints:edit", _correct),
    "update_own_details": (
        selectors.may_update_own_details,
        "focalpoints:my-details",
        _update_own_details,
    ),
}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_it_offers_and_allows_an_action_exactly_when_its_predicate_says_so(
    client, people, fp_kz, status, action
):
    may, url_name, act = ACTIONS[action]
    for name, user in people.items():
        entry = _entry(status, fp_kz)
        allowed = may(user, entry)
        client.force_login(user)
        page = client.get(reverse("focalpoints:detail", args=[entry.pk]))
        offered = page.status_code == 200 and reverse(url_name, args=[entry.pk]) in page.text
        assert offered == allowed, (name, status)
        assert selectors.rights_on(user, entry)[action] == allowed
        try:
            act(entry, user)
        except FocalPointError:
            done = False
        else:
            done = True
        assert done == allowed, (name, status)
        entry.delete()


def test_it_lets_only_the_secretariat_verify_what_awaits_verification(secretariat, approver_kz):
    nominated = FocalPointFactory(status=Status.NOMINATED)
    assert selectors.may_verify(secretariat, nominated)
    assert not selectors.may_verify(approver_kz, nominated)
    assert not selectors.may_verify(secretariat, FocalPointFactory(status=Status.ACTIVE))


def test_it_lets_the_states_approver_and_the_secretariat_withdraw_an_open_entry(
    secretariat, approver_kz, approver_ru
):
    entry = FocalPointFactory(status=Status.ACTIVE)
    assert selectors.may_withdraw(secretariat, entry)
    assert selectors.may_withdraw(approver_kz, entry)
    assert not selectors.may_withdraw(approver_ru, entry)
    assert not selectors.may_withdraw(secretariat, FocalPointFactory(status=Status.ENDED))


def test_it_lets_only_the_states_approver_correct_an_unverified_nomination(
    approver_kz, approver_ru, secretariat
):
    returned = FocalPointFactory(status=Status.RETURNED)
    assert selectors.may_correct_nomination(approver_kz, returned)
    assert not selectors.may_correct_nomination(approver_ru, returned)
    assert not selectors.may_correct_nomination(secretariat, returned)
    assert not selectors.may_correct_nomination(
        approver_kz, FocalPointFactory(status=Status.ACTIVE)
    )


def test_it_lets_a_focal_point_update_only_their_own_current_entry(fp_kz, fp_ru):
    own = FocalPointFactory(status=Status.CHANGES_TO_VERIFY, user=fp_kz)
    assert selectors.may_update_own_details(fp_kz, own)
    assert not selectors.may_update_own_details(fp_ru, own)
    assert not selectors.may_update_own_details(
        fp_kz, FocalPointFactory(status=Status.WITHDRAWN, user=fp_kz)
    )


def test_it_shows_the_history_only_to_those_who_manage_the_entry(
    fp_kz, fp_ru, approver_kz, approver_ru, secretariat
):
    entry = FocalPointFactory(status=Status.ACTIVE, user=fp_kz)
    managers = [fp_kz, fp_ru, approver_kz, approver_ru, secretariat]
    assert [selectors.may_manage(u, entry) for u in managers] == [True, False, True, False, True]


def test_it_offers_a_nomination_only_to_approvers(client, approver_kz, fp_kz):
    assert selectors.may_nominate(approver_kz)
    assert not selectors.may_nominate(fp_kz)
    client.force_login(fp_kz)
    page = client.get(reverse("focalpoints:nominations"))
    assert reverse("focalpoints:nominate") not in page.text
    client.force_login(approver_kz)
    assert reverse("focalpoints:nominate") in client.get(reverse("focalpoints:nominations")).text
