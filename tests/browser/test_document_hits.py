"""Lost and stolen documents in Chromium: China's focal point checks a number that Kazakhstan
reported stolen, gets the hit and records its outcome; Kazakhstan sees the hit and its outcome.
Kazakhstan's focal point checks a CSV list of its documents, in English and in Russian
(screenshots of each step)."""

from __future__ import annotations

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WRONG_LIST = (
    "document_number,document_type,lost_or_stolen,date_lost_or_stolen,reported_to_interpol\n"
    "N 1234-5678,Passport,Stolen,2026-10-02,yes\n"
    "N 1234-5678,Passport,Lost,2026-10-03,no\n"
    "045 220 118,Spaceship,Lost,14.09.2026,maybe\n"
)


def test_a_check_that_hits_is_closed_by_the_checker_and_seen_by_the_issuer(portal):
    checker = portal.login("fp-cn")
    checker.goto("/exchange/documents/check/")
    checker.get_by_label("Document number", exact=True).fill("N 0451-9937")
    checker.get_by_label("Issuing state", exact=True).select_option("KZ")
    checker.get_by_role("button", name="Check", exact=True).click()
    checker.wait_for_load_state("load")
    result = checker.locator("main").inner_text()
    assert "1 notice names this document." in result
    portal.check(checker, "document-check-hit")

    checker.get_by_role("link", name="Hits on documents").first.click()
    checker.wait_for_load_state("load")
    row = checker.locator("section[aria-labelledby=our-checks] tbody tr").first
    assert "Kazakhstan" in row.inner_text()
    row.locator("select[name=outcome]").select_option("retained")
    row.locator("input[name=note]").fill("Held at the Khorgos crossing; holder questioned.")
    portal.check(checker, "document-hit-open")
    row.get_by_role("button", name="Record the outcome").click()
    checker.wait_for_load_state("load")
    text = checker.locator("main").inner_text()
    assert "The outcome is recorded and the issuing state is told." in text
    assert "Document retained: Held at the Khorgos crossing" in text
    portal.check(checker, "document-hit-closed")

    issuer = portal.login("fp-kz")
    issuer.goto("/exchange/documents/hits/")
    mine = issuer.locator("section[aria-labelledby=on-our-documents]").inner_text()
    assert "China" in mine
    assert "Document retained: Held at the Khorgos crossing" in mine
    portal.check(issuer, "document-hit-issuer")


def test_the_import_of_a_list_names_each_wrong_line_in_both_languages(portal, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(WRONG_LIST, encoding="utf-8")
    page = portal.login("fp-kz")
    page.goto("/exchange/")
    page.get_by_role("link", name="Import lost and stolen documents").click()
    page.wait_for_load_state("load")
    portal.check(page, "document-import")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state("load")
    text = page.locator("main").inner_text()
    assert "nothing is imported" in text
    rows = page.locator("main table tbody tr")
    assert rows.count() >= 3
    assert "The same document is on line 2." in rows.first.inner_text()
    portal.check(page, "document-import-errors")

    page.locator("form.language-switcher button", has_text="Русский").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Импорт утерянных и похищенных документов"
    )
    page.get_by_label("Файл CSV").set_input_files(str(path))
    page.get_by_role("button", name="Проверить файл").click()
    page.wait_for_load_state("load")
    text = page.locator("main").inner_text()
    assert "ничего не импортировано" in text
    assert "Этот же документ указан в строке 2." in text
    portal.check(page, "document-import-errors-ru")
