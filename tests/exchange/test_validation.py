"""Content is checked against its template: the field is named, nothing is guessed."""

import pytest

from exchange.validation import proposed_concerned_states, validate_content
from tests.exchange import factories

pytestmark = pytest.mark.django_db


def test_valid_content_comes_back_clean():
    clean, errors = validate_content(
        factories.template("trafficking-case"),
        factories.trafficking_content(origin_state="kz", transit_states=["uz", "UZ"]),
    )
    assert not errors
    assert clean["origin_state"] == "KZ"
    assert clean["transit_states"] == ["UZ"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("persons_involved", "four", "number"),
        ("persons_involved", True, "number"),
        ("first_detected", "2026-02-30", "YYYY-MM-DD"),
        ("first_detected", "20260201", "YYYY-MM-DD"),
        ("kind", "Bananas", "Choose one of"),
        ("origin_state", "ZZ", "Unknown state code: ZZ"),
        ("destination_states", ["RU", "QQ"], "Unknown state code: QQ"),
        ("destination_states", "RU", "list"),
        ("route", 12, "text"),
        ("modus_operandi", "", "required"),
    ],
)
def test_a_wrong_value_is_named(field, value, message):
    _, errors = validate_content(
        factories.template("trafficking-case"), factories.trafficking_content(**{field: value})
    )
    assert list(errors) == [field]
    assert message in errors[field][0]


def test_unknown_fields_are_named():
    content = {**factories.trafficking_content(), "colour": "red"}
    _, errors = validate_content(factories.template("trafficking-case"), content)
    assert "colour" in errors["colour"][0]


def test_a_required_boolean_may_be_false():
    content = factories.document_content(reported_to_interpol=False)
    _, errors = validate_content(factories.template("lost-stolen-document"), content)
    assert not errors
    del content["reported_to_interpol"]
    _, errors = validate_content(factories.template("lost-stolen-document"), content)
    assert list(errors) == ["reported_to_interpol"]


def test_content_must_be_an_object():
    _, errors = validate_content(factories.template("trafficking-case"), ["a"])
    assert errors


def test_origin_transit_and_destination_are_proposed_as_concerned():
    template = factories.template("trafficking-case")
    content = factories.trafficking_content(origin_state="CN", destination_states=["RU", "KZ"])
    assert proposed_concerned_states(template, content) == ["CN", "UZ", "RU", "KZ"]
