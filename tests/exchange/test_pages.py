"""The pages offer what the API offers, with the same rights."""

import pytest
from django.urls import reverse

from exchange.models import Share, ShareRead
from tests.exchange import factories

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "title": "Heroin route",
        "c_kind": "Illicit drugs",
        "c_origin_state": "KZ",
        "c_transit_states": ["UZ"],
        "c_destination_states": ["RU"],
        "c_modus_operandi": "Concealed in produce",
        "c_persons_involved": "3",
        "c_first_detected": "2026-03-01",
        "tlp": "AMBER+STRICT",
        "handling_codes": ["H2"],
        "source_reliability": "B",
        "information_reliability": "2",
        "recipient_states": ["CN"],
    }
    data.update(overrides)
    return data


def test_a_focal_point_drafts_a_share_from_the_template_form(client, fp_kz):
    client.force_login(fp_kz)
    url = reverse("exchange:create", args=["trafficking-case"])
    page = client.get(url).content.decode()
    assert 'name="c_origin_state"' in page
    assert 'name="c_transit_states"' in page
    response = client.post(url, form_data(concerned_states=["RU", "UZ"]))
    share = Share.objects.get()
    assert response.status_code == 302
    assert response["Location"] == share.get_absolute_url()
    assert share.content["persons_involved"] == 3
    assert share.content["first_detected"] == "2026-03-01"
    # the route's states are proposed first (tests/exchange/test_routes_and_membership.py)
    assert sorted(s.code for s in share.concerned_states.all()) == ["RU", "UZ"]


def test_bad_input_re_renders_with_what_was_typed(client, fp_kz):
    client.force_login(fp_kz)
    url = reverse("exchange:create", args=["trafficking-case"])
    response = client.post(
        url, form_data(c_modus_operandi="", c_first_detected="yesterday", c_route="Kept text")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"c_modus_operandi", "c_first_detected"} <= set(form.errors)
    assert "Kept text" in response.content.decode()
    assert not Share.objects.exists()


def test_only_focal_points_draft(client, approver_kz):
    client.force_login(approver_kz)
    assert client.get(reverse("exchange:create", args=["trafficking-case"])).status_code == 403


def test_the_author_edits_a_draft(client, fp_kz):
    share = factories.draft(fp_kz)
    client.force_login(fp_kz)
    url = reverse("exchange:edit", args=[share.pk])
    assert "Concealed in agricultural produce" in client.get(url).content.decode()
    data = form_data(title="New title", concerned_states=["RU"], route_confirmed="RU,UZ")
    assert client.post(url, data).status_code == 302
    share.refresh_from_db()
    assert share.title == "New title"


def test_edit_rights(client, fp_kz, fp_kz_colleague, approver_uz):
    share = factories.draft(fp_kz)
    url = reverse("exchange:edit", args=[share.pk])
    client.force_login(fp_kz_colleague)
    assert client.get(url).status_code == 403
    client.force_login(approver_uz)
    assert client.get(url).status_code == 404
    client.force_login(fp_kz)
    assert client.put(url).status_code == 405


def test_submit_withdraw_and_decide_through_pages(client, fp_kz, approver_kz, approver_ru, fp_cn):
    share = factories.draft(fp_kz)
    client.force_login(fp_kz)
    assert client.get(reverse("exchange:submit", args=[share.pk])).status_code == 405
    client.post(reverse("exchange:submit", args=[share.pk]))
    share.refresh_from_db()
    assert share.status == Share.Status.PENDING_CONSENT
    for approver in (approver_kz, approver_ru):
        client.force_login(approver)
        page = client.get(share.get_absolute_url()).content.decode()
        assert 'name="decision"' in page
        client.post(
            reverse("exchange:decide", args=[share.pk]),
            {"decision": "approve", "comment": "", "seen_hash": share.approval.content_hash},
        )
    share.refresh_from_db()
    assert share.status == Share.Status.RELEASED
    client.force_login(fp_cn)
    assert client.post(reverse("exchange:withdraw", args=[share.pk])).status_code == 403
    assert client.post(reverse("exchange:decide", args=[share.pk]), {}).status_code == 403
    client.force_login(fp_kz)
    client.post(reverse("exchange:withdraw", args=[share.pk]), {"reason": "Sent by mistake."})
    share.refresh_from_db()
    assert share.status == Share.Status.WITHDRAWN


def test_a_stale_consent_form_is_refused(client, fp_kz, approver_ru):
    share = factories.pending(fp_kz)
    seen = share.approval.content_hash
    from exchange import services

    services.update_share(share, actor=fp_kz, title="Changed after it was read")
    client.force_login(approver_ru)
    client.post(
        reverse("exchange:decide", args=[share.pk]), {"decision": "approve", "seen_hash": seen}
    )
    assert share.approval.current_answers().get(state__code="RU").is_pending


def test_the_originating_state_sees_the_read_log(client, fp_kz, fp_kz_colleague, approver_ru):
    share = factories.pending(fp_kz)
    client.force_login(approver_ru)
    page = client.get(share.get_absolute_url()).content.decode()
    assert "Who has read it" not in page
    client.force_login(fp_kz_colleague)
    page = client.get(share.get_absolute_url()).content.decode()
    assert "Who has read it" in page
    assert str(approver_ru) in page
    assert ShareRead.objects.filter(share=share, via="page").count() == 2


def test_the_shared_approval_page_logs_the_read_and_takes_the_answer(
    client, fp_kz, approver_ru, approver_kz
):
    share = factories.pending(fp_kz)
    url = reverse("approval-detail", args=[share.approval_id])
    client.force_login(approver_ru)
    assert "Concealed in agricultural produce" in client.get(url).content.decode()
    assert ShareRead.objects.filter(share=share, user=approver_ru, via="approval").exists()
    client.post(
        url, {"decision": "approve", "comment": "", "seen_hash": share.approval.content_hash}
    )
    share.refresh_from_db()
    consents = {c.state.code: c.decision for c in share.approval.current_answers()}
    assert consents["RU"] == "approve"


def test_the_list_filters(client, fp_kz):
    factories.draft(fp_kz, title="A draft one")
    factories.pending(fp_kz, title="A pending one")
    client.force_login(fp_kz)
    page = client.get(reverse("exchange:index"), {"status": "draft"}).content.decode()
    assert "A draft one" in page
    assert "A pending one" not in page
    assert client.post(reverse("exchange:index")).status_code == 405


def test_the_home_page_shows_the_exchange_card(client, fp_kz, approver_ru):
    factories.pending(fp_kz)
    client.force_login(approver_ru)
    page = client.get("/").content.decode()
    assert "1 share waits for your state" in page
