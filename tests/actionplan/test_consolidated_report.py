"""The consolidated review: only submitted reports count, that year's figures beside the
previous years', what each state wrote, the PDF with the audit chain's head, the spreadsheet."""

import datetime
import io

import pytest
from django.conf import settings
from openpyxl import load_workbook
from pypdf import PdfReader

from actionplan import consolidated, services
from actionplan.models import ImplementationReport, PlanItem, ReportEntry, ReviewCycle
from cica_portal.models import AuditChainHead, State

from .factories import ReviewCycleFactory

KZ_WORDS = "Kazakhstan hosted a regional seminar on border security in Almaty."
RU_DRAFT = "Russian draft words the Secretariat must not see."


def activity(number: int) -> PlanItem:
    return PlanItem.objects.get(area__number=number, kind=PlanItem.Kind.ACTIVITY)


def report_on(cycle, user, entries: dict, *, submit: bool = True) -> ImplementationReport:
    report = services.start_report(cycle, actor=user)
    services.save_report(report, actor=user, entries=entries)
    if submit:
        services.submit_report(report, actor=user)
    return report


@pytest.fixture
def reported(plan, cycle, fp_kz, fp_ru):
    item = activity(1)
    report_on(cycle, fp_kz, {item.pk: {"progress": "completed", "narrative": KZ_WORDS}})
    report_on(
        cycle, fp_ru, {item.pk: {"progress": "completed", "narrative": RU_DRAFT}}, submit=False
    )
    return cycle


def past_report(year: int, code: str, item: PlanItem, progress: str) -> ReviewCycle:
    """A previous year's published cycle with one state's submitted report on one item."""
    past = ReviewCycleFactory(
        year=year,
        opens_on=datetime.date(year, 1, 10),
        report_deadline=datetime.date(year, 3, 1),
        swg_start=datetime.date(year, 4, 1),
        swg_end=datetime.date(year, 4, 2),
        soc_start=datetime.date(year, 5, 1),
        soc_end=datetime.date(year, 5, 2),
        status=ReviewCycle.Status.CLOSED,
        stage=ReviewCycle.Stage.PUBLISHED,
    )
    report = ImplementationReport.objects.create(
        cycle=past, state=State.objects.get(code=code), status="submitted"
    )
    ReportEntry.objects.create(report=report, item=item, progress=progress, narrative="Past.")
    return past


@pytest.mark.django_db
def test_a_draft_is_not_counted_and_not_linked(client, reported, secretariat, fp_ru):
    client.force_login(secretariat)
    response = client.get(f"/plan/review/{reported.year}/")
    body = response.content.decode()
    assert KZ_WORDS in body
    assert RU_DRAFT not in body
    draft = ImplementationReport.objects.get(cycle=reported, state__code="RU")
    assert draft.get_absolute_url() not in body
    block = response.context["blocks"][0]
    first = next(row for row in block.items if row.item == activity(1))
    assert first.counts["completed"] == 1  # Kazakhstan's; Russia's draft is no report
    assert [e.report.state.code for e in first.written] == ["KZ"]
    assert "style=" not in body


@pytest.mark.django_db
def test_a_returned_report_counts_again_only_once_submitted(client, reported, secretariat, fp_kz):
    report = ImplementationReport.objects.get(cycle=reported, state__code="KZ")
    services.return_report(report, actor=secretariat, reason="Add the dates.")
    body = consolidated.consolidated(reported)
    assert sum(block.counts["completed"] for block in body["blocks"]) == 0
    assert body["entries"] == []
    services.submit_report(report, actor=fp_kz)
    body = consolidated.consolidated(reported)
    assert sum(block.counts["completed"] for block in body["blocks"]) == 1


@pytest.mark.django_db
def test_the_figures_are_that_years_compared_with_previous_years(
    client, reported, secretariat, fp_kz
):
    item = activity(1)
    past_report(reported.year - 1, "KZ", item, "in_progress")
    # Today's status of the plan says nothing of what states reported for a year.
    PlanItem.objects.filter(pk=item.pk).update(status=PlanItem.Status.DEFERRED)
    client.force_login(secretariat)
    context = client.get(f"/plan/review/{reported.year}/").context
    assert context["years"] == [reported.year - 1, reported.year]
    row = next(row for row in context["blocks"][0].items if row.item == item)
    assert row.percent == 100
    assert [(f.year, f.percent) for f in row.history] == [
        (reported.year - 1, 50),
        (reported.year, 100),
    ]
    assert [(f.year, f.reports) for f in context["totals"]] == [
        (reported.year - 1, 1),
        (reported.year, 1),
    ]


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.django_db
def test_the_pdf_carries_the_audit_head_and_what_a_state_wrote(client, reported, secretariat):
    client.force_login(secretariat)
    response = client.get(f"/plan/review/{reported.year}/review.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    head = AuditChainHead.objects.get(pk=1)
    assert head.hash
    assert head.hash in text.replace("\n", "")
    assert KZ_WORDS in text.replace("\n", " ")
    assert RU_DRAFT not in text


@pytest.mark.django_db
def test_the_pdf_in_russian(client, reported, secretariat):
    client.force_login(secretariat)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = client.get(f"/plan/review/{reported.year}/review.pdf")
    text = _pdf_text(response.content)
    assert "Сводный обзор" in text
    assert AuditChainHead.objects.get(pk=1).hash in text.replace("\n", "")
    assert KZ_WORDS in text.replace("\n", " ")


@pytest.mark.django_db
def test_the_spreadsheet_holds_what_states_wrote_and_previous_years(client, reported, secretariat):
    past_report(reported.year - 1, "KZ", activity(1), "completed")
    client.force_login(secretariat)
    response = client.get(f"/plan/review/{reported.year}/export.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    wrote = list(workbook["What states wrote"].iter_rows(values_only=True))
    assert [row[1] for row in wrote[1:]] == ["KZ"]
    assert wrote[1][4] == KZ_WORDS
    years = list(workbook["Previous years"].iter_rows(values_only=True))
    assert years[0][1:] == (str(reported.year - 1), str(reported.year))
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["Audit chain head"].endswith(AuditChainHead.objects.get(pk=1).hash)
