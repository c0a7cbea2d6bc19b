"""The review's stages as work: consolidation, the SWG, the SOC's adoption through the
approvals, publication to every member state; one cycle open at a time."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from actionplan import services
from actionplan.models import ImplementationReport, PlanItem, ReviewCycle
from actionplan.services import ActionPlanError
from cica_portal import approvals
from cica_portal.models import ApprovalRequest, Notification, RegisteredDecision

from .factories import ReviewCycleFactory, approve_by_all

Stage = ReviewCycle.Stage


@pytest.fixture
def reported(plan, cycle, fp_kz):
    item = PlanItem.objects.get(area__number=1, kind=PlanItem.Kind.ACTIVITY)
    report = services.start_report(cycle, actor=fp_kz)
    services.save_report(
        report, actor=fp_kz, entries={item.pk: {"progress": "in_progress", "narrative": "Done."}}
    )
    services.submit_report(report, actor=fp_kz)
    return cycle


def before_the_swg(cycle, secretariat) -> ReviewCycle:
    services.begin_consolidation(cycle, actor=secretariat)
    services.write_review_text(
        cycle, actor=secretariat, summary="Most states reported.", conclusions="Go on."
    )
    return services.send_to_swg(cycle, actor=secretariat)


def before_the_soc(cycle, secretariat) -> ApprovalRequest:
    before_the_swg(cycle, secretariat)
    services.record_swg_conclusions(cycle, actor=secretariat, conclusions="The SWG agrees.")
    return services.put_review_to_soc(cycle, actor=secretariat)


@pytest.mark.django_db
def test_it_refuses_stages_out_of_order(reported, secretariat):
    with pytest.raises(ActionPlanError):
        services.send_to_swg(reported, actor=secretariat)
    with pytest.raises(ActionPlanError):
        services.record_swg_conclusions(reported, actor=secretariat, conclusions="Early.")
    with pytest.raises(ActionPlanError):
        services.put_review_to_soc(reported, actor=secretariat)
    services.begin_consolidation(reported, actor=secretariat)
    with pytest.raises(ActionPlanError):
        services.begin_consolidation(reported, actor=secretariat)
    with pytest.raises(ActionPlanError):
        services.put_review_to_soc(reported, actor=secretariat)
    reported.refresh_from_db()
    assert reported.stage == Stage.CONSOLIDATION


@pytest.mark.django_db
def test_the_swg_gets_the_text_only_with_the_secretariats_summary(reported, secretariat):
    services.begin_consolidation(reported, actor=secretariat)
    with pytest.raises(ActionPlanError) as refused:
        services.send_to_swg(reported, actor=secretariat)
    assert refused.value.field == "summary"
    services.write_review_text(reported, actor=secretariat, summary="Ours.", conclusions="Go.")
    services.send_to_swg(reported, actor=secretariat)
    reported.refresh_from_db()
    assert reported.stage == Stage.SWG
    with pytest.raises(ActionPlanError):  # the text is fixed once before the SWG
        services.write_review_text(reported, actor=secretariat, summary="New", conclusions="x")


@pytest.mark.django_db
def test_only_the_secretariat_moves_the_stages(reported, fp_kz, approver_kz):
    for user in (fp_kz, approver_kz):
        with pytest.raises(ActionPlanError) as refused:
            services.begin_consolidation(reported, actor=user)
        assert refused.value.code == "forbidden"


@pytest.mark.django_db
def test_reports_no_longer_change_once_the_review_is_before_the_swg(reported, secretariat, fp_kz):
    report = ImplementationReport.objects.get(cycle=reported, state__code="KZ")
    before_the_swg(reported, secretariat)
    with pytest.raises(ActionPlanError):
        services.return_report(report, actor=secretariat, reason="Late correction.")


@pytest.mark.django_db
def test_adoption_by_consensus_publishes_to_every_member_state(
    client, reported, secretariat, fp_kz, approver_ru
):
    client.force_login(fp_kz)
    assert client.get(f"/plan/review/{reported.year}/").status_code == 403
    request = before_the_soc(reported, secretariat)
    assert request.purpose == "actionplan.review"
    reported.refresh_from_db()
    assert request.content_hash == services.stages.content_hash_of(reported)
    assert client.get(f"/plan/review/{reported.year}/").status_code == 403  # not yet adopted
    client.force_login(approver_ru)
    assert client.get(f"/approvals/{request.pk}/").status_code == 200  # the text to adopt
    assert client.get(f"/plan/review/{reported.year}/review.pdf").status_code == 403

    approve_by_all(request)

    reported.refresh_from_db()
    assert reported.stage == Stage.PUBLISHED
    assert reported.status == ReviewCycle.Status.CLOSED
    assert reported.adopted_hash == request.content_hash
    assert Notification.objects.filter(recipient=fp_kz, key__endswith=":published").exists()
    assert RegisteredDecision.objects.filter(approval=request).exists()
    client.force_login(fp_kz)
    page = client.get(f"/plan/review/{reported.year}/")
    assert page.status_code == 200
    assert "Most states reported." in page.content.decode()
    assert client.get(f"/plan/review/{reported.year}/review.pdf").status_code == 200


@pytest.mark.django_db
def test_adoption_by_silence_publishes_at_its_instant(reported, secretariat):
    before_the_swg(reported, secretariat)
    services.record_swg_conclusions(reported, actor=secretariat, conclusions="Agreed.")
    request = services.put_review_to_soc(
        reported, actor=secretariat, silence_until=timezone.now() + datetime.timedelta(hours=1)
    )
    assert approvals.adopt_expired_silences() == 0
    ApprovalRequest.objects.filter(pk=request.pk).update(
        silence_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert approvals.adopt_expired_silences() == 1
    reported.refresh_from_db()
    assert reported.stage == Stage.PUBLISHED


@pytest.mark.django_db
def test_an_objection_leaves_the_review_before_the_soc_to_ask_again(
    reported, secretariat, approver_kz, fp_kz
):
    request = before_the_soc(reported, secretariat)
    approvals.answer_request(
        request,
        approver=approver_kz,
        decision="object",
        comment="Area II is incomplete.",
        seen_hash=request.content_hash,
    )
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.REJECTED
    reported.refresh_from_db()
    assert reported.stage == Stage.SOC
    assert not reported.is_published
    again = services.put_review_to_soc(reported, actor=secretariat)
    assert again.is_open


@pytest.mark.django_db
def test_a_second_open_cycle_is_refused(reported, secretariat):
    year = reported.year + 1
    planned = ReviewCycleFactory(
        year=year,
        opens_on=datetime.date(year, 1, 10),
        report_deadline=datetime.date(year, 3, 1),
        swg_start=datetime.date(year, 4, 1),
        swg_end=datetime.date(year, 4, 2),
        soc_start=datetime.date(year, 5, 1),
        soc_end=datetime.date(year, 5, 2),
        status=ReviewCycle.Status.PLANNED,
    )
    with pytest.raises(ActionPlanError) as refused:
        services.open_cycle(planned, actor=secretariat)
    assert str(reported.year) in refused.value.message
    assert services.open_cycle(planned) is False  # the beat waits
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewCycle.objects.filter(pk=planned.pk).update(status=ReviewCycle.Status.OPEN)


@pytest.mark.django_db
def test_a_returned_report_stays_visible_to_its_state_whatever_cycle_is_open(
    client, reported, secretariat, fp_kz
):
    report = ImplementationReport.objects.get(cycle=reported, state__code="KZ")
    services.return_report(report, actor=secretariat, reason="Add the seminar's dates.")
    # Another year's review is the one open now.
    ReviewCycle.objects.filter(pk=reported.pk).update(status=ReviewCycle.Status.CLOSED)
    year = reported.year + 1
    ReviewCycleFactory(
        year=year,
        opens_on=datetime.date(year, 1, 10),
        report_deadline=datetime.date(year, 3, 1),
        swg_start=datetime.date(year, 4, 1),
        swg_end=datetime.date(year, 4, 2),
        soc_start=datetime.date(year, 5, 1),
        soc_end=datetime.date(year, 5, 2),
    )
    client.force_login(fp_kz)
    body = client.get("/plan/reports/").content.decode()
    assert "Add the seminar&#x27;s dates." in body
    assert report.get_absolute_url() in body
    assert client.get(report.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_the_review_page_moves_the_stages_for_the_secretariat_only(
    client, reported, secretariat, fp_kz
):
    client.force_login(fp_kz)
    url = f"/plan/review/{reported.year}/stage/"
    assert client.post(url, {"step": "consolidate"}).status_code == 403
    client.force_login(secretariat)
    assert client.get(url).status_code == 405
    assert client.post(url, {"step": "consolidate"}).status_code == 302
    reported.refresh_from_db()
    assert reported.stage == Stage.CONSOLIDATION
    assert client.post(url, {"step": "nonsense"}).status_code == 302


@pytest.mark.django_db
def test_the_secretariats_text_form_names_the_field_on_bad_input(client, reported, secretariat):
    client.force_login(secretariat)
    url = f"/plan/review/{reported.year}/text/"
    response = client.post(url, {"summary": "x" * 20001, "conclusions": "Kept."})
    assert response.status_code == 400
    assert "summary" in response.context["form"].errors
    assert "Kept." in response.content.decode()
    assert client.post(url, {"summary": "Ours.", "conclusions": "Kept."}).status_code == 302
    reported.refresh_from_db()
    assert (reported.summary, reported.conclusions) == ("Ours.", "Kept.")


@pytest.mark.django_db
def test_the_soc_is_asked_from_the_review_page(client, reported, secretariat):
    before_the_swg(reported, secretariat)
    client.force_login(secretariat)
    url = f"/plan/review/{reported.year}/soc/"
    response = client.post(url, {"deadline": ""})
    assert response.status_code == 302  # no SWG conclusions yet: refused, nothing opened
    assert not ApprovalRequest.objects.filter(purpose="actionplan.review").exists()
    swg = client.post(f"/plan/review/{reported.year}/swg/", {"swg_conclusions": "Agreed."})
    assert swg.status_code == 302
    assert client.post(url, {"deadline": "not a date"}).status_code == 302
    assert not ApprovalRequest.objects.filter(purpose="actionplan.review").exists()
    response = client.post(url, {"deadline": ""})
    request = ApprovalRequest.objects.get(purpose="actionplan.review")
    assert response["Location"] == f"/approvals/{request.pk}/"


@pytest.mark.django_db
def test_the_admin_writes_the_secretariats_text_through_the_services(client, reported):
    from django.urls import reverse

    from cica_portal.models import AuditRecord
    from tests.factories import SecretariatAdminFactory

    staff = SecretariatAdminFactory(username="sec-admin")
    client.force_login(staff)
    url = reverse("admin:actionplan_reviewcycle_change", args=[reported.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    for name in ("opens_on", "report_deadline", "swg_start", "swg_end", "soc_start", "soc_end"):
        data[name] = getattr(reported, name).isoformat()
    data.update(summary="Written in the admin.", conclusions="Concluded.")
    response = client.post(url, data)
    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.summary == "Written in the admin."
    assert AuditRecord.objects.filter(action="actionplan.review.text_written").exists()
    assert "swg_conclusions" not in form.fields  # not before the SWG


@pytest.mark.django_db
def test_the_swg_form_names_the_field_when_empty(client, reported, secretariat):
    before_the_swg(reported, secretariat)
    client.force_login(secretariat)
    response = client.post(f"/plan/review/{reported.year}/swg/", {"swg_conclusions": ""})
    assert response.status_code == 400
    assert "swg_conclusions" in response.context["form"].errors
