"""Implementation reports: drafts saved, submission final, returned for correction, files safe."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actionplan import services
from actionplan.models import ImplementationReport, ReportAttachment
from actionplan.services import ActionPlanError
from cica_portal.models import Notification
from tests.factories import FocalPointUserFactory, state

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def report(plan, cycle, fp_kz):
    return services.start_report(cycle, actor=fp_kz)


def first_item(report):
    return report.entries.order_by("item_id").first().item_id


@pytest.mark.django_db
def test_a_focal_point_starts_a_report_with_one_entry_per_item(report, cycle, fp_kz):
    assert report.state.code == "KZ"
    assert report.status == "draft"
    assert report.entries.count() == 21  # 4 activities, 12 numbered issues, 5 topics
    assert services.start_report(cycle, actor=fp_kz) == report


@pytest.mark.django_db
def test_no_report_while_the_cycle_is_not_open(plan, cycle, fp_kz):
    cycle.status = "planned"
    cycle.save()
    with pytest.raises(ActionPlanError):
        services.start_report(cycle, actor=fp_kz)


@pytest.mark.django_db
def test_the_draft_is_saved_and_the_submission_is_final(report, fp_kz, secretariat):
    item = first_item(report)
    services.save_report(
        report, actor=fp_kz, entries={item: {"progress": "completed", "narrative": "Held."}}
    )
    assert report.entries.get(item_id=item).narrative == "Held."
    services.submit_report(report, actor=fp_kz)
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.submitted_by == fp_kz
    with pytest.raises(ActionPlanError):
        services.save_report(report, actor=fp_kz, entries={item: {"narrative": "changed"}})
    assert Notification.objects.filter(recipient=secretariat).exists()


@pytest.mark.django_db
def test_the_secretariat_returns_a_report_with_a_reason(report, fp_kz, secretariat):
    services.submit_report(report, actor=fp_kz)
    with pytest.raises(ActionPlanError):
        services.return_report(report, actor=secretariat, reason="")
    services.return_report(report, actor=secretariat, reason="Area III is empty")
    report.refresh_from_db()
    assert report.status == "returned"
    assert report.return_reason == "Area III is empty"
    assert Notification.objects.filter(recipient=fp_kz, body__contains="Area III").exists()
    services.save_report(report, actor=fp_kz, entries={first_item(report): {"narrative": "x"}})
    services.submit_report(report, actor=fp_kz)


@pytest.mark.django_db
def test_another_states_focal_point_cannot_write_it(report, fp_ru):
    with pytest.raises(ActionPlanError) as error:
        services.save_report(report, actor=fp_ru, entries={})
    assert error.value.code == "forbidden"


@pytest.mark.django_db
def test_the_report_page_saves_the_draft(client, report, fp_kz):
    item = first_item(report)
    client.force_login(fp_kz)
    response = client.post(
        f"/plan/reports/{report.pk}/",
        {f"item-{item}-progress": "in_progress", f"item-{item}-narrative": "Underway"},
    )
    assert response.status_code == 302
    assert report.entries.get(item_id=item).progress == "in_progress"


@pytest.mark.django_db
def test_the_report_page_rejects_a_bad_status_and_keeps_the_text(client, report, fp_kz):
    item = first_item(report)
    client.force_login(fp_kz)
    response = client.post(
        f"/plan/reports/{report.pk}/",
        {f"item-{item}-progress": "bogus", f"item-{item}-narrative": "Typed text"},
    )
    assert response.status_code == 400
    assert "Typed text" in response.content.decode()
    assert report.entries.get(item_id=item).narrative == ""


@pytest.mark.django_db
def test_another_states_report_is_404_and_the_approver_only_reads(
    client, report, fp_ru, approver_kz
):
    client.force_login(fp_ru)
    assert client.get(f"/plan/reports/{report.pk}/").status_code == 404
    client.force_login(approver_kz)
    assert client.get(f"/plan/reports/{report.pk}/").status_code == 200
    assert client.post(f"/plan/reports/{report.pk}/", {}).status_code == 403
    assert client.post(f"/plan/reports/{report.pk}/submit/").status_code == 403


@pytest.mark.django_db
def test_the_secretariat_sees_a_report_only_once_the_state_has_submitted_it(
    client, api_client, report, fp_kz, secretariat
):
    client.force_login(secretariat)
    api_client.force_authenticate(secretariat)
    assert client.get(f"/plan/reports/{report.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/action-plan/reports/{report.pk}/").status_code == 404
    assert report.pk not in [r.pk for r in client.get("/plan/reports/").context["page"]]
    services.submit_report(report, actor=fp_kz)
    assert client.get(f"/plan/reports/{report.pk}/").status_code == 200
    assert api_client.get(f"/api/v1/action-plan/reports/{report.pk}/").status_code == 200


@pytest.mark.django_db
def test_the_submit_page_submits_and_return_needs_the_secretariat(
    client, report, fp_kz, secretariat
):
    client.force_login(fp_kz)
    assert client.delete(f"/plan/reports/{report.pk}/submit/").status_code == 405
    client.post(f"/plan/reports/{report.pk}/submit/")
    report.refresh_from_db()
    assert report.status == "submitted"
    assert client.post(f"/plan/reports/{report.pk}/return/", {"reason": "x"}).status_code == 403
    client.force_login(secretariat)
    response = client.post(f"/plan/reports/{report.pk}/return/", {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    client.post(f"/plan/reports/{report.pk}/return/", {"reason": "More on area II"})
    report.refresh_from_db()
    assert report.status == "returned"


@pytest.mark.django_db
def test_an_attachment_is_checked_by_content_stored_and_served_safely(
    client, report, fp_kz, fp_ru, secretariat, settings
):
    client.force_login(fp_kz)
    upload = SimpleUploadedFile("summary.pdf", PDF, content_type="text/html")
    response = client.post(report.get_absolute_url(), {"file": upload, "then": "attach"})
    assert response.status_code == 302
    attachment = ReportAttachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert str(settings.MEDIA_ROOT) in attachment.file.path
    services.submit_report(report, actor=fp_kz)  # the Secretariat reads submitted reports
    client.force_login(secretariat)
    response = client.get(f"/plan/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    client.force_login(fp_ru)
    assert client.get(f"/plan/attachments/{attachment.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_file_that_only_claims_to_be_a_pdf_is_refused(client, report, fp_kz):
    client.force_login(fp_kz)
    upload = SimpleUploadedFile(
        "evil.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    response = client.post(report.get_absolute_url(), {"file": upload, "then": "attach"})
    assert response.status_code == 400
    assert "not accepted" in response.content.decode()
    assert not ReportAttachment.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused(report, fp_kz, settings):
    settings.UPLOAD_MAX_BYTES = 50
    upload = SimpleUploadedFile("big.png", PNG, content_type="image/png")
    with pytest.raises(ActionPlanError) as error:
        services.add_attachment(report, actor=fp_kz, upload=upload)
    assert "too large" in str(error.value.message)


@pytest.mark.django_db
def test_no_attachment_after_submission(report, fp_kz):
    services.submit_report(report, actor=fp_kz)
    with pytest.raises(ActionPlanError):
        services.add_attachment(report, actor=fp_kz, upload=io.BytesIO(PDF))


@pytest.mark.django_db
def test_the_reports_list_does_not_grow_in_queries(
    client, plan, cycle, secretariat, django_assert_max_num_queries
):
    for code in ["KZ", "RU", "CN", "IN", "TR"]:
        user = FocalPointUserFactory(username=f"fp-{code.lower()}", state=state(code))
        services.submit_report(services.start_report(cycle, actor=user), actor=user)
    client.force_login(secretariat)
    with django_assert_max_num_queries(12):
        response = client.get("/plan/reports/")
    assert response.status_code == 200
    assert len(response.context["page"]) == 5


@pytest.mark.django_db
def test_the_api_creates_edits_and_submits_the_own_states_report(
    api_client, plan, cycle, fp_kz, fp_ru, secretariat
):
    api_client.force_authenticate(fp_kz)
    response = api_client.post("/api/v1/action-plan/reports/", {"year": cycle.year}, format="json")
    assert response.status_code == 201
    report = response.json()
    assert report["state"] == "KZ"
    assert report["status"] == "draft"
    item = report["entries"][0]["item"]
    url = f"/api/v1/action-plan/reports/{report['id']}/"
    response = api_client.patch(
        url,
        {"entries": [{"item": item, "progress": "completed", "narrative": "Done"}]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["entries"][0]["progress"] == "completed"
    assert (
        api_client.patch(
            url, {"entries": [{"item": item, "progress": "nope"}]}, format="json"
        ).status_code
        == 400
    )
    assert api_client.put(url, {}, format="json").status_code == 405
    api_client.force_authenticate(fp_ru)
    assert api_client.get(url).status_code == 404
    assert api_client.get("/api/v1/action-plan/reports/").json()["count"] == 0
    api_client.force_authenticate(fp_kz)
    assert api_client.post(url + "submit/").json()["status"] == "submitted"
    assert api_client.post(url + "submit/").status_code == 409
    api_client.force_authenticate(secretariat)
    assert api_client.get("/api/v1/action-plan/reports/?state=kz").json()["count"] == 1
    assert (
        api_client.post(url + "return/", {"reason": "More"}, format="json").json()["status"]
        == "returned"
    )
    assert ImplementationReport.objects.get().status == "returned"


@pytest.mark.django_db
def test_the_api_refuses_a_report_from_the_secretariat(api_client, plan, cycle, secretariat):
    api_client.force_authenticate(secretariat)
    response = api_client.post("/api/v1/action-plan/reports/", {"year": cycle.year}, format="json")
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_cycles_api_lists_dates_and_tells_the_secretariat_who_reported(
    api_client, report, cycle, fp_kz, secretariat
):
    services.submit_report(report, actor=fp_kz)
    api_client.force_authenticate(fp_kz)
    response = api_client.get("/api/v1/action-plan/review-cycles/")
    assert response.json()["results"][0]["year"] == cycle.year
    assert (
        api_client.get(f"/api/v1/action-plan/review-cycles/{cycle.year}/states/").status_code == 403
    )
    api_client.force_authenticate(secretariat)
    rows = api_client.get(f"/api/v1/action-plan/review-cycles/{cycle.year}/states/").json()
    assert {"state": "KZ", "report": "submitted"}.items() <= next(
        r for r in rows if r["state"] == "KZ"
    ).items()
    assert sum(r["report"] == "missing" for r in rows) == 27


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [{"year": 10**30}, {"year": "x"}, {}, {"year": None}],
)
def test_the_api_answers_bad_report_bodies_with_400(api_client, plan, cycle, fp_kz, body):
    api_client.force_authenticate(fp_kz)
    assert api_client.post("/api/v1/action-plan/reports/", body, format="json").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [{"entries": "x"}, {"entries": [{"item": 10**12}]}, {"entries": [{"item": "a"}]}, {}],
)
def test_the_api_answers_bad_entries_with_400(api_client, report, fp_kz, body):
    api_client.force_authenticate(fp_kz)
    url = f"/api/v1/action-plan/reports/{report.pk}/"
    assert api_client.patch(url, body, format="json").status_code == 400


@pytest.mark.django_db
def test_the_api_answers_unknown_ids_with_404(api_client, plan, fp_kz):
    api_client.force_authenticate(fp_kz)
    assert api_client.get("/api/v1/action-plan/reports/abc/").status_code == 404
    assert api_client.get("/api/v1/action-plan/review-cycles/1999/").status_code == 404
    assert api_client.get("/api/v1/action-plan/review-cycles/x/").status_code == 404
    big = "9" * 30
    assert api_client.get(f"/api/v1/action-plan/review-cycles/{big}/").status_code == 404
    assert api_client.get(f"/api/v1/action-plan/reports/{big}/").status_code == 404
