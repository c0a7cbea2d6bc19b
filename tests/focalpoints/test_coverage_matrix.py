"""Every cell of the coverage matrix leads somewhere: a gap offers to nominate (the area filled
in) to whoever may nominate there; the Secretariat filters to gaps and exports; totals per row
and column."""

import pytest
from django.urls import reverse

from focalpoints import selectors
from tests.focalpoints.factories import FocalPointFactory, area

pytestmark = pytest.mark.django_db


def test_it_totals_covered_cells_per_state_and_per_area(fp_kz, kz, ru):
    FocalPointFactory(state=kz, areas=[1, 2])
    FocalPointFactory(state=ru, areas=[1])
    matrix = selectors.coverage_matrix(fp_kz)
    rows = {row.state.code: row for row in matrix.rows}
    assert (rows["KZ"].covered, rows["KZ"].gaps) == (2, 2)
    assert (rows["RU"].covered, rows["RU"].gaps) == (1, 3)
    states = len(matrix.rows)
    assert matrix.column_totals[0] == {"covered": 2, "gaps": states - 2}
    assert matrix.column_totals[1] == {"covered": 1, "gaps": states - 1}
    assert matrix.covered == 3


def test_a_gap_offers_the_states_approver_to_nominate_with_the_area_filled_in(
    client, approver_kz, kz
):
    FocalPointFactory(state=kz, areas=[1])
    client.force_login(approver_kz)
    page = client.get(reverse("focalpoints:coverage")).content.decode()
    assert f"{reverse('focalpoints:nominate')}?area=2" in page
    assert f"{reverse('focalpoints:nominate')}?area=1" not in page  # covered
    form = client.get(reverse("focalpoints:nominate"), {"area": 2}).context["form"]
    assert form.initial["areas"] == [area(2)]


def test_the_nomination_prefill_ignores_an_area_that_does_not_exist(client, approver_kz):
    client.force_login(approver_kz)
    response = client.get(reverse("focalpoints:nominate"), {"area": "99"})
    assert response.status_code == 200
    assert "areas" not in response.context["form"].initial


def test_a_gap_of_another_state_does_not_offer_to_nominate(client, approver_ru, kz):
    client.force_login(approver_ru)
    page = client.get(reverse("focalpoints:coverage")).content.decode()
    # RU's own gaps offer it; the nominate links are RU's row only (four areas, none covered)
    assert page.count(f"{reverse('focalpoints:nominate')}?area=") == 4


def test_a_focal_points_gap_cell_leads_to_the_states_other_focal_points(client, fp_ru):
    client.force_login(fp_ru)
    page = client.get(reverse("focalpoints:coverage")).content.decode()
    assert f"{reverse('focalpoints:directory')}?state=KZ" in page
    assert reverse("focalpoints:nominate") not in page


def test_the_secretariat_filters_to_states_with_a_gap(client, secretariat, kz):
    FocalPointFactory(state=kz, areas=[1, 2, 3, 4])
    client.force_login(secretariat)
    everyone = client.get(reverse("focalpoints:coverage")).context["rows"]
    gaps = client.get(reverse("focalpoints:coverage"), {"gaps": "1"}).context["rows"]
    assert "KZ" in [row.state.code for row in everyone]
    assert "KZ" not in [row.state.code for row in gaps]
    assert len(gaps) == len(everyone) - 1


def test_the_gap_filter_is_the_secretariats_only(client, fp_kz, kz):
    FocalPointFactory(state=kz, areas=[1, 2, 3, 4])
    client.force_login(fp_kz)
    rows = client.get(reverse("focalpoints:coverage"), {"gaps": "1"}).context["rows"]
    assert "KZ" in [row.state.code for row in rows]


def test_the_secretariat_exports_the_gaps_as_csv(client, secretariat, kz):
    FocalPointFactory(state=kz, name="Border lead", areas=[1])
    client.force_login(secretariat)
    full = client.get(reverse("focalpoints:coverage-csv")).content.decode()
    assert "KZ,Kazakhstan,1,Border lead,no" in full
    gaps = client.get(reverse("focalpoints:coverage-csv"), {"gaps": "1"}).content.decode()
    assert "Border lead" not in gaps
    assert "KZ,Kazakhstan,2,,yes" in gaps


def test_the_export_is_the_secretariats_only(client, approver_kz, fp_kz):
    for user in (approver_kz, fp_kz):
        client.force_login(user)
        assert client.get(reverse("focalpoints:coverage-csv")).status_code == 403
    client.logout()
    assert client.get(reverse("focalpoints:coverage-csv")).status_code == 302


def test_the_matrix_takes_a_fixed_number_of_queries(django_assert_max_num_queries, fp_kz, kz):
    for number in (1, 2, 3):
        FocalPointFactory(state=kz, areas=[number], role="deputy")
    with django_assert_max_num_queries(6):
        matrix = selectors.coverage_matrix(fp_kz)
        assert matrix.covered == 3
