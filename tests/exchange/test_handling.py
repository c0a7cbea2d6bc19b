"""Handling and evaluation on every share: TLP 2.0, H0-H3, source A-X and information 1-4."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from exchange.models import Share, ShareTemplate
from tests.exchange import factories
from tests.exchange.test_pages import form_data

pytestmark = pytest.mark.django_db

SHARES = "/api/v1/exchange/shares/"


def body(**overrides):
    data = {
        "template": "trafficking-case",
        "title": "Heroin route",
        "content": factories.trafficking_content(),
        "concerned_states": ["RU"],
        "recipient_states": ["CN"],
    }
    data.update(overrides)
    return data


def test_it_gives_a_new_share_the_contract_defaults(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)
    created = api_client.post(SHARES, body(), format="json").json()
    assert created["tlp"] == "AMBER+STRICT"
    assert created["handling_codes"] == ["H2"]
    assert created["handling_note"] == ""
    assert created["source_reliability"] == "X"
    assert created["information_reliability"] == "4"


def test_it_keeps_the_authors_choice_and_shows_it_in_list_and_detail(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)
    created = api_client.post(
        SHARES,
        body(
            tlp="GREEN",
            handling_codes=["H3", "H0", "H0"],
            handling_note="Not to customs",
            source_reliability="B",
            information_reliability=2,
        ),
        format="json",
    )
    assert created.status_code == 201, created.json()
    detail = api_client.get(f"{SHARES}{created.json()['id']}/").json()
    assert detail["tlp"] == "GREEN"
    assert detail["handling_codes"] == ["H0", "H3"]
    assert detail["handling_note"] == "Not to customs"
    assert (detail["source_reliability"], detail["information_reliability"]) == ("B", "2")
    row = api_client.get(SHARES).json()["results"][0]
    assert (row["tlp"], row["handling_codes"], row["source_reliability"]) == (
        "GREEN",
        ["H0", "H3"],
        "B",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tlp", "red"),
        ("tlp", "TLP:RED"),
        ("handling_codes", ["H4"]),
        ("handling_codes", "H2"),
        ("source_reliability", "D"),
        ("information_reliability", "5"),
        ("information_reliability", 0),
    ],
)
def test_it_refuses_a_value_outside_the_scheme_naming_the_field(api_client, fp_kz, field, value):
    api_client.force_authenticate(fp_kz)
    response = api_client.post(SHARES, body(**{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Share.objects.exists()


def test_it_asks_for_the_restriction_in_words_with_h3(api_client, fp_kz):
    api_client.force_authenticate(fp_kz)
    response = api_client.post(SHARES, body(handling_codes=["H3"]), format="json")
    assert response.status_code == 400
    assert "handling_note" in response.json()
    share = factories.draft(fp_kz)
    response = api_client.patch(f"{SHARES}{share.pk}/", {"handling_codes": ["H3"]}, format="json")
    assert response.status_code == 400
    assert "handling_note" in response.json()
    share.refresh_from_db()
    assert share.handling_codes == ["H2"]


def test_an_outsider_cannot_change_or_see_the_handling(api_client, fp_kz, fp_ru):
    share = factories.draft(fp_kz)
    api_client.force_authenticate(fp_ru)
    response = api_client.patch(f"{SHARES}{share.pk}/", {"tlp": "CLEAR"}, format="json")
    assert response.status_code == 404
    share.refresh_from_db()
    assert share.tlp == "AMBER+STRICT"


def test_a_changed_handling_is_a_changed_version_for_consent(api_client, fp_kz):
    share = factories.pending(fp_kz)
    before = share.approval.content_hash
    api_client.force_authenticate(fp_kz)
    response = api_client.patch(f"{SHARES}{share.pk}/", {"tlp": "RED"}, format="json")
    assert response.status_code == 200, response.json()
    share.refresh_from_db()
    assert share.tlp == "RED"
    assert share.approval.content_hash != before


def test_the_form_offers_each_choice_with_its_meaning_and_saves_it(client, fp_kz):
    client.force_login(fp_kz)
    url = reverse("exchange:create", args=["trafficking-case"])
    page = client.get(url).content.decode()
    assert "TLP:AMBER+STRICT" in page
    assert "H1" in page
    assert 'name="source_reliability"' in page
    response = client.post(
        url,
        form_data(
            tlp="RED",
            handling_codes=["H1", "H2"],
            source_reliability="A",
            concerned_states=["RU", "UZ"],
        ),
    )
    assert response.status_code == 302
    share = Share.objects.get()
    assert (share.tlp, share.handling_codes, share.source_reliability) == ("RED", ["H1", "H2"], "A")


def test_the_form_refuses_h3_without_words_keeping_what_was_typed(client, fp_kz):
    client.force_login(fp_kz)
    url = reverse("exchange:create", args=["trafficking-case"])
    response = client.post(url, form_data(handling_codes=["H3"], title="Kept title"))
    assert response.status_code == 200
    assert "handling_note" in response.context["form"].errors
    assert "Kept title" in response.content.decode()
    assert not Share.objects.exists()


def test_the_form_refuses_an_unknown_tlp(client, fp_kz):
    client.force_login(fp_kz)
    url = reverse("exchange:create", args=["trafficking-case"])
    response = client.post(url, form_data(tlp="PURPLE"))
    assert response.status_code == 200
    assert "tlp" in response.context["form"].errors


def test_the_share_page_opens_with_the_handling_banner(client, fp_kz):
    share = factories.draft(fp_kz)
    client.force_login(fp_kz)
    page = client.get(share.get_absolute_url()).content.decode()
    banner = page.index('class="handling-banner"')
    assert banner < page.index("<h1>")
    assert "TLP:AMBER+STRICT" in page
    assert "H2" in page
    assert "X4" in page


def test_the_tlp_label_stays_in_english_and_its_meaning_is_in_russian(client, fp_kz):
    share = factories.draft(fp_kz)
    client.force_login(fp_kz)
    with translation.override("ru"):
        page = client.get(share.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "TLP:AMBER+STRICT" in page
    assert "только внутри своей службы" in page


def test_list_rows_carry_the_handling(client, fp_kz):
    factories.draft(fp_kz)
    client.force_login(fp_kz)
    page = client.get(reverse("exchange:index")).content.decode()
    assert "TLP:AMBER+STRICT" in page
    assert ">X4<" in page


def test_a_red_share_has_a_neutral_label_in_lists_and_its_title_on_its_page(
    client, api_client, fp_kz
):
    share = factories.draft(fp_kz, title="Informant in the northern cell")
    share.tlp = "RED"
    share.save(update_fields=["tlp"])
    client.force_login(fp_kz)
    assert "Informant" not in client.get(reverse("exchange:index")).content.decode()
    page = client.get(share.get_absolute_url()).content.decode()
    assert "Informant in the northern cell" in page
    assert "print-stamp" in page
    assert (fp_kz.get_full_name() or fp_kz.username) in page
    api_client.force_authenticate(fp_kz)
    row = api_client.get(SHARES).json()["results"][0]
    assert "Informant" not in row["title"]
    assert f"#{share.pk}" in row["title"]
    assert api_client.get(f"{SHARES}{share.pk}/").json()["title"] == share.title


def test_the_old_choices_become_handling_and_templates_lose_them(fp_kz):
    """The data migration: each old free choice maps to TLP and codes; drafts move on."""
    migration = importlib.import_module("exchange.migrations.0007_handling_from_old_choices")
    new = ShareTemplate.objects.get(slug="trafficking-case", is_current=True)
    old = ShareTemplate.objects.get(slug="trafficking-case", version=1)
    ShareTemplate.objects.filter(pk=new.pk).update(is_current=False)
    ShareTemplate.objects.filter(pk=old.pk).update(is_current=True)
    draft = factories.draft(
        fp_kz,
        content=factories.trafficking_content(
            handling_restrictions="May be shared with other national authorities"
        ),
    )
    released_like = factories.draft(
        fp_kz,
        content=factories.trafficking_content(
            handling_restrictions="Recipient agency only, no onward sharing"
        ),
    )
    Share.objects.filter(pk=released_like.pk).update(status="released", tlp="CLEAR")
    migration.map_old_values(apps, None)
    draft.refresh_from_db()
    released_like.refresh_from_db()
    assert (draft.tlp, draft.handling_codes) == ("AMBER", ["H0"])
    assert "handling_restrictions" not in draft.content
    assert draft.template.version == 3
    assert draft.template.is_current
    assert (released_like.tlp, released_like.handling_codes) == ("AMBER+STRICT", ["H2"])
    assert released_like.template_id == old.pk  # its consent covers that version
    assert "handling_restrictions" in released_like.content
