"""The reports list reads its year filter without ever erring."""

import pytest


@pytest.mark.django_db
def test_a_year_filter_int_cannot_read_lists_every_year(client, plan, cycle, secretariat):
    """Before: "²".isdigit() is true but int("²") raises ValueError: a 500 (found by
    tests/security/test_form_fuzz.py)."""
    client.force_login(secretariat)
    response = client.get("/plan/reports/", {"year": "²"})
    assert response.status_code == 200
