"""The plan's admin shows the Secretariat what the portal shows it (no state's draft report, in
the list, the object page, the counts or the review's figures) and writes through services."""

import datetime

import pytest
from django.urls import reverse

from actionplan import services
from actionplan.models import ImplementationReport, PlanItem, ReviewCycle
from cica_portal.models import AuditRecord
from tests.factories import SecretariatAdminFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return SecretariatAdminFactory(username="secretariat-staff")


@pytest.fixture
def reports(plan, cycle, fp_kz, fp_ru):
    """Kazakhstan's report is submitted; Russia's is a draft with progress written in it."""
    submitted = services.submit_report(services.start_report(cycle, actor=fp_kz), actor=fp_kz)
    draft = services.start_report(cycle, actor=fp_ru)
    entries = {entry.item_id: {"progress": "completed"} for entry in draft.entries.all()}
    services.save_report(draft, actor=fp_ru, entries=entries)
    return submitted, draft


def test_the_secretariat_does_not_see_a_draft_report_in_the_admin(client, staff, reports):
    submitted, draft = reports
    client.force_login(staff)
    response = client.get(reverse("admin:actionplan_implementationreport_changelist"))
    cl = response.context["cl"]
    assert [report.pk for report in cl.result_list] == [submitted.pk]
    assert cl.result_count == 1
    assert cl.full_result_count == 1
    assert "Russia" not in response.content.decode()
    filtered = client.get(
        reverse("admin:actionplan_implementationreport_changelist"), {"status__exact": "draft"}
    )
    assert filtered.context["cl"].result_count == 0
    detail = reverse("admin:actionplan_implementationreport_change", args=[draft.pk])
    assert client.get(detail).status_code == 302
    history = reverse("admin:actionplan_implementationreport_history", args=[draft.pk])
    assert client.get(history).status_code == 302
    assert (
        client.get(
            reverse("admin:actionplan_implementationreport_change", args=[submitted.pk])
        ).status_code
        == 200
    )


def test_the_review_counts_a_draft_as_no_report(client, secretariat, reports):
    submitted, draft = reports
    client.force_login(secretariat)
    response = client.get(f"/plan/review/{submitted.cycle.year}/")
    rows = {row.state.code: row for row in response.context["rows"]}
    assert rows["KZ"].report == submitted
    assert rows["RU"].report is None
    assert rows["RU"].status == "missing"
    assert sum(rows["RU"].progress.values()) == 0
    assert rows["RU"].percent == 0
    assert draft.get_absolute_url() not in response.content.decode()
    states = client.get(f"/api/v1/action-plan/review-cycles/{submitted.cycle.year}/states/")
    by_code = {row["state"]: row["report"] for row in states.json()}
    assert by_code["KZ"] == "submitted"
    assert by_code["RU"] == "missing"


def test_a_returned_report_counts_as_the_secretariat_sees_it(client, secretariat, reports):
    submitted, _draft = reports
    services.return_report(submitted, actor=secretariat, reason="Add the annex.")
    client.force_login(secretariat)
    response = client.get(f"/plan/review/{submitted.cycle.year}/")
    rows = {row.state.code: row for row in response.context["rows"]}
    assert rows["KZ"].status == "returned"


def test_a_report_is_returned_from_the_admin_through_the_service(client, staff, reports):
    submitted, draft = reports
    client.force_login(staff)
    response = client.post(
        reverse("admin:actionplan_implementationreport_changelist"),
        {"action": "return_for_correction", "_selected_action": [submitted.pk, draft.pk]},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert submitted.status == "returned"
    assert draft.status == "draft"
    assert AuditRecord.objects.filter(action="actionplan.report.returned", actor=staff).count() == 1


def test_reports_and_the_plan_are_read_only_in_the_admin(client, staff, reports):
    submitted, _draft = reports
    client.force_login(staff)
    url = reverse("admin:actionplan_implementationreport_change", args=[submitted.pk])
    assert client.post(url, {"return_reason": "x"}).status_code == 403
    item = PlanItem.objects.order_by("pk").first()
    item_url = reverse("admin:actionplan_planitem_change", args=[item.pk])
    page = client.get(item_url)
    assert page.status_code == 200
    assert item.get_absolute_url() in page.content.decode()
    before = (item.title, item.text, item.status)
    # The Secretariat edits only the item's language versions there (README: two languages);
    # its status, and the fields that are not language versions, are not in the form.
    client.post(item_url, {"title": "Rewritten", "text": "Rewritten", "status": "completed"})
    item.refresh_from_db()
    assert (item.title, item.text, item.status) == before
    assert client.get(reverse("admin:actionplan_planitem_add")).status_code == 403
    for name, pk in (("planitem", item.pk), ("implementationreport", submitted.pk)):
        delete = reverse(f"admin:actionplan_{name}_delete", args=[pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403


def _cycle_data(year: int, start: datetime.date) -> dict:
    days = [0, 30, 40, 41, 60, 61]
    names = ["opens_on", "report_deadline", "swg_start", "swg_end", "soc_start", "soc_end"]
    return {
        "year": year,
        **{n: start + datetime.timedelta(days=d) for n, d in zip(names, days, strict=True)},
    }


def test_a_review_cycle_planned_and_moved_in_the_admin_is_audited(client, staff):
    client.force_login(staff)
    start = datetime.date(2031, 2, 1)
    response = client.post(reverse("admin:actionplan_reviewcycle_add"), _cycle_data(2031, start))
    assert response.status_code == 302
    cycle = ReviewCycle.objects.get(year=2031)
    assert cycle.status == "planned"
    created = AuditRecord.objects.get(action="actionplan.review.scheduled")
    assert created.actor == staff
    assert created.object_id == str(cycle.pk)
    moved = _cycle_data(2031, start)
    moved["report_deadline"] = start + datetime.timedelta(days=35)
    del moved["year"]
    url = reverse("admin:actionplan_reviewcycle_change", args=[cycle.pk])
    assert client.post(url, moved).status_code == 302
    cycle.refresh_from_db()
    assert cycle.report_deadline == start + datetime.timedelta(days=35)
    record = AuditRecord.objects.get(action="actionplan.review.rescheduled")
    assert record.actor == staff
    assert record.data == {"report_deadline": {"before": "2031-03-03", "after": "2031-03-08"}}


def test_review_dates_out_of_order_are_a_form_error(client, staff):
    client.force_login(staff)
    data = _cycle_data(2032, datetime.date(2032, 2, 1))
    data["soc_end"] = datetime.date(2032, 1, 1)
    response = client.post(reverse("admin:actionplan_reviewcycle_add"), data)
    assert response.status_code == 200
    assert "Dates must follow each other" in response.content.decode()
    assert not ReviewCycle.objects.filter(year=2032).exists()


def test_a_review_cycle_is_not_deleted_and_a_closed_one_not_changed(client, staff, cycle):
    client.force_login(staff)
    delete = reverse("admin:actionplan_reviewcycle_delete", args=[cycle.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    ReviewCycle.objects.filter(pk=cycle.pk).update(status="closed")
    data = _cycle_data(cycle.year, cycle.opens_on)
    del data["year"]
    url = reverse("admin:actionplan_reviewcycle_change", args=[cycle.pk])
    assert client.post(url, data).status_code == 403
    assert ImplementationReport.objects.count() == 0
