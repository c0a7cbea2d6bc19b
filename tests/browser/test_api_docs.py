"""The interactive API docs in Chromium, under the portal's Content Security Policy: the page
draws the operations from the schema, with nothing blocked by the policy (a blocked script or
style is a console error, which fails the test) and nothing loaded from another host."""

from __future__ import annotations

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_it_shows_the_api_operations_in_the_interactive_docs(portal):
    page = portal.login("fp-kz")
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    response = page.goto("/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/exchange/shares/{id}/")
    operation.first.wait_for()
    assert page.locator(".opblock").count() > 30
    assert page.get_by_role("heading", name="CICA cooperation portal API").is_visible()
    page.wait_for_load_state("networkidle")
    portal.assert_clean()
    assert hosts == {portal.base_url.split("/")[2]}


def test_the_meetings_new_parts_are_in_the_interactive_docs(portal, tmp_path):
    page = portal.login("secretariat")
    page.goto("/api/v1/docs/")
    for path in (
        "/api/v1/meetings/{id}/delegations/",
        "/api/v1/meetings/{id}/official-list/",
        "/api/v1/meetings/{id}/check-in/",
        "/api/v1/meetings/registrations/{id}/validate/",
        "/api/v1/meetings/library/",
        "/api/v1/meetings/needs/answers/",
    ):
        page.locator(".opblock-summary-path", has_text=path).first.wait_for()
    official_list = page.locator(".opblock-summary-path", has_text="/official-list/").first
    official_list.click()
    page.get_by_text("published_at").first.wait_for()
    official_list.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "api-docs-official-list.png"))
    portal.assert_clean()
