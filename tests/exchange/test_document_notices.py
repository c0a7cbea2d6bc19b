"""A notice is keyed by issuing state, type and number; only the issuing state reports or
changes it; a state that finds another's document files a found document report."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from cica_portal.models import Notification
from exchange import document_services, services
from exchange.models import DocumentNotice, FoundDocument
from tests.exchange import factories

pytestmark = pytest.mark.django_db
SHARES = "/api/v1/exchange/shares/"
FOUND = "/api/v1/exchange/documents/found/"


def notice_url(pk):
    return f"/api/v1/exchange/documents/notices/{pk}/"


@pytest.fixture
def notice(fp_kz, approver_kz):
    return factories.released(
        fp_kz, [approver_kz], slug="lost-stolen-document", concerned=(), recipients=("CN",)
    )


def _draft_body(**content):
    return {
        "template": "lost-stolen-document",
        "title": "Stolen passport",
        "content": factories.document_content(**content),
        "concerned_states": [],
    }


def test_a_released_share_becomes_a_notice_keyed_by_state_type_and_number(notice):
    row = DocumentNotice.objects.get(share=notice)
    assert (row.issuing_state.code, row.document_type, row.status) == ("KZ", "Passport", "stolen")
    assert row.number_key == notice.document_number_normalised
    assert "1234567" not in row.number_key + row.skeleton_key  # keyed hashes, never the number
    assert row.reported_to_sltd is True


def test_the_database_refuses_a_second_notice_of_one_document(notice, fp_kz):
    row = DocumentNotice.objects.get(share=notice)
    other = factories.draft(
        fp_kz, slug="lost-stolen-document", content=factories.document_content("X9")
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentNotice.objects.create(
            share=other,
            issuing_state=row.issuing_state,
            document_type=row.document_type,
            number_key=row.number_key,
            skeleton_key=row.skeleton_key,
        )


def test_a_state_may_not_report_another_states_document(fp_ru, api_client):
    api_client.force_authenticate(fp_ru)
    response = api_client.post(SHARES, _draft_body(issuing_state="KZ"), format="json")
    assert response.status_code == 400
    assert "issuing_state" in response.json()["content"]


def test_the_same_document_is_not_reported_twice(notice, fp_kz, api_client):
    api_client.force_authenticate(fp_kz)
    response = api_client.post(SHARES, _draft_body(number="n1234-567"), format="json")
    assert response.status_code == 400
    assert f"#{notice.pk}" in response.json()["content"]["document_number"][0]
    # Another type of document with the same number is another document.
    other = api_client.post(SHARES, _draft_body(document_type="Visa"), format="json")
    assert other.status_code == 201


def test_a_lost_or_blank_document_starts_with_its_status(fp_kz, approver_kz):
    lost = factories.released(
        fp_kz, [approver_kz], slug="lost-stolen-document", concerned=(), recipients=("CN",),
        content=factories.document_content("L1", lost_or_stolen="Lost"),
    )  # fmt: skip
    blank = factories.released(
        fp_kz, [approver_kz], slug="lost-stolen-document", concerned=(), recipients=("CN",),
        content=factories.document_content("B1", document_type="Blank document"),
    )  # fmt: skip
    assert lost.document_notice.status == "lost"
    assert DocumentNotice.objects.get(share=blank).status == "stolen_blank"


def test_the_issuing_state_marks_its_document_recovered_with_the_date(notice, fp_kz, api_client):
    api_client.force_authenticate(fp_kz)
    without_date = api_client.patch(notice_url(notice.pk), {"status": "recovered"}, format="json")
    assert without_date.status_code == 400
    assert "recovered_on" in without_date.json()
    done = api_client.patch(
        notice_url(notice.pk), {"status": "recovered", "recovered_on": "2026-06-01"}, format="json"
    )
    assert done.status_code == 200
    assert done.json()["status"] == "recovered"
    assert DocumentNotice.objects.get(share=notice).recovered_on == datetime.date(2026, 6, 1)
    closed = api_client.patch(notice_url(notice.pk), {"status": "stolen"}, format="json")
    assert closed.status_code == 409  # recovered ends it


@pytest.mark.parametrize("status", ["lost", "stolen", "stolen_blank", "revoked", "invalid"])
def test_the_issuing_state_sets_each_status(notice, fp_kz, status):
    row = document_services.change_notice(notice.document_notice, by=fp_kz, status=status)
    assert row.status == status


def test_a_recipient_may_read_a_notice_but_not_change_it(notice, fp_cn, fp_ru, api_client):
    api_client.force_authenticate(fp_cn)
    assert api_client.get(notice_url(notice.pk)).status_code == 200
    assert (
        api_client.patch(notice_url(notice.pk), {"status": "revoked"}, format="json").status_code
        == 403
    )
    api_client.force_authenticate(fp_ru)
    assert api_client.get(notice_url(notice.pk)).status_code == 404


def test_a_bad_status_is_a_400_naming_it(notice, fp_kz, api_client):
    api_client.force_authenticate(fp_kz)
    response = api_client.patch(notice_url(notice.pk), {"status": "burnt"}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()


def test_a_withdrawn_share_leaves_no_notice(notice, fp_kz):
    services.withdraw_share(notice, actor=fp_kz)
    assert not DocumentNotice.objects.filter(share=notice).exists()


def test_a_found_document_is_confirmed_by_its_issuing_state(fp_kz, fp_ru, api_client):
    api_client.force_authenticate(fp_ru)
    body = {
        "issuing_state": "KZ", "document_type": "Passport", "number": "N 555",
        "found_on": "2026-06-01", "place": "Airport",
    }  # fmt: skip
    made = api_client.post(FOUND, body, format="json")
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert Notification.objects.filter(
        recipient=fp_kz, key=f"exchange:found-document:{pk}"
    ).exists()
    assert "N 555" not in FoundDocument.objects.get(pk=pk).sealed_details
    api_client.force_authenticate(fp_kz)
    assert api_client.get(FOUND).json()[0]["number"] == "N 555"
    decided = api_client.post(f"{FOUND}{pk}/decision/", {"decision": "confirm"}, format="json")
    assert decided.status_code == 200
    assert decided.json()["status"] == "confirmed"
    assert Notification.objects.filter(
        recipient=fp_ru, key=f"exchange:found-document:{pk}:decided"
    ).exists()


def test_only_the_issuing_state_decides_and_a_rejection_needs_a_reason(
    fp_kz, fp_ru, fp_cn, api_client
):
    report = document_services.report_found_document(
        by=fp_ru, issuing_state=fp_kz.state, document_type="Passport", number="N1",
        found_on=datetime.date(2026, 6, 1),
    )  # fmt: skip
    api_client.force_authenticate(fp_cn)
    assert api_client.get(f"{FOUND}{report.pk}/").status_code == 404
    api_client.force_authenticate(fp_ru)
    assert (
        api_client.post(
            f"{FOUND}{report.pk}/decision/", {"decision": "confirm"}, format="json"
        ).status_code
        == 403
    )
    api_client.force_authenticate(fp_kz)
    refused = api_client.post(
        f"{FOUND}{report.pk}/decision/", {"decision": "reject"}, format="json"
    )
    assert refused.status_code == 400
    assert "note" in refused.json()


def test_a_state_files_no_found_report_on_its_own_document(fp_kz, api_client):
    api_client.force_authenticate(fp_kz)
    body = {
        "issuing_state": "KZ",
        "document_type": "Passport",
        "number": "N1",
        "found_on": "2026-06-01",
    }
    response = api_client.post(FOUND, body, format="json")
    assert response.status_code == 400
    assert "issuing_state" in response.json()


def test_the_found_documents_page_reports_and_decides(fp_kz, fp_ru, client):
    client.force_login(fp_ru)
    page = client.get(reverse("exchange:found-documents"))
    assert page.status_code == 200
    bad = client.post(
        reverse("exchange:found-documents"),
        {
            "issuing_state": "RU",
            "document_type": "Passport",
            "number": "N9",
            "found_on": "2026-06-01",
        },
    )
    assert bad.status_code == 200
    assert "issuing_state" in bad.context["form"].errors
    done = client.post(
        reverse("exchange:found-documents"),
        {
            "issuing_state": "KZ",
            "document_type": "Passport",
            "number": "N9",
            "found_on": "2026-06-01",
            "place": "Sheremetyevo",
        },
    )
    assert done.status_code == 302
    report = FoundDocument.objects.get()
    client.force_login(fp_kz)
    page = client.get(reverse("exchange:found-documents")).content.decode()
    assert "N9" in page
    assert "Sheremetyevo" in page
    client.post(
        reverse("exchange:found-document-decision", args=[report.pk]),
        {"decision": "reject", "note": "Not ours"},
    )
    assert FoundDocument.objects.get().status == "rejected"
