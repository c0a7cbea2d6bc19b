"""A focal point's report keeps every typed word across a refused upload and a failed save, in
Chromium (issue 19, point 5): the text stays in the page, is saved, and the next save posts to
the report's own address."""

from __future__ import annotations

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_refused_upload_and_a_bad_save_lose_nothing_typed(portal, tmp_path):
    from actionplan.models import ImplementationReport

    report = ImplementationReport.objects.get(state__code="EG", status="returned")
    page = portal.login("fp-eg")
    page.goto(portal.url(report.get_absolute_url()))
    first, second = page.locator("textarea").nth(0), page.locator("textarea").nth(1)
    first.fill("Typed before a file that is refused.")
    not_a_pdf = tmp_path / "scan.pdf"
    not_a_pdf.write_bytes(b"MZ an executable named like a PDF")
    page.set_input_files("input[type=file]", str(not_a_pdf))
    portal.expected_failures.add(portal.url(report.get_absolute_url()))  # the refusal is a 400
    page.get_by_role("button", name="Save the draft and attach the file").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(report.get_absolute_url())
    assert (
        "not attached" in page.get_by_role("alert").first.inner_text()
        or page.locator(".field__errors").count()
    )
    assert first.input_value() == "Typed before a file that is refused."
    portal.check(page)

    # The next save goes to the report, with what was typed since.
    second.fill("Typed after the refusal.")
    page.locator(".form-actions--sticky").get_by_role("button", name="Save the draft").click()
    page.wait_for_load_state("load")
    assert "The draft is saved" in page.get_by_role("status").first.inner_text()
    entries = list(report.entries.order_by("item_id").values_list("narrative", flat=True)[:2])
    assert entries == ["Typed before a file that is refused.", "Typed after the refusal."]

    # Submitting warns of the entries left empty, and links back to them.
    page.get_by_role("button", name="Save and submit…").click()
    page.wait_for_load_state("load")
    assert "nothing written" in page.locator("main").inner_text()
    portal.check(page)
