"""WCAG 2.2 AA on every main page, in English and in Russian, for the three roles.

axe-core runs with the 2.0, 2.1 and 2.2 A and AA rules (AXE_TAGS, target size among them) on each
page a focal point, an approver and the Secretariat reach from the menu; the same pages in
Russian must also be Russian (`lang="ru"`). What axe cannot check is checked here by hand:
focus never hidden under the sticky save bar (2.4.11).
"""

from __future__ import annotations

import pytest

from .conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COMMON = [
    "/",
    "/plan/",
    "/plan/measures/",
    "/meetings/",
    "/meetings/list/",
    "/exchange/",
    "/exchange/documents/check/",
    "/approvals/",
    "/decisions/",
    "/notifications/",
    "/focal-points/",
    "/focal-points/coverage/",
    "/account/two-factor/",
    "/account/api-tokens/",
    "/exchange/documents/hits/",
    "/exchange/documents/found/",
    "/information-requests/",
    "/meetings/library/",
    "/focal-points/confirmation/",
    "/account/notifications/",
    "/help/",
    "/accessibility/",
]
PAGES = {
    "fp-kz": [
        *COMMON,
        "/plan/reports/",
        "/exchange/new/",
        "/meetings/training/",
        "/meetings/needs/",
        "/information-requests/new/",
    ],
    "approver-kz": [*COMMON, "/approvals/inbox/"],
    "secretariat": [
        *COMMON,
        "/plan/review/",
        "/focal-points/nominations/",
        "/meetings/training/",
        "/meetings/needs/",
        "/focal-points/tests/",
    ],
}


def _log_in(portal, username: str, language: str):
    page = portal.new_page()
    page.context.set_extra_http_headers({"Accept-Language": language})
    page.goto("/accounts/login/")
    portal.check(page)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(portal.url("/"))
    if language == "ru":
        # The person's own choice of language, as a Russian reader makes it.
        page.locator(".language-switcher button[value=ru]").click()
        page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("username", list(PAGES))
def test_every_main_page_meets_wcag_22_aa(portal, username, language):
    page = _log_in(portal, username, language)
    for path in PAGES[username]:
        response = page.goto(path)
        assert response is not None, path
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == language, path
        portal.check(page)


def test_a_focused_field_is_never_hidden_under_the_sticky_save_bar(portal):
    from actionplan.models import ImplementationReport

    report = ImplementationReport.objects.get(state__code="EG", status="returned")
    page = _log_in(portal, "fp-eg", "en")
    page.goto(report.get_absolute_url())
    bar = page.locator(".form-actions--sticky")
    if bar.count() == 0:
        pytest.fail("the report form has no sticky save bar to test against")
    fields = page.locator("main textarea, main select, main input:not([type=hidden])")
    assert fields.count() > 3
    for index in range(fields.count()):
        field = fields.nth(index)
        if not field.is_visible():
            continue
        field.focus()
        hidden = page.evaluate(
            """([field, bar]) => {
                const f = field.getBoundingClientRect(), b = bar.getBoundingClientRect();
                if (bar.contains(field)) return false;
                const overlap = Math.min(f.bottom, b.bottom) - Math.max(f.top, b.top);
                return overlap >= f.height;   // entirely under the bar
            }""",
            [field.element_handle(), bar.element_handle()],
        )
        assert not hidden, f"field {index} is hidden under the save bar when focused"
