"""Handling binds: RED stays on its page, H1 blocks judicial export, H2 needs a re-share request."""

import pytest
from django.urls import reverse

from cica_portal import approvals
from cica_portal.models import Notification
from exchange.models import JudicialPermission, ReshareRequest, Share, ShareRead
from tests.exchange import factories
from tests.factories import FocalPointUserFactory, state

pytestmark = pytest.mark.django_db

SHARES = "/api/v1/exchange/shares/"


@pytest.fixture
def fp_uz(db):
    return FocalPointUserFactory(username="fp-uz", state=state("UZ"))


@pytest.fixture
def released(fp_kz, approver_kz, approver_ru):
    return factories.released(fp_kz, [approver_kz, approver_ru])


def _answer(reshare: ReshareRequest, approver, decision: str = "approve") -> None:
    reshare.refresh_from_db()
    approvals.answer_request(
        reshare.approval,
        approver=approver,
        decision=decision,
        comment="" if decision == "approve" else "Not beyond the recipients.",
        seen_hash=reshare.approval.content_hash,
    )


def _ask(api_client, user, share, **body):
    api_client.force_authenticate(user)
    data = {"states": ["UZ"], "reason": "The route continues into Uzbekistan.", **body}
    return api_client.post(f"{SHARES}{share.pk}/reshare-requests/", data, format="json")


# --- H2: re-share requests ------------------------------------------------------------------


def test_a_recipient_asks_and_the_providers_consent_then_the_new_state_reads_that_version(
    api_client, released, fp_cn, fp_uz, approver_kz, approver_ru
):
    response = _ask(api_client, fp_cn, released)
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "pending"
    assert response.json()["states"] == ["UZ"]
    reshare = ReshareRequest.objects.get(pk=response.json()["id"])
    assert sorted(s.code for s in reshare.approval.required_states.all()) == ["KZ", "RU"]
    api_client.force_authenticate(fp_uz)
    assert api_client.get(f"{SHARES}{released.pk}/").status_code == 404
    _answer(reshare, approver_kz)
    _answer(reshare, approver_ru)
    reshare.refresh_from_db()
    assert reshare.status == ReshareRequest.Status.APPROVED
    api_client.force_authenticate(fp_uz)
    detail = api_client.get(f"{SHARES}{released.pk}/").json()
    assert "UZ" in detail["recipient_states"]
    assert detail["content_hash"] == reshare.share_hash
    assert Notification.objects.filter(recipient=fp_uz, url=released.get_absolute_url()).exists()


def test_a_refused_re_share_gives_nothing(
    api_client, released, fp_cn, fp_uz, approver_kz, approver_ru
):
    reshare = ReshareRequest.objects.get(pk=_ask(api_client, fp_cn, released).json()["id"])
    _answer(reshare, approver_kz)
    _answer(reshare, approver_ru, "decline")
    reshare.refresh_from_db()
    assert reshare.status == ReshareRequest.Status.DECLINED
    api_client.force_authenticate(fp_uz)
    assert api_client.get(f"{SHARES}{released.pk}/").status_code == 404


def test_only_a_recipient_states_focal_point_asks(api_client, released, fp_kz, fp_uz):
    assert _ask(api_client, fp_uz, released).status_code == 404  # not theirs: not there
    assert _ask(api_client, fp_kz, released, states=["TJ"]).status_code == 403
    assert not ReshareRequest.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"states": [], "authority": ""}, "states"),
        ({"states": ["ZZ"]}, "states"),
        ({"states": ["KZ"]}, "states"),  # already has it
        ({"states": "UZ"}, "states"),
        ({"reason": ""}, "reason"),
    ],
)
def test_a_bad_re_share_request_is_a_400_naming_the_field(api_client, released, fp_cn, body, field):
    response = _ask(api_client, fp_cn, released, **body)
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not ReshareRequest.objects.exists()


def test_a_re_share_to_a_national_authority_in_words(api_client, released, fp_cn):
    response = _ask(api_client, fp_cn, released, states=[], authority="Prosecutor's office")
    assert response.status_code == 201
    assert response.json()["authority"] == "Prosecutor's office"


def test_the_page_offers_the_request_and_keeps_bad_input(client, released, fp_cn):
    client.force_login(fp_cn)
    page = client.get(released.get_absolute_url()).content.decode()
    assert reverse("exchange:reshare", args=[released.pk]) in page
    url = reverse("exchange:reshare", args=[released.pk])
    response = client.post(url, {"reason": "Kept reason"})
    assert response.status_code == 400
    assert "Kept reason" in response.content.decode()
    assert "states" in response.context["reshare_form"].errors
    response = client.post(url, {"states": ["UZ"], "reason": "Route continues"})
    assert response.status_code == 302
    assert ReshareRequest.objects.get().status == ReshareRequest.Status.PENDING


def test_withdrawing_the_share_ends_its_pending_re_share_requests(
    api_client, released, fp_cn, fp_kz
):
    reshare = ReshareRequest.objects.get(pk=_ask(api_client, fp_cn, released).json()["id"])
    api_client.force_authenticate(fp_kz)
    assert (
        api_client.post(f"{SHARES}{released.pk}/withdraw/", {"reason": "Outdated."}).status_code
        == 200
    )
    reshare.refresh_from_db()
    assert reshare.status == ReshareRequest.Status.WITHDRAWN
    assert not reshare.approval.is_open


# --- H1 and exports ---------------------------------------------------------------------------


def _with_codes(share: Share, *codes: str, tlp: str | None = None) -> Share:
    share.handling_codes = list(codes)
    share.tlp = tlp or share.tlp
    share.save(update_fields=["handling_codes", "tlp"])
    return share


def test_h1_blocks_judicial_export_until_the_provider_permits_it(
    api_client, released, fp_cn, fp_kz, cn
):
    _with_codes(released, "H1", "H2")
    api_client.force_authenticate(fp_cn)
    url = f"{SHARES}{released.pk}/export/"
    assert api_client.get(url, {"purpose": "judicial"}).status_code == 403
    assert api_client.get(url, {"purpose": "intelligence"}).status_code == 200
    api_client.force_authenticate(fp_cn)
    denied = api_client.post(
        f"{SHARES}{released.pk}/judicial-permissions/", {"state": "CN"}, format="json"
    )
    assert denied.status_code == 403  # only the provider records it
    api_client.force_authenticate(fp_kz)
    granted = api_client.post(
        f"{SHARES}{released.pk}/judicial-permissions/", {"state": "CN"}, format="json"
    )
    assert granted.status_code == 201
    assert JudicialPermission.objects.filter(state=cn).exists()
    api_client.force_authenticate(fp_cn)
    document = api_client.get(url, {"purpose": "judicial"}).json()
    assert document["purpose"] == "judicial"
    assert document["handling_codes"] == ["H1", "H2"]
    assert ShareRead.objects.filter(share=released, user=fp_cn, via="export").count() == 2


def test_an_export_needs_a_purpose(api_client, released, fp_cn):
    api_client.force_authenticate(fp_cn)
    response = api_client.get(f"{SHARES}{released.pk}/export/", {"purpose": "press"})
    assert response.status_code == 400
    assert "purpose" in response.json()


def test_an_outsider_exports_nothing(api_client, released, fp_uz):
    api_client.force_authenticate(fp_uz)
    url = f"{SHARES}{released.pk}/export/"
    assert api_client.get(url, {"purpose": "intelligence"}).status_code == 404


def test_the_page_refuses_judicial_export_with_the_reason(client, released, fp_cn):
    _with_codes(released, "H1")
    client.force_login(fp_cn)
    page = client.get(released.get_absolute_url()).content.decode()
    assert "?purpose=judicial" not in page
    assert "H1:" in page
    response = client.get(
        reverse("exchange:export", args=[released.pk]), {"purpose": "judicial"}, follow=True
    )
    assert "H1:" in response.content.decode()
    ok = client.get(reverse("exchange:export", args=[released.pk]), {"purpose": "intelligence"})
    assert ok.status_code == 200
    assert ok["Content-Disposition"].startswith("attachment")


# --- RED ----------------------------------------------------------------------------------------


def test_a_red_share_is_never_exported(api_client, released, fp_cn):
    _with_codes(released, "H2", tlp="RED")
    api_client.force_authenticate(fp_cn)
    response = api_client.get(f"{SHARES}{released.pk}/export/", {"purpose": "intelligence"})
    assert response.status_code == 403


def test_no_notice_names_a_red_shares_title(fp_kz, approver_kz, approver_ru):
    share = factories.draft(fp_kz, title="Informant in the northern cell")
    share.tlp = "RED"
    share.save(update_fields=["tlp"])
    share = factories.submit_and_release(share, fp_kz, [approver_kz, approver_ru])
    assert Notification.objects.exists()
    for notice in Notification.objects.all():
        assert "Informant" not in notice.subject
        assert "Informant" not in notice.body


def test_the_approval_page_does_not_show_a_red_shares_content(client, fp_kz, approver_ru):
    share = factories.draft(fp_kz, title="Informant in the northern cell")
    share.tlp = "RED"
    share.save(update_fields=["tlp"])
    share = factories.submit(share, fp_kz)
    client.force_login(approver_ru)
    page = client.get(reverse("approval-detail", args=[share.approval_id])).content.decode()
    assert "Informant" not in page
    assert "Concealed in agricultural produce" not in page
    assert share.get_absolute_url() in page
