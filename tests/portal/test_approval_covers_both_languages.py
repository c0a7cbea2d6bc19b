"""What is approved is what was read: an approval's version covers both language versions of
its subject, and each answer records the language the approver read."""

import pytest
from django.urls import reverse

from actionplan import services as plan_services
from actionplan.models import PlanItem
from cica_portal import approvals, bilingual_services
from cica_portal.bilingual_services import TranslationError
from cica_portal.models import StateAnswer

pytestmark = pytest.mark.django_db


@pytest.fixture
def item_under_approval(secretariat, approver_kz):
    plan_services.load_plan()
    plan_services.load_plan_translation()
    item = PlanItem.objects.get(area__number=1, kind="issue", number=6)
    request = plan_services.put_to_approval(item, actor=secretariat)
    return item, request


def test_the_version_approved_changes_when_only_the_russian_text_changes(
    item_under_approval, secretariat
):
    item, request = item_under_approval
    before = request.content_hash
    bilingual_services.save_language_versions(
        item, by=secretariat, values={"text_ru": "Порядок развития сотрудничества (новая редакция)"}
    )
    request.refresh_from_db()
    assert request.version == 2
    assert request.content_hash != before


def test_the_version_approved_changes_when_only_the_english_text_changes(
    item_under_approval, secretariat
):
    item, request = item_under_approval
    before = request.content_hash
    bilingual_services.save_language_versions(
        item, by=secretariat, values={"text_en": item.text_en + " (revised)"}
    )
    request.refresh_from_db()
    assert request.version == 2
    assert request.content_hash != before


def test_a_status_change_alone_is_not_a_new_version(item_under_approval, secretariat):
    item, request = item_under_approval
    bilingual_services.save_language_versions(
        item, by=secretariat, values={"ru_status": "official"}
    )
    request.refresh_from_db()
    item.refresh_from_db()
    assert item.ru_status == "official"
    assert request.version == 1


def test_an_answer_given_to_the_old_russian_text_no_longer_counts(
    item_under_approval, secretariat, approver_kz
):
    item, request = item_under_approval
    approvals.answer_request(
        request, approver=approver_kz, decision="approve", seen_hash=request.content_hash
    )
    bilingual_services.save_language_versions(
        item, by=secretariat, values={"title_ru": "Новое название"}
    )
    request.refresh_from_db()
    answer = request.current_answers().get(state__code="KZ")
    assert answer.is_pending


def test_only_the_secretariat_edits_the_language_versions(item_under_approval, fp_kz):
    item, _request = item_under_approval
    with pytest.raises(TranslationError):
        bilingual_services.save_language_versions(item, by=fp_kz, values={"text_ru": "Иное"})
    item.refresh_from_db()
    assert item.text_ru != "Иное"


def test_only_language_versions_are_edited_there(item_under_approval, secretariat):
    item, _request = item_under_approval
    with pytest.raises(TranslationError):
        bilingual_services.save_language_versions(
            item, by=secretariat, values={"status": "approved"}
        )


def test_the_answer_records_that_the_approver_read_russian(
    item_under_approval, client, approver_kz
):
    _item, request = item_under_approval
    approver_kz.language = "ru"  # the language the approver chose
    approver_kz.save(update_fields=["language"])
    client.force_login(approver_kz)
    url = reverse("approval-detail", args=[request.pk])
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="ru").status_code == 200
    response = client.post(
        url,
        {"decision": "approve", "comment": "", "seen_hash": request.content_hash},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 302
    answer = StateAnswer.objects.get(request=request, state__code="KZ", version=1)
    assert answer.read_language == "ru"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Язык прочтения" in page
    assert "Русский" in page


def test_the_answer_records_that_the_approver_read_english(
    item_under_approval, client, approver_kz
):
    _item, request = item_under_approval
    client.force_login(approver_kz)
    url = reverse("approval-detail", args=[request.pk])
    client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    client.post(
        url,
        {"decision": "approve", "comment": "", "seen_hash": request.content_hash},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    answer = StateAnswer.objects.get(request=request, state__code="KZ", version=1)
    assert answer.read_language == "en"


def test_the_secretariat_edits_both_versions_side_by_side_in_the_admin(
    item_under_approval, client, secretariat
):
    item, request = item_under_approval
    client.force_login(secretariat)
    url = reverse("admin:actionplan_planitem_change", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="text_en"' in html
    assert 'name="text_ru"' in html
    assert 'name="status"' not in html  # the status moves on the portal page only
    response = client.post(
        url,
        {
            "title_en": item.title_en or "",
            "title_ru": item.title_ru or "",
            "text_en": item.text_en,
            "text_ru": "Порядок развития сотрудничества в области пограничного контроля",
            "en_status": "original",
            "ru_status": "official",
            "status_changes-TOTAL_FORMS": "0",
            "status_changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    request.refresh_from_db()
    assert item.text_ru == "Порядок развития сотрудничества в области пограничного контроля"
    assert item.ru_status == "official"
    assert request.version == 2


def test_an_approved_measure_is_the_original_in_the_language_its_proposer_writes(
    item_under_approval, fp_ru
):
    from actionplan.models import MeasureProposal
    from cica_portal.models import Area
    from tests.actionplan.factories import approve_by_all

    fp_ru.language = "ru"
    fp_ru.save(update_fields=["language"])
    plan_services.propose_measure(
        proposer=fp_ru,
        area=Area.objects.get(number=4),
        title="Горячая линия",
        text="Круглосуточная горячая линия.",
    )
    proposal = MeasureProposal.objects.get(title="Горячая линия")
    approve_by_all(plan_services.proposals.request_of(proposal))
    proposal.refresh_from_db()
    item = proposal.item
    assert (item.text_ru, item.ru_status) == ("Круглосуточная горячая линия.", "original")
    assert not item.text_en
    assert item.en_status == "draft"
