"""Real Chromium against a live server on the demo data, failing on console errors and axe findings.

Every journey starts from the login page with a demo account (password demo-pass-2008). Two-factor
authentication stays off here (tests/conftest.py turns TWO_FACTOR_REQUIRED off for every test);
tests/portal/test_two_factor.py covers it.

Chromium is Debian's (`apt-get install chromium`), never a downloaded one: set CHROMIUM_PATH to
use another binary. Without it the journeys are skipped, and under CICA_STRICT=1 (CI) a skip fails
the run. With CICA_SCREENSHOTS=1 the journeys save the main pages to docs/screenshots/.
"""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "demo-pass-2008"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SCREENSHOTS = os.environ.get("CICA_SCREENSHOTS") == "1"
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT_MS = 15_000


def _require_chromium() -> None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: browser journeys skipped. "
            "Install it with `apt-get install chromium` or set CHROMIUM_PATH."
        )


@pytest.fixture
def browser(demo, monkeypatch):
    """Chromium for one journey, started after the database is ready and stopped before the
    database is flushed.

    While Playwright's sync API is up, an event loop runs in this thread: Django then keeps
    its connections per context rather than per thread (and refuses ORM calls unless told that
    no coroutine is involved), so the test's own queries get connections of their own, closed
    here before the loop stops.
    """
    _require_chromium()
    from django.db import connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            connections.close_all()
            chromium.close()


@pytest.fixture(scope="module")
def live_server():
    """pytest-django's live server, with the settings its middleware reads once, at start.

    Plain HTTP: no redirect to HTTPS, no HSTS. The portal has no MEDIA_URL (uploads are served
    only by views that check rights), and Django's live server thread cannot wrap its media
    handler around None: it gets an address that no page links to.
    """
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    with override_settings(
        MEDIA_URL="/media-never-linked/",
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        WHITENOISE_USE_FINDERS=True,
    ):
        server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost")
    yield server
    server.stop()


@pytest.fixture
def demo(django_db_serialized_rollback, transactional_db):
    """The demo accounts and data, as `make run` shows them.

    Serialized rollback, like every transactional test here: a flush that re-creates content
    types and permissions with new ids would break the next test that restores the
    serialized database (duplicate content types).
    """
    _require_chromium()  # before the slow seeding
    call_command("seed_demo", stdout=StringIO())


class Portal:
    """The live portal seen through Chromium: one browser context (one person) per login."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []
        self.problems: list[str] = []
        self.expected_failures: set[str] = set()

    def url(self, path: str) -> str:
        return self.base_url + path

    def new_page(self):
        context = self.browser.new_context(
            viewport=VIEWPORT, locale="en-GB", accept_downloads=True, base_url=self.base_url
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        return page

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        source = message.location.get("url", "")
        if not source:
            # Code the test itself evaluated (axe-core probing styles), not the page's own.
            return
        if source in self.expected_failures and message.text.startswith("Failed to load"):
            return
        self.problems.append(f"console error at {source}: {message.text}")

    def login(self, username: str, *, screenshot: str | None = None):
        """A new person opens the login page and logs in with the demo password."""
        page = self.new_page()
        with page.expect_response(lambda r: r.url.endswith("/static/css/portal.css")) as css:
            page.goto("/accounts/login/")
        assert css.value.status == 200, "the portal's stylesheet does not load"
        assert page.get_by_role("heading", level=1).inner_text() == "Log in"
        if screenshot:
            self.check(page, screenshot)
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(self.url("/"))
        assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome, ")
        return page

    def goto_expecting(self, page, path: str, status: int):
        """Open a page that must answer with an error status (its console line is expected)."""
        self.expected_failures.add(self.url(path))
        response = page.goto(path)
        assert response is not None, path
        assert response.status == status, (path, response)
        return response

    def check(self, page, name: str | None = None, *, axe: bool = True) -> None:
        """No console error so far, no WCAG 2.2 A/AA violation; a screenshot when asked for."""
        page.wait_for_load_state("load")
        self.assert_clean()
        if axe:
            assert_accessible(page)
        if name and SCREENSHOTS:
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"))

    def assert_clean(self) -> None:
        problems, self.problems = self.problems, []
        assert not problems, "\n".join(problems)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


_axe = None


def assert_accessible(page) -> None:
    """axe-core finds no WCAG 2.0, 2.1 or 2.2 A or AA violation on the page as it is now."""
    global _axe
    if _axe is None:
        from axe_playwright_python.sync_playwright import Axe

        _axe = Axe()
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


@pytest.fixture
def portal(live_server, settings, browser):
    settings.WHITENOISE_USE_FINDERS = True
    settings.SESSION_COOKIE_SECURE = False  # the live server speaks plain HTTP
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_CODE = "en"
    portal = Portal(browser, live_server.url)
    yield portal
    portal.close()
    portal.assert_clean()
