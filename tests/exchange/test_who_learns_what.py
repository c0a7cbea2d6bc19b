"""Nobody learns of a share from its approval, its notices or its lists more than the share
itself would tell them, and losing access is immediate on every surface."""

import pytest
from django.urls import reverse

from cica_portal import approvals
from cica_portal.models import Notification
from exchange import services
from exchange.models import Share
from tests.exchange import factories
from tests.exchange.test_pages import form_data

pytestmark = pytest.mark.django_db
SECRET = "MARK-SECRET-TITLE"
REASON = "do not release to the third state"


@pytest.fixture
def declined_by_ru(fp_kz, approver_ru):
    share = factories.pending(fp_kz, title=SECRET, concerned=("RU",), recipients=("CN",))
    return factories.decide(share, approver=approver_ru, decision="object", comment=REASON)


def _pages(client, share):
    urls = [
        reverse("approvals"),
        reverse("approvals") + "?status=rejected",
        reverse("approval-detail", args=[share.approval_id]),
        "/api/v1/approvals/",
        f"/api/v1/approvals/{share.approval_id}/",
    ]
    return {url: client.get(url) for url in urls}


@pytest.mark.parametrize("who", ["secretariat", "fp_ru"])
def test_the_approvals_tell_a_non_party_nothing_of_a_share(request, declined_by_ru, client, who):
    client.force_login(request.getfixturevalue(who))
    for url, response in _pages(client, declined_by_ru).items():
        text = response.content.decode()
        assert response.status_code in (200, 404), url
        for leak in (SECRET, REASON, "Kazakhstan", "trafficking", f"#{declined_by_ru.pk}"):
            assert leak not in text, (url, leak)


def test_the_admin_shows_the_secretariat_no_approval_of_a_share(
    declined_by_ru, client, secretariat, superuser
):
    for user in (secretariat, superuser):
        client.force_login(user)
        listing = client.get("/admin/cica_portal/approvalrequest/").content.decode()
        assert SECRET not in listing
        assert "Kazakhstan" not in listing
        detail = client.get(
            f"/admin/cica_portal/approvalrequest/{declined_by_ru.approval_id}/change/"
        )
        missing = client.get("/admin/cica_portal/approvalrequest/999999/change/")
        assert detail.status_code == missing.status_code  # as if it did not exist
        assert SECRET not in detail.content.decode()
        assert REASON not in detail.content.decode()


def test_the_parties_see_the_answers_and_reasons(declined_by_ru, client, approver_ru, fp_kz):
    for party in (fp_kz, approver_ru):
        client.force_login(party)
        page = client.get(reverse("approval-detail", args=[declined_by_ru.approval_id]))
        assert REASON in page.content.decode()


def test_a_recipient_reads_the_share_but_not_who_consented_and_why(
    fp_kz, approver_kz, approver_ru, fp_cn, client, api_client
):
    share = factories.pending(fp_kz, concerned=("RU",), recipients=("CN",))
    share = factories.decide(share, approver=approver_kz, decision="approve", comment="KZ-NOTE")
    share = factories.decide(share, approver=approver_ru, decision="approve", comment="RU-NOTE")
    client.force_login(fp_cn)
    page = client.get(share.get_absolute_url()).content.decode()
    assert "KZ-NOTE" not in page
    assert "RU-NOTE" not in page
    assert str(approver_ru) not in page
    assert client.get(reverse("approval-detail", args=[share.approval_id])).status_code == 404
    api_client.force_authenticate(fp_cn)
    data = api_client.get(f"/api/v1/exchange/shares/{share.pk}/").json()
    assert "KZ-NOTE" not in str(data)
    assert "RU-NOTE" not in str(data)


def test_a_withdrawal_empties_every_list_count_and_card_at_once(
    fp_kz, approver_kz, approver_ru, fp_cn, client, api_client
):
    share = factories.released(fp_kz, [approver_kz, approver_ru], title=SECRET)
    client.force_login(fp_cn)
    api_client.force_authenticate(fp_cn)
    assert SECRET in client.get(reverse("exchange:index") + "?box=received").content.decode()
    assert api_client.get("/api/v1/exchange/shares/?box=received").json()["count"] == 1
    assert client.get(reverse("home")).context  # the dashboard renders its cards
    services.withdraw_share(share, actor=fp_kz)
    listing = client.get(reverse("exchange:index") + "?box=received")
    assert SECRET not in listing.content.decode()
    assert listing.context["count"] == 0
    assert api_client.get("/api/v1/exchange/shares/?box=received").json()["count"] == 0
    assert api_client.get(f"/api/v1/exchange/shares/{share.pk}/").status_code == 404


def test_an_asked_approver_stops_reading_a_withdrawn_share(fp_kz, approver_kz, approver_ru, client):
    share = factories.released(fp_kz, [approver_kz, approver_ru], title=SECRET)
    client.force_login(approver_ru)
    assert client.get(share.get_absolute_url()).status_code == 200
    services.withdraw_share(share, actor=fp_kz)
    assert client.get(share.get_absolute_url()).status_code == 404
    assert SECRET not in client.get(reverse("exchange:index")).content.decode()
    assert not approvals.requests_visible_to(approver_ru).filter(pk=share.approval_id).exists()


def test_a_notice_of_a_withdrawn_share_says_it_is_gone_instead_of_a_404(
    fp_kz, approver_kz, approver_ru, fp_cn, client
):
    share = factories.released(fp_kz, [approver_kz, approver_ru])
    notice = Notification.objects.get(recipient=fp_cn, key=f"exchange:share:{share.pk}:released")
    client.force_login(fp_cn)
    opened = client.post(reverse("notification-open", args=[notice.pk]))
    assert opened.status_code == 302
    assert opened["Location"] == share.get_absolute_url()
    services.withdraw_share(share, actor=fp_kz)
    listing = client.get(reverse("notifications")).content.decode()
    assert "No longer available to you" in listing
    opened = client.post(reverse("notification-open", args=[notice.pk]), follow=True)
    assert opened.status_code == 200
    assert opened.redirect_chain[-1][0] == reverse("notifications")
    assert "no longer available to you" in opened.content.decode()


# --- a confidential distribution (issue 16, point 8) ---------------------------------------------
# The originating state's users and the approvers asked for consent see the whole distribution
# (they consent to it); a recipient state, and the Secretariat, see only that they received it.


@pytest.fixture
def confidential(fp_kz, approver_kz, approver_ru, fp_cn, secretariat):
    # The content names no state but the originating one and China (transit and destination
    # fields are the content itself, not the distribution).
    content = factories.trafficking_content(transit_states=[], destination_states=["CN"])
    share = factories.draft(
        fp_kz,
        content=content,
        concerned=("RU",),
        recipients=("CN", "MN"),
        secretariat_may_read=True,
    )
    share = services.update_share(share, actor=fp_kz, distribution_confidential=True)
    return factories.submit_and_release(share, fp_kz, [approver_kz, approver_ru])


def _api_states(api_client, user, share):
    api_client.force_authenticate(user)
    detail = api_client.get(f"/api/v1/exchange/shares/{share.pk}/").json()
    (row,) = [
        r
        for r in api_client.get("/api/v1/exchange/shares/").json()["results"]
        if r["id"] == share.pk
    ]
    return detail, row


def test_a_recipient_of_a_confidential_share_sees_only_its_own_state(
    confidential, api_client, client, fp_cn
):
    detail, row = _api_states(api_client, fp_cn, confidential)
    for data in (detail, row):
        assert data["distribution_confidential"] is True
        assert data["recipient_states"] == ["CN"]
        assert data["concerned_states"] == []
    assert detail["consents"] == []
    client.force_login(fp_cn)
    page = client.get(confidential.get_absolute_url()).content.decode()
    asked = page[page.index('id="reshare-heading"') :]
    assert "Mongolia" in asked  # every state may be asked, so the form names no recipient
    assert 'value="CN"' not in asked  # but its own
    page = page[: page.index('id="reshare-heading"')]
    listing = client.get(reverse("exchange:index")).content.decode()
    for text in (page, listing):
        assert "Mongolia" not in text
        assert "MN" not in text
        assert "Russia" not in text
    assert "Released to China" in page


def test_the_secretariat_reading_a_confidential_share_sees_no_state(
    confidential, api_client, secretariat
):
    detail, row = _api_states(api_client, secretariat, confidential)
    assert detail["recipient_states"] == [] == row["concerned_states"]


@pytest.mark.parametrize("who", ["fp_kz", "approver_ru"])
def test_the_parties_to_the_consent_see_the_whole_confidential_distribution(
    request, confidential, api_client, who
):
    detail, _row = _api_states(api_client, request.getfixturevalue(who), confidential)
    assert detail["recipient_states"] == ["CN", "MN"]
    assert detail["concerned_states"] == ["RU"]
    assert {c["state"] for c in detail["consents"]} == {"KZ", "RU"}


def test_exports_and_the_feed_of_a_confidential_share_name_only_the_readers_state(
    confidential, api_client, fp_cn
):
    api_client.force_authenticate(fp_cn)
    event = api_client.get(f"/api/v1/exchange/shares/{confidential.pk}/misp/").json()["Event"]
    assert [o["Organisation"]["name"] for o in event["SharingGroup"]["SharingGroupOrg"]] == [
        "China"
    ]
    assert event["SharingGroup"]["releasability"] == "CN"
    bundle = api_client.get(f"/api/v1/exchange/shares/{confidential.pk}/stix/").content.decode()
    collections = api_client.get(
        "/taxii2/cica/collections/", HTTP_ACCEPT="application/taxii+json;version=2.1"
    ).json()["collections"]
    feed = api_client.get(
        f"/taxii2/cica/collections/{collections[0]['id']}/objects/",
        HTTP_ACCEPT="application/taxii+json;version=2.1",
    ).content.decode()
    for text in (bundle, feed):
        assert '"MN"' not in text
        assert "Mongolia" not in text
        assert "Russia" not in text
        assert '"CN"' in text


def test_the_release_notice_of_a_confidential_share_names_no_other_state(confidential, fp_cn):
    notice = Notification.objects.get(recipient=fp_cn, key__endswith=":released")
    assert "Mongolia" not in notice.body
    assert "Russia" not in notice.body


def test_the_author_chooses_a_confidential_distribution_in_the_form_and_the_api(
    client, api_client, fp_kz
):
    client.force_login(fp_kz)
    url = reverse("exchange:create", args=["trafficking-case"])
    assert 'name="distribution_confidential"' in client.get(url).content.decode()
    client.post(url, form_data(distribution_confidential="on", route_confirmed="RU,UZ"))
    api_client.force_authenticate(fp_kz)
    body = {
        "template": "trafficking-case",
        "title": "Kept close",
        "content": factories.trafficking_content(),
        "concerned_states": ["RU"],
        "recipient_states": ["CN"],
        "distribution_confidential": True,
    }
    assert api_client.post("/api/v1/exchange/shares/", body, format="json").status_code == 201
    assert list(Share.objects.values_list("distribution_confidential", flat=True)) == [True] * 2
