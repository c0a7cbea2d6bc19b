"""The admin of lost and stolen documents shows each user what the portal shows them, never a
number, and changes a notice only through its service: the Secretariat (staff, superuser)
gains no state's rights there."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from cica_portal.models import AuditRecord
from exchange import document_services
from exchange.document_selectors import DocumentQuery
from exchange.models import DocumentHit, DocumentNotice
from tests.exchange import factories
from tests.factories import SecretariatAdminFactory, SecretariatFactory

pytestmark = pytest.mark.django_db
NOTICES = "admin:exchange_documentnotice_changelist"
NOTICE = "admin:exchange_documentnotice_change"
HITS = "admin:exchange_documenthit_changelist"
FOUND = "admin:exchange_founddocument_changelist"


@pytest.fixture
def staff(db):
    return SecretariatAdminFactory(username="secretariat-staff")


@pytest.fixture
def notices(fp_kz, approver_kz):
    """One notice released to the Secretariat, one kept from it; a hit of China on the first."""
    given = factories.released(
        fp_kz,
        [approver_kz],
        slug="lost-stolen-document",
        concerned=(),
        recipients=("CN",),
        secretariat_may_read=True,
    )
    kept = factories.released(
        fp_kz,
        [approver_kz],
        slug="lost-stolen-document",
        concerned=(),
        recipients=("CN",),
        content=factories.document_content("K 7777-001"),
    )
    return given, kept


@pytest.fixture
def admin_fp_kz(fp_kz):
    """Kazakhstan's focal point with the admin's model permissions of the document models."""
    fp_kz.is_staff = True
    fp_kz.save(update_fields=["is_staff"])
    fp_kz.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="exchange",
            codename__in=[
                "view_documentnotice",
                "change_documentnotice",
                "view_documenthit",
                "view_founddocument",
            ],
        )
    )
    return fp_kz


def test_the_secretariat_sees_only_the_notices_released_to_it_and_changes_none(
    client, staff, notices
):
    given, _kept = notices
    client.force_login(staff)
    response = client.get(reverse(NOTICES))
    assert [n.share_id for n in response.context["cl"].result_list] == [given.pk]
    page = client.get(reverse(NOTICE, args=[given.document_notice.pk]))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    refused = client.post(
        reverse(NOTICE, args=[given.document_notice.pk]),
        {"status": "revoked", "reported_to_sltd": "on"},
    )
    assert refused.status_code == 403
    assert DocumentNotice.objects.get(share=given).status == "stolen"


def test_no_number_nor_its_hash_is_shown(client, admin_fp_kz, notices):
    given, _kept = notices
    notice = given.document_notice
    client.force_login(admin_fp_kz)
    for url in (reverse(NOTICES), reverse(NOTICE, args=[notice.pk])):
        html = client.get(url).content.decode()
        assert "1234-567" not in html
        assert "N1234567" not in html
        assert notice.number_key not in html
        assert notice.skeleton_key not in html


def test_the_issuing_state_changes_its_notice_through_the_service(client, admin_fp_kz, notices):
    given, _kept = notices
    notice = given.document_notice
    client.force_login(admin_fp_kz)
    response = client.post(
        reverse(NOTICE, args=[notice.pk]),
        {"status": "revoked", "recovered_on": "", "reported_to_sltd": "on"},
    )
    assert response.status_code == 302
    assert DocumentNotice.objects.get(pk=notice.pk).status == "revoked"
    assert AuditRecord.objects.filter(action="exchange.document.changed").exists()


def test_a_refusal_of_the_service_is_a_message_and_changes_nothing(client, admin_fp_kz, notices):
    given, _kept = notices
    notice = given.document_notice
    client.force_login(admin_fp_kz)
    response = client.post(
        reverse(NOTICE, args=[notice.pk]),
        {"status": "recovered", "recovered_on": "", "reported_to_sltd": "on"},
        follow=True,
    )
    assert "Give the date it was recovered." in response.content.decode()
    assert DocumentNotice.objects.get(pk=notice.pk).status == "stolen"


def test_hits_and_found_documents_are_the_two_states_own(
    client, staff, admin_fp_kz, fp_cn, fp_ru, notices
):
    given, _kept = notices
    document_services.check_documents(
        fp_cn, [DocumentQuery("N 1234-567")], channel=DocumentHit.Channel.API
    )
    document_services.report_found_document(
        by=fp_ru,
        issuing_state=given.originating_state,
        document_type="Passport",
        number="N 9",
        found_on=given.created_at.date(),
    )
    client.force_login(staff)
    assert list(client.get(reverse(HITS)).context["cl"].result_list) == []
    assert list(client.get(reverse(FOUND)).context["cl"].result_list) == []
    client.force_login(admin_fp_kz)
    assert len(client.get(reverse(HITS)).context["cl"].result_list) == 1
    found = client.get(reverse(FOUND))
    assert len(found.context["cl"].result_list) == 1
    assert "N 9" not in found.content.decode()


def test_a_superuser_gains_nothing(client, notices):
    root = SecretariatFactory(username="root", role="", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert list(client.get(reverse(NOTICES)).context["cl"].result_list) == []
    assert list(client.get(reverse(HITS)).context["cl"].result_list) == []
