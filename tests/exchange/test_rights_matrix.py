"""Who sees a share, through the API and the pages alike, at each stage of its life.

The share: drafted by fp-kz (Kazakhstan), RU concerned, released to CN. Expected rights are
those of the REST API contract; everyone else gets 404 and never finds it in a list or a count.
"""

import pytest
from django.urls import reverse

from exchange import services
from tests.exchange import factories

pytestmark = pytest.mark.django_db

STAGES = ["draft", "pending", "released", "withdrawn"]
PEOPLE = [
    "fp_kz",  # the author
    "fp_kz_colleague",  # another user of the originating state
    "approver_kz",  # approver of the originating state
    "approver_ru",  # approver of a concerned state
    "fp_ru",  # a concerned state's focal point: not an approver
    "approver_uz",  # approver of a state with no part in it
    "fp_cn",  # user of a recipient state
    "approver_cn",  # approver of a recipient state
    "secretariat",  # the Secretariat; the share does not let it read
    "superuser",  # staff and superuser status open nothing
]
SEES = {
    "fp_kz": {"draft", "pending", "released", "withdrawn"},
    "fp_kz_colleague": {"draft", "pending", "released", "withdrawn"},
    "approver_kz": {"draft", "pending", "released", "withdrawn"},
    "approver_ru": {"pending", "released"},  # asked; not once withdrawn
    "fp_ru": set(),
    "approver_uz": set(),
    "fp_cn": {"released"},
    "approver_cn": {"released"},
    "secretariat": set(),
    "superuser": set(),
}


def _share_at(stage, request, *, secretariat_may_read=False):
    fp_kz = request.getfixturevalue("fp_kz")
    approvers = [request.getfixturevalue("approver_kz"), request.getfixturevalue("approver_ru")]
    kwargs = {"secretariat_may_read": secretariat_may_read}
    if stage == "draft":
        return factories.draft(fp_kz, **kwargs)
    if stage == "pending":
        return factories.pending(fp_kz, **kwargs)
    share = factories.released(fp_kz, approvers, **kwargs)
    if stage == "withdrawn":
        share = services.withdraw_share(share, actor=fp_kz)
    return share


@pytest.fixture
def everyone(request):
    return {name: request.getfixturevalue(name) for name in PEOPLE}


def _sees_via_api(api_client, user, share) -> bool:
    api_client.force_authenticate(user)
    detail = api_client.get(f"/api/v1/exchange/shares/{share.pk}/")
    listing = api_client.get("/api/v1/exchange/shares/").json()
    in_list = share.pk in [row["id"] for row in listing["results"]]
    assert detail.status_code in (200, 404)
    assert (detail.status_code == 200) == in_list
    assert listing["count"] == len(listing["results"]) == int(in_list)
    if detail.status_code == 200:
        assert detail.json()["content"]["modus_operandi"]
    return in_list


def _sees_via_pages(client, user, share) -> bool:
    client.force_login(user)
    detail = client.get(reverse("exchange:detail", args=[share.pk]))
    listing = client.get(reverse("exchange:index"))
    assert detail.status_code in (200, 404)
    in_list = share.get_absolute_url() in listing.content.decode()
    assert (detail.status_code == 200) == in_list
    assert (share.title in listing.content.decode()) == in_list
    return in_list


@pytest.mark.parametrize("stage", STAGES)
def test_it_shows_each_share_exactly_to_whom_the_contract_names(
    stage, request, everyone, api_client, client
):
    share = _share_at(stage, request)
    for name, user in everyone.items():
        expected = stage in SEES[name]
        assert _sees_via_api(api_client, user, share) == expected, (name, stage, "api")
        assert _sees_via_pages(client, user, share) == expected, (name, stage, "page")


@pytest.mark.parametrize("stage", STAGES)
def test_the_secretariat_reads_only_what_was_released_to_it(
    stage, request, secretariat, superuser, api_client, client
):
    share = _share_at(stage, request, secretariat_may_read=True)
    for user in (secretariat, superuser):
        assert _sees_via_api(api_client, user, share) == (stage == "released")
        assert _sees_via_pages(client, user, share) == (stage == "released")


def test_anonymous_gets_nothing(request, api_client, client):
    share = _share_at("released", request)
    assert api_client.get("/api/v1/exchange/shares/").status_code in (401, 403)
    assert api_client.get(f"/api/v1/exchange/shares/{share.pk}/").status_code in (401, 403)
    response = client.get(reverse("exchange:detail", args=[share.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_guardian_agrees_with_the_selector(request, fp_cn, fp_ru):
    """Rights at release are guardian rows on a per-state group; guardian reads them too."""
    from guardian.core import ObjectPermissionChecker

    share = _share_at("released", request)
    assert ObjectPermissionChecker(fp_cn).has_perm("view_share", share)
    assert not ObjectPermissionChecker(fp_ru).has_perm("view_share", share)
    services.withdraw_share(share, actor=request.getfixturevalue("fp_kz"))
    assert not ObjectPermissionChecker(fp_cn).has_perm("view_share", share)


def test_a_model_level_permission_opens_nothing(request, fp_cn, api_client):
    """The Secretariat's admin group holds exchange.view_share; content stays closed."""
    from django.contrib.auth.models import Permission

    share = _share_at("pending", request)
    fp_cn.user_permissions.add(Permission.objects.get(codename="view_share"))
    api_client.force_authenticate(fp_cn)
    assert api_client.get(f"/api/v1/exchange/shares/{share.pk}/").status_code == 404


def test_the_approval_page_shows_content_only_to_those_who_may_see_it(
    request, secretariat, approver_ru, fp_ru, client
):
    share = _share_at("pending", request)
    url = reverse("approval-detail", args=[share.approval_id])
    client.force_login(approver_ru)
    page = client.get(url).content.decode()
    assert "Concealed in agricultural produce" in page
    for outsider in (secretariat, fp_ru):
        client.force_login(outsider)
        response = client.get(url)
        assert response.status_code == 404  # not a party: the request does not exist for them
        assert "Concealed in agricultural produce" not in response.content.decode()
        assert share.title not in response.content.decode()
