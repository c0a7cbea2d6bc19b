"""The exchange API as the REST API contract fixes it."""

import pytest

from exchange.models import Share, ShareRead
from tests.exchange import factories

pytestmark = pytest.mark.django_db

SHARES = "/api/v1/exchange/shares/"


def body(**overrides):
    data = {
        "template": "trafficking-case",
        "title": "Heroin route",
        "content": factories.trafficking_content(),
        "concerned_states": ["RU"],
        "recipient_states": ["CN", "uz"],
    }
    data.update(overrides)
    return data


def test_it_lists_the_templates_with_their_fields(api_client, fp_cn):
    api_client.force_authenticate(fp_cn)
    results = api_client.get("/api/v1/exchange/templates/").json()["results"]
    by_slug = {t["slug"]: t for t in results}
    assert {"terrorism-information", "trafficking-case", "lost-stolen-document"} <= set(by_slug)
    names = {f["name"] for f in by_slug["trafficking-case"]["fields"]}
    assert {"origin_state", "transit_states", "destination_states"} <= names
    doc = {f["name"]: f for f in by_slug["lost-stolen-document"]["fields"]}
    assert doc["document_number"]["type"] == "text"
    assert doc["document_number"]["required"]
    assert doc["reported_to_interpol"]["type"] == "boolean"
    # version 2: handling and evaluation left the templates' fields for the share's own
    assert by_slug["trafficking-case"]["version"] == 2
    assert "handling_restrictions" not in names
    for template in results:
        for field in template["fields"]:
            assert {"name", "label", "type", "required"} <= set(field)
            if field["type"] == "choice":
                assert field["choices"]


def test_a_focal_point_creates_a_draft(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)
    response = api_client.post(SHARES, body(), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "draft"
    assert data["id"]
    assert data["originating_state"] == "KZ"
    assert data["recipient_states"] == ["CN", "UZ"]
    assert data["consents"] == []  # a draft asks nobody yet: no "pending" answers


def test_read_only_fields_are_ignored(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)
    data = body(status="released", originating_state="RU", consents=[{"state": "RU"}])
    response = api_client.post(SHARES, data, format="json")
    assert response.status_code == 201
    share = Share.objects.get(pk=response.json()["id"])
    assert share.status == "draft"
    assert share.originating_state.code == "KZ"
    patch = api_client.patch(
        f"{SHARES}{share.pk}/", {"status": "released", "originating_state": "CN"}, format="json"
    )
    assert patch.status_code == 200
    share.refresh_from_db()
    assert share.status == "draft"
    assert share.originating_state.code == "KZ"


def test_concerned_states_left_out_are_proposed_from_the_case_not_applied(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)
    data = body()
    del data["concerned_states"]
    response = api_client.post(SHARES, data, format="json")
    assert response.status_code == 400
    assert response.json()["proposed_concerned_states"] == ["UZ", "RU"]
    data["concerned_states"] = response.json()["proposed_concerned_states"]
    response = api_client.post(SHARES, data, format="json").json()
    assert response["concerned_states"] == ["RU", "UZ"]


def test_only_a_focal_point_creates(api_client, approver_kz, secretariat):
    for user in (approver_kz, secretariat):
        api_client.force_authenticate(user)
        assert api_client.post(SHARES, body(), format="json").status_code == 403


def test_content_that_does_not_fit_is_refused_with_the_field_named(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)
    content = factories.trafficking_content(origin_state="XX", first_detected="01/03/2026")
    del content["modus_operandi"]
    content["colour"] = "red"
    response = api_client.post(SHARES, body(content=content), format="json")
    assert response.status_code == 400
    errors = response.json()["content"]
    assert set(errors) == {"origin_state", "first_detected", "modus_operandi", "colour"}
    assert "XX" in errors["origin_state"][0]
    assert not Share.objects.exists()


def test_a_bad_patch_keeps_the_draft_as_it_was(api_client, fp_kz):
    share = factories.draft(fp_kz)
    api_client.force_authenticate(fp_kz)
    response = api_client.patch(
        f"{SHARES}{share.pk}/", {"content": {"persons_involved": "many"}}, format="json"
    )
    assert response.status_code == 400
    assert "persons_involved" in response.json()["content"]
    share.refresh_from_db()
    assert share.content["persons_involved"] == 4


def test_unknown_state_codes_are_named(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)
    response = api_client.post(SHARES, body(recipient_states=["QQ"]), format="json")
    assert response.status_code == 400
    assert "recipient_states" in response.json()


def test_the_detail_has_the_contract_fields_and_logs_the_read(api_client, fp_kz):
    share = factories.draft(fp_kz)
    api_client.force_authenticate(fp_kz)
    data = api_client.get(f"{SHARES}{share.pk}/").json()
    assert {
        "id",
        "template",
        "title",
        "status",
        "originating_state",
        "concerned_states",
        "recipient_states",
        "content",
        "consents",
    } <= set(data)
    assert data["template"] == "trafficking-case"
    assert ShareRead.objects.filter(share=share, user=fp_kz, via="api").count() == 1


def test_the_whole_flow_through_the_api(api_client, fp_kz, approver_kz, approver_ru, fp_cn):
    api_client.force_authenticate(fp_kz)
    share_id = api_client.post(SHARES, body(), format="json").json()["id"]
    submitted = api_client.post(f"{SHARES}{share_id}/submit/", {}, format="json")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "pending_consent"
    api_client.force_authenticate(approver_kz)
    read = api_client.get(f"{SHARES}{share_id}/").json()
    first = api_client.post(
        f"{SHARES}{share_id}/decision/",
        {"decision": "approve", "comment": "ok", "content_hash": read["content_hash"]},
        format="json",
    )
    assert first.status_code == 200
    assert first.json()["status"] == "pending_consent"
    api_client.force_authenticate(approver_ru)
    api_client.get(f"{SHARES}{share_id}/")  # read, then answer: bound to the version read
    last = api_client.post(f"{SHARES}{share_id}/decision/", {"decision": "approve"}, format="json")
    assert last.json()["status"] == "released"
    api_client.force_authenticate(fp_cn)
    consents = api_client.get(f"{SHARES}{share_id}/").json()["consents"]
    assert [c["decision"] for c in consents] == ["approve", "approve"]
    assert all(c["decided_at"] for c in consents)
    api_client.force_authenticate(fp_kz)
    withdrawn = api_client.post(
        f"{SHARES}{share_id}/withdraw/", {"reason": "Sent by mistake."}, format="json"
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    api_client.force_authenticate(fp_cn)
    assert api_client.get(f"{SHARES}{share_id}/").status_code == 404


def test_a_decline_is_shown_as_decline(api_client, fp_kz, approver_ru):
    share = factories.pending(fp_kz)
    api_client.force_authenticate(approver_ru)
    api_client.get(f"{SHARES}{share.pk}/")
    response = api_client.post(
        f"{SHARES}{share.pk}/decision/", {"decision": "decline", "comment": "Too early"}
    )
    assert response.json()["status"] == "declined"
    consents = {c["state"]: c for c in api_client.get(f"{SHARES}{share.pk}/").json()["consents"]}
    assert consents["RU"]["decision"] == "decline"
    assert consents["KZ"]["decision"] == "no_answer"  # closed: nothing is pending any more


def test_a_recipient_may_read_but_not_edit(api_client, fp_kz, approver_kz, approver_ru, fp_cn):
    share = factories.released(fp_kz, [approver_kz, approver_ru])
    api_client.force_authenticate(fp_cn)
    assert api_client.patch(f"{SHARES}{share.pk}/", {"title": "x"}).status_code == 403
    assert api_client.post(f"{SHARES}{share.pk}/withdraw/").status_code == 403
    assert api_client.post(f"{SHARES}{share.pk}/submit/").status_code == 403


def test_a_colleague_of_the_author_may_not_edit(api_client, fp_kz, fp_kz_colleague):
    share = factories.draft(fp_kz)
    api_client.force_authenticate(fp_kz_colleague)
    assert api_client.patch(f"{SHARES}{share.pk}/", {"title": "x"}).status_code == 403


def test_outsiders_get_404_for_every_action(api_client, fp_kz, approver_uz):
    share = factories.pending(fp_kz)
    api_client.force_authenticate(approver_uz)
    for suffix, method in [
        ("", "get"),
        ("", "patch"),
        ("submit/", "post"),
        ("decision/", "post"),
        ("withdraw/", "post"),
    ]:
        response = getattr(api_client, method)(f"{SHARES}{share.pk}/{suffix}", {}, format="json")
        assert response.status_code == 404, suffix


def test_a_decision_on_a_share_not_pending_is_a_conflict(
    api_client, fp_kz, approver_kz, approver_ru
):
    share = factories.released(fp_kz, [approver_kz, approver_ru])
    api_client.force_authenticate(approver_ru)
    response = api_client.post(
        f"{SHARES}{share.pk}/decision/", {"decision": "decline", "comment": "Too late"}
    )
    assert response.status_code == 409


def test_a_second_answer_by_the_same_state_is_a_conflict(api_client, fp_kz, approver_ru):
    share = factories.pending(fp_kz)
    api_client.force_authenticate(approver_ru)
    api_client.get(f"{SHARES}{share.pk}/")
    assert (
        api_client.post(f"{SHARES}{share.pk}/decision/", {"decision": "approve"}).status_code == 200
    )
    again = api_client.post(f"{SHARES}{share.pk}/decision/", {"decision": "approve"})
    assert again.status_code == 409


def test_a_focal_point_cannot_decide(api_client, fp_kz):
    share = factories.pending(fp_kz)
    api_client.force_authenticate(fp_kz)
    assert (
        api_client.post(f"{SHARES}{share.pk}/decision/", {"decision": "approve"}).status_code == 403
    )


def test_a_bad_decision_is_a_400(api_client, fp_kz, approver_ru):
    share = factories.pending(fp_kz)
    api_client.force_authenticate(approver_ru)
    response = api_client.post(f"{SHARES}{share.pk}/decision/", {"decision": "maybe"})
    assert response.status_code == 400
    assert "decision" in response.json()


def test_submitting_twice_is_a_conflict(api_client, fp_kz):
    share = factories.pending(fp_kz)
    api_client.force_authenticate(fp_kz)
    assert api_client.post(f"{SHARES}{share.pk}/submit/").status_code == 409


def test_editing_a_released_share_is_a_conflict(api_client, fp_kz, approver_kz, approver_ru):
    share = factories.released(fp_kz, [approver_kz, approver_ru])
    api_client.force_authenticate(fp_kz)
    assert api_client.patch(f"{SHARES}{share.pk}/", {"title": "x"}).status_code == 409


def test_put_and_delete_are_not_allowed(api_client, fp_kz):
    share = factories.draft(fp_kz)
    api_client.force_authenticate(fp_kz)
    assert api_client.put(f"{SHARES}{share.pk}/", {}).status_code == 405
    assert api_client.delete(f"{SHARES}{share.pk}/").status_code == 405
    assert api_client.get(f"{SHARES}{share.pk}/submit/").status_code == 405


def test_the_list_filters_by_status_and_box(api_client, fp_kz, approver_ru):
    draft = factories.draft(fp_kz)
    pending = factories.pending(fp_kz)
    api_client.force_authenticate(fp_kz)
    ids = [r["id"] for r in api_client.get(SHARES, {"status": "draft"}).json()["results"]]
    assert ids == [draft.pk]
    api_client.force_authenticate(approver_ru)
    ids = [r["id"] for r in api_client.get(SHARES, {"box": "asked"}).json()["results"]]
    assert ids == [pending.pk]


def test_an_empty_status_filter_is_refused_not_read_as_any(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)
    assert api_client.get(f"{SHARES}?status=").status_code == 400
    assert api_client.get(f"{SHARES}?status=draft").status_code == 200
    assert api_client.get(SHARES).status_code == 200
