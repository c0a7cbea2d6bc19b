"""The review's spreadsheet works whatever text the plan's items hold."""

import io

import pytest
from openpyxl import load_workbook

from actionplan.models import PlanItem


@pytest.mark.django_db
def test_control_characters_and_formula_text_in_an_item_do_not_break_the_review_export(
    client, plan, cycle, secretariat
):
    """Before: openpyxl raised IllegalCharacterError for the vertical tab: a 500."""
    item = PlanItem.objects.order_by("pk").first()
    item.title = "=Border\x0b control\x1b"
    item.save(update_fields=["title"])
    client.force_login(secretariat)
    response = client.get(f"/plan/review/{cycle.year}/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["By area"]
    texts = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=Border control" in texts
