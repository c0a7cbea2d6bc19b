"""The admin shows the Secretariat only the requests it may read, keeps the others' audit records
from it, and sets working times through the service; the annual review and the approval page
show what this app contributes."""

import pytest
from django.urls import reverse

from cica_portal.models import AuditRecord
from inquiries import services
from inquiries.models import WorkingTime
from tests.actionplan.factories import ReviewCycleFactory
from tests.factories import SecretariatAdminFactory, state

from .factories import part_of, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return SecretariatAdminFactory(username="secretariat-staff")


def test_the_request_admin_lists_only_what_the_secretariat_may_read(client, staff, fp_kz):
    kept = send(fp_kz, subject="Kept from the Secretariat")
    allowed = send(fp_kz, subject="Shown to the Secretariat", secretariat_may_read=True)
    client.force_login(staff)
    response = client.get(reverse("admin:inquiries_informationrequest_changelist"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["cl"].result_list] == [allowed.pk]
    hidden = client.get(reverse("admin:inquiries_informationrequest_change", args=[kept.pk]))
    assert hidden.status_code == 302  # the admin's answer for an object it cannot find
    assert b"Kept from the Secretariat" not in response.content


def test_the_audit_log_admin_keeps_hidden_requests_from_the_secretariat(client, staff, fp_kz):
    kept = send(fp_kz)
    assert AuditRecord.objects.filter(
        object_type="inquiries.informationrequest", object_id=str(kept.pk)
    ).exists()
    client.force_login(staff)
    response = client.get(reverse("admin:cica_portal_auditrecord_changelist"))
    shown = list(response.context["cl"].queryset)
    assert not [r for r in shown if r.object_type == "inquiries.informationrequest"]


def test_the_secretariat_sets_a_working_time_in_the_admin_audited(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:inquiries_workingtime_add"),
        {
            "state": state("RU").pk,
            "time_zone": "Europe/Moscow",
            "working_days": "12345",
            "day_starts": "09:00",
            "day_ends": "18:00",
        },
    )
    assert response.status_code == 302, response.content
    assert WorkingTime.objects.get(state__code="RU").time_zone == "Europe/Moscow"
    assert AuditRecord.objects.filter(action="inquiries.working_time.set").count() == 1


def test_a_bad_working_time_is_a_form_error_in_the_admin(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:inquiries_workingtime_add"),
        {
            "state": state("RU").pk,
            "time_zone": "Mars/Olympus",
            "working_days": "89",
            "day_starts": "09:00",
            "day_ends": "18:00",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "time_zone" in errors
    assert "working_days" in errors
    assert not WorkingTime.objects.exists()


def test_the_annual_review_page_shows_answer_times(client, secretariat, fp_kz, fp_ru):
    cycle = ReviewCycleFactory()
    request = send(fp_kz)
    services.answer_request(part_of(request, "RU"), by=fp_ru, outcome="answer", answer="x")
    client.force_login(secretariat)
    page = client.get(reverse("actionplan:review", args=[cycle.year]))
    assert page.status_code == 200
    assert b"Requests for information: answer times" in page.content
    assert b"Median hours to answer" in page.content


def test_a_third_states_approver_reads_the_answer_on_the_approval_page(
    client, fp_kz, fp_ru, approver_cn
):
    request = send(fp_kz)
    part = services.answer_request(
        part_of(request, "RU"),
        by=fp_ru,
        outcome="answer",
        answer="Seen with a Chinese national CONSENT-MARK",
        third_states=[state("CN")],
    )
    client.force_login(approver_cn)
    page = client.get(reverse("approval-detail", args=[part.approval_id]))
    assert page.status_code == 200
    assert b"CONSENT-MARK" in page.content
    # ... but not the request's own page: China was not asked.
    assert client.get(reverse("inquiries:detail", args=[request.pk])).status_code == 404


@pytest.mark.parametrize("page", ["inquiries:index", "inquiries:detail", "inquiries:answer"])
def test_the_pages_speak_russian(client, fp_kz, fp_ru, page):
    from tests.i18n.test_translations import _assert_russian

    request = send(fp_kz)
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    client.force_login(fp_ru)
    args = [] if page == "inquiries:index" else [request.pk]
    _assert_russian(
        client.get(reverse(page, args=args)),
        must_show=["Запросы информации"],
        must_not_show=["Requests for information", "Answer due"],
    )
