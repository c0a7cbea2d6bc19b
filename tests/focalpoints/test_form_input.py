"""The focal points' forms answer any input with a form error, never a 500."""

import pytest
from django.urls import reverse

from focalpoints.models import FocalPoint

from .test_nomination import _form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["99999999999999999999999", "9223372036854775808"])
def test_an_area_id_no_database_column_can_hold_is_a_form_error(client, approver_kz, value):
    """Before: on SQLite the 64-bit overflow was raised by the database, not caught by the
    field, and the nomination page was a 500 (fixed for every id list: cica_portal/lookups.py)."""
    client.force_login(approver_kz)
    response = client.post(reverse("focalpoints:nominate"), _form(areas=[value]))
    assert response.status_code == 200
    assert "areas" in response.context["form"].errors
    assert not FocalPoint.objects.exists()
