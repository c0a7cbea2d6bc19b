"""The annual review shows what each app registers for it, on the page and in the spreadsheet."""

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from openpyxl import load_workbook

from cica_portal import review_sections
from cica_portal.models import State
from cica_portal.review_sections import ReviewSection


@pytest.fixture
def checks_section():
    section = review_sections.register(
        ReviewSection(
            name="tests.checks",
            model=State,
            title="Document checks",
            template="actionplan/_bar.html",
            figures=lambda year: {"year": year, "checks": 7},
            rows=lambda figures: [["Year", "Checks"], [figures["year"], figures["checks"]]],
        )
    )
    yield section
    review_sections.unregister("tests.checks")


@pytest.mark.django_db
def test_a_registered_section_is_on_the_review_page_and_in_the_spreadsheet(
    client, cycle, secretariat, checks_section
):
    client.force_login(secretariat)
    response = client.get(f"/plan/review/{cycle.year}/")
    assert response.status_code == 200
    assert '">Document checks</h2>' in response.content.decode()  # beside the apps' own
    [rendered] = [s for s in response.context["review_sections"] if s.section is checks_section]
    assert rendered.figures == {"year": cycle.year, "checks": 7}

    workbook = load_workbook(
        io.BytesIO(client.get(f"/plan/review/{cycle.year}/export.xlsx").content)
    )
    sheet = workbook["Document checks"]
    assert list(sheet.iter_rows(values_only=True)) == [("Year", "Checks"), (cycle.year, 7)]


def test_a_section_without_figures_is_refused():
    with pytest.raises(ImproperlyConfigured):
        ReviewSection(name="x", model=State, title="x", template="", figures=None)  # type: ignore[arg-type]
