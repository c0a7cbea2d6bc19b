"""Nobody learns of a share from its approval, its notices or its lists more than the share
itself would tell them, and losing access is immediate on every surface."""

import pytest
from django.urls import reverse

from cica_portal import approvals
from cica_portal.models import Notification
from exchange import services
from tests.exchange import factories

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
