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
