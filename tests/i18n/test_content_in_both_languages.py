"""Every official text the portal holds has an English and a Russian version, each with its
status; the Action Plan's Russian ships as a draft translation, marked as unofficial wherever it
is shown, and a page in Russian says where it falls back to English."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from actionplan import services as plan_services
from actionplan.models import ItemStatusChange, PlanItem
from cica_portal import bilingual
from cica_portal.models import ApprovalRequest, Area, User
from exchange.models import ShareTemplate

pytestmark = pytest.mark.django_db

BANNER = "Неофициальный перевод"
FALLBACK = "(на английском: русской версии нет)"


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=io.StringIO())


def _login(client, username: str, language: str) -> None:
    """Log in as a person who chose this language (from the login on, the portal speaks it)."""
    user = User.objects.get(username=username)
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)


def _missing_russian():
    """(model, pk, field) of every official text whose Russian is missing although its
    Russian version is not (or no longer) a draft translation."""
    missing = []
    for model, fields in bilingual.translated_models().items():
        official = model.objects.exclude(ru_status=bilingual.LanguageStatus.DRAFT)
        for row in official.values(
            "pk", *(f"{f}_en" for f in fields), *(f"{f}_ru" for f in fields)
        ):
            for field in fields:
                if row[f"{field}_en"] and not row[f"{field}_ru"]:
                    missing.append((model.__name__, row["pk"], field))
    return missing


# Every kind of official text, and its translated fields: a model registered in a
# `translation.py` and not listed here (or a field added to one) fails the test below, so the
# completeness check is known to cover it.
REGISTERED = {
    "PlanItem": {"title", "text"},
    "ItemStatusChange": {"reason"},
    "ShareTemplate": {"title", "description"},
    "Meeting": {"title", "outcome"},
    "AgendaItem": {"title", "description"},
    "MeetingDocument": {"title"},
    "ApprovalRequest": {"title"},
    "RegisteredDecision": {"title", "text"},
}
# The texts inside a share template's schema, each with its Russian twin.
SCHEMA_TEXTS = ("label", "help_text", "choices")


def test_it_registers_every_kind_of_official_text_for_both_languages():
    names = {model.__name__: set(fields) for model, fields in bilingual.translated_models().items()}
    assert names == REGISTERED
    for model in bilingual.translated_models():
        assert {"en_status", "ru_status"} <= {f.name for f in model._meta.fields}


def _missing_russian_in_schemas():
    """(slug, version, field name, text) of every schema text of an official template with no
    Russian twin (or, for choices, none as long as the English)."""
    missing = []
    templates = ShareTemplate.objects.exclude(ru_status=bilingual.LanguageStatus.DRAFT)
    for template in templates:
        for spec in template.fields:
            for key in SCHEMA_TEXTS:
                english, russian = spec.get(key), spec.get(f"{key}_ru")
                if not english:
                    continue
                if not russian or (key == "choices" and len(russian) != len(english)):
                    missing.append((template.slug, template.version, spec["name"], key))
    return missing


def test_the_check_covers_every_registered_field_of_every_kind(seeded):
    """Blanking the Russian of any registered field, in any model, is caught."""
    for model, fields in bilingual.translated_models().items():
        row = model.objects.order_by("pk").first()
        assert row is not None, f"seed_demo makes no {model.__name__}"
        for field in fields:
            model.objects.filter(pk=row.pk).update(
                **{f"{field}_en": "An English text", f"{field}_ru": ""},
                ru_status=bilingual.LanguageStatus.OFFICIAL,
            )
            assert (model.__name__, row.pk, field) in _missing_russian(), (model, field)


def test_no_official_template_lacks_the_russian_of_its_labels_help_or_choices(seeded):
    assert _missing_russian_in_schemas() == []


def test_the_schema_check_finds_a_label_with_no_russian(seeded):
    template = ShareTemplate.objects.filter(is_current=True).order_by("pk").first()
    fields = [dict(spec) for spec in template.fields]
    assert fields[0].get("label_ru")  # seed_demo's templates carry their Russian
    fields[0].pop("label_ru")
    ShareTemplate.objects.filter(pk=template.pk).update(
        fields=fields, ru_status=bilingual.LanguageStatus.OFFICIAL
    )
    assert (template.slug, template.version, fields[0]["name"], "label") in (
        _missing_russian_in_schemas()
    )


def test_no_official_text_lacks_its_russian_version_after_seed_demo(seeded):
    assert _missing_russian() == []


def test_the_check_finds_an_official_text_with_no_russian(seeded):
    item = PlanItem.objects.get(area__number=1, kind="issue", number=1)
    PlanItem.objects.filter(pk=item.pk).update(
        text_ru="", ru_status=bilingual.LanguageStatus.OFFICIAL
    )
    assert ("PlanItem", item.pk, "text") in _missing_russian()


def test_the_plan_ships_with_a_russian_draft_of_every_item_and_the_introduction(seeded):
    items = PlanItem.objects.exclude(kind=PlanItem.Kind.MEASURE)
    assert items.count() == 21  # 4 activities, 12 issues, 5 topics
    assert not items.filter(text_ru="").exists()
    assert set(items.values_list("ru_status", flat=True)) == {bilingual.LanguageStatus.DRAFT}
    assert not items.filter(kind=PlanItem.Kind.ACTIVITY, title_ru="").exists()
    assert not Area.objects.filter(title_ru="").exists()
    russian = json.loads(plan_services.plan.RUSSIAN_FILE.read_text(encoding="utf-8"))
    assert len(russian["introduction"]) == 2
    first = items.get(area__number=1, kind="issue", number=1)
    assert first.text_ru == "Создание сети контактных лиц СВМДА"
    assert first.text_en == "Establishment of a CICA focal points network"


def test_the_plan_in_russian_is_marked_as_an_unofficial_translation(seeded, client):
    _login(client, "fp-kz", "ru")
    page = client.get(reverse("actionplan:index"), HTTP_ACCEPT_LANGUAGE="ru")
    html = page.content.decode()
    assert BANNER in html
    assert "Создание сети контактных лиц СВМДА" in html
    assert html.index(BANNER) < html.index("Создание сети контактных лиц СВМДА")
    assert "Мероприятия, определённые в Плане действий" in html  # the Introduction


def test_the_plan_in_english_carries_no_banner(seeded, client):
    _login(client, "fp-kz", "en")
    html = client.get(reverse("actionplan:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Unofficial translation" not in html
    assert "Establishment of a CICA focal points network" in html


def test_an_item_page_and_its_approval_page_carry_the_banner_in_russian(seeded, client):
    request = ApprovalRequest.objects.get(purpose="actionplan.item")
    _login(client, "approver-kz", "ru")
    item = PlanItem.objects.get(pk=request.subject_id)
    for url in (item.get_absolute_url(), reverse("approval-detail", args=[request.pk])):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        assert BANNER in html, url
        assert item.text_ru in html, url


def test_a_russian_page_says_where_it_falls_back_to_english(seeded, client):
    item = PlanItem.objects.get(area__number=2, kind="issue", number=3)
    PlanItem.objects.filter(pk=item.pk).update(text_ru="")
    _login(client, "fp-kz", "ru")
    html = client.get(item.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert item.text_en in html
    assert FALLBACK in html


def test_an_official_russian_text_loaded_by_the_secretariat_lifts_the_banner(seeded, client):
    call_command(
        "load_plan_translation",
        str(plan_services.plan.RUSSIAN_FILE),
        status="official",
        stdout=io.StringIO(),
    )
    assert set(PlanItem.objects.values_list("ru_status", flat=True)) == {"official"}
    _login(client, "fp-kz", "ru")
    html = client.get(reverse("actionplan:index"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert BANNER not in html
    assert "Создание сети контактных лиц СВМДА" in html


def test_the_history_reason_the_plan_writes_is_in_both_languages(seeded):
    change = ItemStatusChange.objects.filter(via=ItemStatusChange.Via.PLAN).first()
    assert change.reason_en.startswith("Adopted in the Action Plan of")
    assert change.reason_ru
    assert change.reason_ru != change.reason_en
    assert change.ru_status == bilingual.LanguageStatus.OFFICIAL


def test_an_approval_title_is_written_in_both_languages(seeded):
    request = ApprovalRequest.objects.get(purpose="actionplan.item")
    assert request.title_en.startswith("Action Plan I.6:")
    assert request.title_ru
    assert request.title_ru != request.title_en
    with translation.override("ru"):
        assert request.title == request.title_ru
