"""'Reported to INTERPOL's SLTD' stays a field; the issuing state is reminded while it is false,
once per notice per period of SLTD_REMINDER_DAYS (the clock given to the job)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cica_portal.models import Notification
from exchange import document_services
from exchange.models import DocumentNotice
from tests.exchange import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreported(fp_kz, approver_kz, settings):
    settings.SLTD_REMINDER_DAYS = 7
    share = factories.released(
        fp_kz,
        [approver_kz],
        slug="lost-stolen-document",
        concerned=(),
        recipients=("CN",),
        content=factories.document_content("S1", reported_to_interpol=False),
    )
    made = timezone.now()
    DocumentNotice.objects.filter(share=share).update(created_at=made)
    return share, made


def _reminders():
    return Notification.objects.filter(key__startswith="exchange:sltd:")


def test_it_waits_for_the_set_number_of_days(unreported):
    _share, made = unreported
    assert document_services.remind_sltd(now=made + timedelta(days=6, hours=23)) == 0
    assert not _reminders().exists()


def test_it_reminds_the_issuing_state_once_per_period(unreported, fp_kz, fp_cn):
    share, made = unreported
    assert document_services.remind_sltd(now=made + timedelta(days=7, hours=1)) == 1
    assert document_services.remind_sltd(now=made + timedelta(days=7, hours=2)) == 0  # rerun
    assert document_services.remind_sltd(now=made + timedelta(days=10)) == 0
    assert document_services.remind_sltd(now=made + timedelta(days=14, hours=2)) == 1
    assert set(_reminders().values_list("recipient__username", flat=True)) == {"fp-kz"}
    assert _reminders().count() == 2
    assert f"#{share.pk}" in _reminders().first().body


def test_a_reported_or_recovered_notice_is_not_reminded(unreported, fp_kz):
    share, made = unreported
    document_services.change_notice(share.document_notice, by=fp_kz, reported_to_sltd=True)
    assert document_services.remind_sltd(now=made + timedelta(days=8)) == 0
    document_services.change_notice(share.document_notice, by=fp_kz, reported_to_sltd=False)
    document_services.change_notice(
        share.document_notice, by=fp_kz, status="recovered", recovered_on=timezone.localdate()
    )
    assert document_services.remind_sltd(now=made + timedelta(days=8)) == 0


def test_a_notice_reported_at_once_is_never_reminded(fp_kz, approver_kz):
    share = factories.released(
        fp_kz, [approver_kz], slug="lost-stolen-document", concerned=(), recipients=("CN",)
    )
    assert share.document_notice.reported_to_sltd
    assert document_services.remind_sltd(now=timezone.now() + timedelta(days=30)) == 0
