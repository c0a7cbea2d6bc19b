"""The annual review: who reported, a printable consolidated page, a spreadsheet, the dashboard."""

import io

import pytest
from openpyxl import load_workbook

from actionplan import services
from tests.factories import FocalPointUserFactory, state


@pytest.fixture
def reported(plan, cycle, fp_kz, fp_ru):
    services.submit_report(services.start_report(cycle, actor=fp_kz), actor=fp_kz)
    services.start_report(cycle, actor=fp_ru)  # a draft: not reported yet
    return cycle


@pytest.mark.django_db
def test_the_review_page_shows_who_reported_and_who_did_not(client, reported, secretariat):
    client.force_login(secretariat)
    response = client.get(f"/plan/review/{reported.year}/")
    assert response.status_code == 200
    assert [r.state.code for r in response.context["submitted"]] == ["KZ"]
    assert len(response.context["missing"]) == 27
    body = response.content.decode()
    assert "chart-bar__fill w-" in body
    assert 'class="no-print"' in body
    assert "style=" not in body
    assert "<script" not in body.split("</header>")[-1]


@pytest.mark.django_db
def test_the_review_is_for_the_secretariat(client, reported, fp_kz):
    client.force_login(fp_kz)
    assert client.get(f"/plan/review/{reported.year}/").status_code == 403
    assert client.get(f"/plan/review/{reported.year}/export.xlsx").status_code == 403


@pytest.mark.django_db
def test_an_unknown_year_is_404_and_post_is_refused(client, reported, secretariat):
    client.force_login(secretariat)
    assert client.get("/plan/review/1999/").status_code == 404
    assert client.post(f"/plan/review/{reported.year}/").status_code == 405


@pytest.mark.django_db
def test_the_review_page_does_not_grow_in_queries_with_reports(
    client, reported, secretariat, django_assert_max_num_queries
):
    client.force_login(secretariat)
    client.get(f"/plan/review/{reported.year}/")
    for code in ["CN", "IN", "TR", "MN"]:
        user = FocalPointUserFactory(username=f"fp-{code.lower()}", state=state(code))
        services.submit_report(services.start_report(reported, actor=user), actor=user)
    # Each registered review section adds its own fixed queries (lost and stolen documents: 2).
    with django_assert_max_num_queries(18):
        assert client.get(f"/plan/review/{reported.year}/").status_code == 200


@pytest.mark.django_db
def test_the_spreadsheet_is_well_formed(client, reported, secretariat):
    client.force_login(secretariat)
    response = client.get(f"/plan/review/{reported.year}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:4] == ["Summary", "By area", "By state", "Open approvals"]
    assert "Lost and stolen documents" in workbook.sheetnames  # a registered section
    by_state = {row[0]: row for row in workbook["By state"].iter_rows(values_only=True)}
    # Russia's draft is not sent: to the Secretariat, no report yet.
    assert by_state["KZ"][2] == "Submitted"
    assert by_state["RU"][2] == "Missing"
    assert workbook["By area"].max_row == 22  # header and 21 items


@pytest.mark.django_db
def test_the_secretariat_opens_a_planned_cycle(client, plan, secretariat, fp_kz):
    from .factories import ReviewCycleFactory

    cycle = ReviewCycleFactory(status="planned")
    client.force_login(secretariat)
    client.post(f"/plan/review/{cycle.year}/open/")
    cycle.refresh_from_db()
    assert cycle.status == "open"
    assert fp_kz.notifications.filter(key=f"review:{cycle.year}:opened").count() == 1


@pytest.mark.django_db
def test_the_dashboard_shows_the_secretariat_progress_approvals_and_missing_states(
    client, reported, secretariat, fp_cn
):
    from cica_portal.models import Area

    services.propose_measure(
        proposer=fp_cn, area=Area.objects.get(number=1), title="Joint patrols", text="Text"
    )
    client.force_login(secretariat)
    body = client.get("/").content.decode()
    assert "progress by area" in body
    assert "chart-bar__fill" in body
    assert "Joint patrols" in body
    assert "0 of 28 states answered" in body
    assert "States without a submitted report" in body
    assert "Russia" in body


@pytest.mark.django_db
def test_the_dashboard_shows_a_focal_point_their_states_report(client, reported, fp_ru):
    client.force_login(fp_ru)
    body = client.get("/").content.decode()
    assert "Your state&#x27;s implementation report" in body or "Your state's" in body
    assert "Draft" in body
