"""The directory's CSV and xlsx exports and its vCards work for whatever text people typed."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.focalpoints.factories import FocalPointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def odd_entry(kz):
    return FocalPointFactory(
        state=kz,
        name="Ivan\x0bov\x1b",
        organisation="Border\x07 Service",
        position="\t=1+1",
        phone="+7 7172 000000",
        address="@SUM(A1)\r\nAstana",
        areas=[1],
    )


def test_control_characters_do_not_break_the_xlsx_export(client, secretariat, odd_entry):
    """Before: openpyxl raised IllegalCharacterError for the vertical tab: a 500."""
    client.force_login(secretariat)
    response = client.get(reverse("focalpoints:export-xlsx"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header, row = rows[0], rows[1]
    values = dict(zip(header, row, strict=True))
    assert values["name"] == "Ivanov"
    assert values["organisation"] == "Border Service"


def test_no_csv_cell_starts_like_a_formula(client, secretariat, odd_entry):
    client.force_login(secretariat)
    response = client.get(reverse("focalpoints:export-csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["position"] == "'\t=1+1"
    assert values["phone"] == "'+7 7172 000000"
    assert values["address"] == "'@SUM(A1)\r\nAstana"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_a_vcard_holds_no_control_character_a_line_could_break_on(client, fp_kz, odd_entry):
    """Before: the vertical tab and escape reached the card (a line break to some readers)."""
    odd_entry.position = "Head\u2028TEL:+1 555 0100\rX-EVIL:1"
    odd_entry.save()
    client.force_login(fp_kz)
    text = client.get(reverse("focalpoints:vcard", args=[odd_entry.pk])).content.decode()
    for line in text.removesuffix("\r\n").split("\r\n"):
        assert not any(ord(char) < 0x20 and char != "\t" for char in line), repr(line)
        assert "\u2028" not in line
        assert not line.startswith(("X-EVIL", "TEL:+1"))
    assert "FN:Ivanov\r\n" in text
    assert "TITLE:Head\\nTEL:+1 555 0100\\nX-EVIL:1\r\n" in text
