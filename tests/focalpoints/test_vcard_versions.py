"""Contact cards in vCard 3.0 and 4.0, each read back by an independent parser (vobject)."""

import pytest
import vobject
from django.urls import reverse

from tests.focalpoints.factories import FocalPointFactory, OrganisationContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(kz):
    return FocalPointFactory(
        state=kz,
        name="Focal point, Kazakhstan",
        organisation="Border Service; Astana",
        languages=",en,ru,kk,",
        areas=[1, 2],
        address="Mangilik El 55\nAstana",
    )


def _parse(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    return list(vobject.readComponents(response.content.decode()))


def _params(card, name: str) -> list[tuple[dict, object]]:
    return [(line.params, line.value) for line in card.contents.get(name.lower(), [])]


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_it_writes_a_card_the_parser_reads_back_in_each_version(client, fp_ru, entry, version):
    client.force_login(fp_ru)
    (card,) = _parse(
        client.get(reverse("focalpoints:vcard", args=[entry.pk]), {"version": version})
    )
    assert card.version.value == version
    assert card.fn.value == "Focal point, Kazakhstan"
    assert card.email.value == entry.email
    assert card.uid.value == f"urn:cica:focal-point:{entry.pk}"
    org = card.org.value
    assert org[0] == "Border Service; Astana"  # the semicolon survived as text, not a separator


def test_it_says_in_4_0_what_3_0_cannot(client, fp_ru, entry):
    client.force_login(fp_ru)
    (card,) = _parse(client.get(reverse("focalpoints:vcard", args=[entry.pk]), {"version": "4.0"}))
    assert card.kind.value == "individual"
    languages = [(params["PREF"], value) for params, value in _params(card, "LANG")]
    assert languages == [(["1"], "en"), (["2"], "ru"), (["3"], "kk")]
    orgs = {params["LANGUAGE"][0]: value for params, value in _params(card, "ORG")}
    assert orgs == {
        "en": ["Border Service; Astana", "Kazakhstan"],
        "ru": ["Border Service; Astana", "Казахстан"],
    }
    assert {tuple(params["ALTID"]) for params, _ in _params(card, "ORG")} == {("1",)}
    assert card.fn.params["LANGUAGE"] == ["en"]


def test_it_keeps_3_0_without_the_4_0_properties(client, fp_ru, entry):
    client.force_login(fp_ru)
    (card,) = _parse(client.get(reverse("focalpoints:vcard", args=[entry.pk])))
    assert card.version.value == "3.0"
    assert "kind" not in card.contents
    assert "lang" not in card.contents


def test_it_marks_a_cyrillic_name_as_russian(client, fp_ru, kz):
    named = FocalPointFactory(state=kz, name="Координатор, Казахстан")
    client.force_login(fp_ru)
    (card,) = _parse(client.get(reverse("focalpoints:vcard", args=[named.pk]), {"version": "4.0"}))
    assert card.fn.value == "Координатор, Казахстан"
    assert card.fn.params["LANGUAGE"] == ["ru"]


def test_it_cards_an_organisation_contact_point_as_an_office(client, fp_ru):
    contact = OrganisationContactFactory(name="Regional contact point, IOM")
    client.force_login(fp_ru)
    url = reverse("focalpoints:contact-vcard", args=[contact.pk])
    (card,) = _parse(client.get(url, {"version": "4.0"}))
    assert card.kind.value == "org"
    assert card.fn.value == "Regional contact point, IOM"
    assert [value for _, value in _params(card, "LANG")] == ["en", "ru"]
    (old,) = _parse(client.get(url))
    assert old.version.value == "3.0"
    assert "kind" not in old.contents


def test_it_writes_the_whole_directory_in_4_0(client, fp_ru, entry, kz):
    FocalPointFactory(state=kz, name="Deputy, Kazakhstan", role="deputy")
    client.force_login(fp_ru)
    cards = _parse(client.get(reverse("focalpoints:directory-vcard"), {"version": "4.0"}))
    assert {card.fn.value for card in cards} >= {"Focal point, Kazakhstan", "Deputy, Kazakhstan"}
    assert {card.version.value for card in cards} == {"4.0"}


def test_it_answers_an_unknown_version_with_3_0(client, fp_ru, entry):
    client.force_login(fp_ru)
    url = reverse("focalpoints:vcard", args=[entry.pk])
    (card,) = _parse(client.get(url, {"version": "9.9"}))
    assert card.version.value == "3.0"


def test_an_outsider_state_gets_no_card_of_an_unlisted_entry(client, fp_ru, kz):
    hidden = FocalPointFactory(state=kz, status="nominated")
    client.force_login(fp_ru)
    response = client.get(reverse("focalpoints:vcard", args=[hidden.pk]), {"version": "4.0"})
    assert response.status_code == 404
