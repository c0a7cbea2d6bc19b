"""Routes and membership: the states a case names are proposed, never applied silently; only
member states consent; observers receive a share only where the Secretariat allows it."""

import re

import pytest
from django.urls import reverse

from exchange import services, template_versions
from exchange.models import Share
from tests.exchange import factories
from tests.exchange.test_pages import form_data
from tests.factories import FocalPointUserFactory, state

pytestmark = pytest.mark.django_db

SHARES = "/api/v1/exchange/shares/"
CREATE = reverse("exchange:create", args=["trafficking-case"])
PROPOSAL = "Proposed from the route: confirm"


def api_body(**overrides):
    data = {
        "template": "trafficking-case",
        "title": "Heroin route",
        "content": factories.trafficking_content(),
        "concerned_states": ["RU"],
        "recipient_states": ["CN"],
    }
    data.update(overrides)
    return data


def concerned_codes(share: Share) -> set[str]:
    return set(share.concerned_states.values_list("code", flat=True))


def allow_observers(secretariat):
    template = factories.template("trafficking-case")
    return template_versions.save_new_version(template, by=secretariat, observers_may_receive=True)


# --- the route is proposed, not applied ---------------------------------------------------------


def test_the_route_is_proposed_ticked_and_nothing_is_saved(client, fp_kz):
    client.force_login(fp_kz)
    response = client.post(CREATE, form_data())
    assert response.status_code == 200
    assert not Share.objects.exists()
    form = response.context["form"]
    assert PROPOSAL in form.errors["concerned_states"][0]
    assert "Uzbekistan (UZ)" in form.errors["concerned_states"][0]
    assert sorted(form["concerned_states"].value()) == ["RU", "UZ"]
    assert set(form["route_confirmed"].value().split(",")) == {"RU", "UZ"}
    said = [str(m) for m in response.context["messages"]]
    assert "Proposed from the route: confirm the concerned states below" in said[0]
    html = response.content.decode()
    assert re.search(r'name="concerned_states" value="UZ"[^>]*checked', html)
    assert not re.search(r'name="concerned_states" value="CN"[^>]*checked', html)


def test_saving_the_shown_proposal_applies_it(client, fp_kz):
    client.force_login(fp_kz)
    form = client.post(CREATE, form_data()).context["form"]
    again = form_data(
        concerned_states=form["concerned_states"].value(),
        route_confirmed=form["route_confirmed"].value(),
    )
    response = client.post(CREATE, again)
    assert response.status_code == 302
    assert concerned_codes(Share.objects.get()) == {"RU", "UZ"}


def test_the_author_may_untick_a_proposed_state(client, fp_kz):
    client.force_login(fp_kz)
    client.post(CREATE, form_data())
    response = client.post(CREATE, form_data(concerned_states=["RU"], route_confirmed="RU,UZ"))
    assert response.status_code == 302
    assert concerned_codes(Share.objects.get()) == {"RU"}


def test_states_already_ticked_are_not_proposed_again(client, fp_kz):
    client.force_login(fp_kz)
    response = client.post(CREATE, form_data(concerned_states=["RU", "UZ"]))
    assert response.status_code == 302
    assert concerned_codes(Share.objects.get()) == {"RU", "UZ"}


def test_an_edit_proposes_only_a_state_the_route_newly_names(client, fp_kz):
    share = factories.draft(fp_kz, concerned=("RU",))
    client.force_login(fp_kz)
    url = reverse("exchange:edit", args=[share.pk])
    shown = client.get(url).context["form"]["route_confirmed"].value()
    assert set(shown.split(",")) == {"RU", "UZ"}
    data = form_data(concerned_states=["RU"], route_confirmed=shown, c_transit_states=["UZ", "CN"])
    response = client.post(url, data)
    assert response.status_code == 200
    message = response.context["form"].errors["concerned_states"][0]
    assert "China (CN)" in message
    assert "Uzbekistan" not in message
    share.refresh_from_db()
    assert share.content["transit_states"] == ["UZ"]
    assert concerned_codes(share) == {"RU"}


def test_the_api_refuses_to_guess_the_concerned_states(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)
    data = api_body()
    del data["concerned_states"]
    response = api_client.post(SHARES, data, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "UZ, RU" in body["concerned_states"][0]
    assert body["proposed_concerned_states"] == ["UZ", "RU"]
    assert not Share.objects.exists()


def test_the_api_takes_the_concerned_states_it_is_given_and_shows_the_proposal(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)
    response = api_client.post(SHARES, api_body(concerned_states=[]), format="json")
    assert response.status_code == 201
    assert response.json()["concerned_states"] == []
    assert response.json()["proposed_concerned_states"] == ["UZ", "RU"]


# --- only member states consent ------------------------------------------------------------------


def test_an_observer_on_the_route_is_neither_proposed_nor_a_consenter(client, api_client, fp_kz):
    content = factories.trafficking_content(transit_states=["JP", "UZ"])
    api_client.force_authenticate(fp_kz)
    response = api_client.post(
        SHARES, api_body(content=content, concerned_states=["RU", "UZ"]), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["proposed_concerned_states"] == ["UZ", "RU"]
    client.force_login(fp_kz)
    data = form_data(c_transit_states=["JP", "UZ"])
    form = client.post(CREATE, data).context["form"]
    assert "Japan" not in form.errors["concerned_states"][0]
    assert "JP" not in form["concerned_states"].value()


def test_an_observer_is_refused_as_a_concerned_state(client, api_client, fp_kz):
    api_client.force_authenticate(fp_kz)
    response = api_client.post(SHARES, api_body(concerned_states=["RU", "JP"]), format="json")
    assert response.status_code == 400
    assert "JP" in response.json()["concerned_states"][0]
    client.force_login(fp_kz)
    response = client.post(CREATE, form_data(concerned_states=["RU", "UZ", "JP"]))
    assert response.status_code == 200
    assert "concerned_states" in response.context["form"].errors
    assert not Share.objects.exists()
    with pytest.raises(services.ExchangeError) as error:
        factories.draft(fp_kz, concerned=("RU", "JP"))
    assert error.value.field == "concerned_states"


def test_a_state_that_became_an_observer_is_not_asked_to_consent(fp_kz):
    share = factories.draft(fp_kz, concerned=("RU", "UZ"))
    uz = state("UZ")
    uz.status = uz.Status.OBSERVER
    uz.save(update_fields=["status"])
    share = factories.submit(share, fp_kz)
    asked = set(share.approval.required_states.values_list("code", flat=True))
    assert asked == {"KZ", "RU"}


# --- observers as recipients ---------------------------------------------------------------------


def test_an_observer_recipient_is_refused_unless_the_secretariat_allows_it(
    client, api_client, fp_kz
):
    client.force_login(fp_kz)
    data = form_data(concerned_states=["RU", "UZ"], recipient_states=["CN", "JP"])
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert "recipient_states" in response.context["form"].errors
    api_client.force_authenticate(fp_kz)
    response = api_client.post(SHARES, api_body(recipient_states=["CN", "JP"]), format="json")
    assert response.status_code == 400
    assert "JP" in response.json()["recipient_states"][0]
    assert not Share.objects.exists()


def test_a_pending_share_cannot_be_edited_to_reach_an_observer(api_client, fp_kz):
    share = factories.pending(fp_kz)
    api_client.force_authenticate(fp_kz)
    response = api_client.patch(f"{SHARES}{share.pk}/", {"recipient_states": ["JP"]}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["recipient_states"]
    assert set(share.recipient_states.values_list("code", flat=True)) == {"CN"}


def test_where_allowed_an_observer_reads_the_share_once_released(
    client, api_client, fp_kz, approver_kz, approver_ru, secretariat
):
    allow_observers(secretariat)
    api_client.force_authenticate(fp_kz)
    templates = api_client.get("/api/v1/exchange/templates/").json()["results"]
    assert {t["slug"]: t["observers_may_receive"] for t in templates}["trafficking-case"]
    fp_jp = FocalPointUserFactory(username="fp-jp", state=state("JP"))
    client.force_login(fp_kz)
    data = form_data(concerned_states=["RU"], route_confirmed="RU,UZ", recipient_states=["JP"])
    assert client.post(CREATE, data).status_code == 302
    share = Share.objects.get()
    assert set(share.recipient_states.values_list("code", flat=True)) == {"JP"}
    share = factories.submit(share, fp_kz)
    api_client.force_authenticate(fp_jp)
    assert api_client.get(f"{SHARES}{share.pk}/").status_code == 404
    for approver in (approver_kz, approver_ru):
        share = factories.decide(share, approver=approver, decision="approve")
    assert share.status == Share.Status.RELEASED
    detail = api_client.get(f"{SHARES}{share.pk}/")
    assert detail.status_code == 200
    assert detail.json()["content"]["modus_operandi"] == "Concealed in produce"
    assert {c["state"] for c in detail.json()["consents"]} == {"KZ", "RU"}
    client.force_login(fp_jp)
    assert client.get(share.get_absolute_url()).status_code == 200


def test_a_reshare_to_an_observer_needs_the_secretariat_s_leave(
    fp_kz, fp_cn, approver_kz, approver_ru
):
    share = factories.released(fp_kz, [approver_kz, approver_ru])
    with pytest.raises(services.ExchangeError) as error:
        services.request_reshare(share, by=fp_cn, states=[state("JP")], reason="Joint case")
    assert error.value.field == "states"
