"""The Secretariat edits every official text's English and Russian side by side in the admin:
share templates, agenda items, meeting documents, approval titles, decisions and the plan's
history reasons, as it does plan items and meetings."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from actionplan.models import ItemStatusChange
from cica_portal.models import ApprovalRequest, AuditRecord, RegisteredDecision, User
from exchange.models import ShareTemplate
from meetings.models import AgendaItem, MeetingDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat_admin(client, settings):
    settings.TWO_FACTOR_REQUIRED = False
    call_command("seed_demo", stdout=io.StringIO())
    user = User.objects.get(username="secretariat")
    client.force_login(user)
    return client


def _change_form(client, obj):
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _editable(html: str, name: str) -> bool:
    return f'name="{name}"' in html


# Each model's change form: the English names, then the Russian ones (with the status).
SIDE_BY_SIDE = [
    (ShareTemplate, {"is_current": True}, ["title", "description"], ["title_ru", "description_ru"]),
    (MeetingDocument, {}, ["title"], ["title_ru"]),
    (ApprovalRequest, {}, ["title_en"], ["title_ru"]),
    (ItemStatusChange, {}, ["reason_en"], ["reason_ru"]),
]


def test_it_shows_the_english_and_the_russian_of_each_official_text_to_edit(secretariat_admin):
    for model, where, english, russian in SIDE_BY_SIDE:
        obj = model.objects.filter(**where).order_by("pk").first()
        assert obj is not None, model.__name__
        html = _change_form(secretariat_admin, obj)
        for name in (*english, *russian, "en_status", "ru_status"):
            assert _editable(html, name), (model.__name__, name)
        assert (getattr(obj, russian[0]) or "") in html
        # The two versions of a text stand on one row, English first.
        assert html.index(f'name="{english[0]}"') < html.index(f'name="{russian[0]}"')
    item = AgendaItem.objects.order_by("pk").first()
    html = _change_form(secretariat_admin, item.meeting)
    prefix = "agenda_items-0-"
    for name in ("title", "title_ru", "description", "description_ru", "ru_status"):
        assert _editable(html, prefix + name), name


def test_a_decision_shows_its_english_as_decided_and_its_russian_to_edit(secretariat_admin):
    decision = RegisteredDecision.objects.order_by("pk").first()
    html = _change_form(secretariat_admin, decision)
    assert _editable(html, "title_ru")
    assert _editable(html, "text_ru")
    assert not _editable(html, "title_en")
    assert not _editable(html, "text_en")
    assert decision.title_en in html  # shown, read-only: the register's hash covers it


def test_a_russian_title_saved_in_the_admin_is_audited_and_english_stays(secretariat_admin):
    request = ApprovalRequest.objects.order_by("pk").first()
    url = reverse("admin:cica_portal_approvalrequest_change", args=[request.pk])
    response = secretariat_admin.post(
        url,
        {
            "title_en": request.title_en,
            "title_ru": "Новое название запроса",
            "en_status": "original",
            "ru_status": "official",
            "answers-TOTAL_FORMS": "0",  # the states' answers, read-only here
            "answers-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request.refresh_from_db()
    assert request.title_ru == "Новое название запроса"
    assert request.ru_status == "official"
    assert AuditRecord.objects.filter(action="content.language_versions_saved").exists()


def test_a_share_templates_russian_is_carried_into_its_next_version(secretariat_admin):
    template = ShareTemplate.objects.filter(is_current=True).order_by("pk").first()
    url = reverse("admin:exchange_sharetemplate_change", args=[template.pk])
    form = secretariat_admin.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data["fields"] = form["fields"].value()
    data["observers_may_receive"] = "on" if template.observers_may_receive else ""
    data["title_ru"] = "Исправленное название"
    response = secretariat_admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    new = ShareTemplate.objects.get(slug=template.slug, is_current=True)
    assert new.version == template.version + 1
    assert (new.title_en, new.title_ru) == (template.title_en, "Исправленное название")
    assert new.description_ru == template.description_ru
