"""The doors in Chromium: an approver links an authenticator, keeps the recovery codes, comes
back with one when the phone is lost, makes and revokes an API token; then the same pages in
Russian. Every page passes axe (WCAG 2.1 A/AA) and is kept as a screenshot in the test's
temporary directory."""

from __future__ import annotations

import time
from base64 import b32decode

import pytest

from .conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _code_for(secret: str) -> str:
    from django_otp.oath import TOTP

    key = b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _log_in(portal, username: str):
    page = portal.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return page


def _shot(portal, page, tmp_path, name: str) -> None:
    portal.check(page)
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def test_it_links_an_authenticator_lets_a_recovery_code_in_and_manages_tokens(
    portal, settings, tmp_path
):
    settings.TWO_FACTOR_REQUIRED = True

    # A required role is sent to link an authenticator, scans (here: reads) the key, confirms.
    page = _log_in(portal, "approver-kz")
    page.wait_for_url("**/account/two-factor/setup/**")
    _shot(portal, page, tmp_path, "1-setup")
    secret = page.locator("code.hash").inner_text()
    page.get_by_label("Six-digit code from your authenticator app").fill(_code_for(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    # The recovery codes, shown once.
    assert page.get_by_role("heading", level=1).inner_text() == "Your recovery codes"
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    _shot(portal, page, tmp_path, "2-recovery-codes")
    page.get_by_role("link", name="I have saved them: continue").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome, ")

    # The phone is lost: the next login passes with a recovery code instead.
    page.get_by_role("button", name="Log out").click()
    page = _log_in(portal, "approver-kz")
    page.wait_for_url("**/account/two-factor/verify/**")
    _shot(portal, page, tmp_path, "3-verify")
    page.get_by_role("link", name="Use one of your recovery codes").click()
    _shot(portal, page, tmp_path, "4-recovery")
    page.get_by_label("One of your recovery codes").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Two-factor authentication"
    assert "9 recovery codes left" in page.locator(".messages").inner_text()
    _shot(portal, page, tmp_path, "5-overview")

    # API tokens: make one (its key shown once), then revoke it after a confirmation.
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name of the new token").fill("nightly export")
    page.get_by_role("button", name="Create a token").click()
    key = page.locator("#new-token").inner_text()
    assert key.startswith("cica_")
    _shot(portal, page, tmp_path, "6-token-made")
    page.get_by_role("link", name="Revoke nightly export").click()
    _shot(portal, page, tmp_path, "7-token-revoke")
    page.get_by_role("button", name="Revoke").click()
    assert "You have no API token." in page.locator("table").inner_text()
    assert key not in page.content()

    # The same pages in Russian.
    page.get_by_role("button", name="Русский").click()
    page.goto("/account/two-factor/")
    assert page.get_by_role("heading", level=1).inner_text() == "Двухфакторная аутентификация"
    _shot(portal, page, tmp_path, "8-ru-overview")
    page.goto("/account/two-factor/setup/")
    assert page.get_by_role("heading", level=1).inner_text() == "Подключить новый аутентификатор"
    _shot(portal, page, tmp_path, "9-ru-setup")
    page.goto("/account/api-tokens/")
    _shot(portal, page, tmp_path, "10-ru-tokens")
    page.locator("form.language-switcher button[value=ru]").click()
    page.get_by_role("button", name="Выйти").click()
    page.get_by_label("Имя пользователя").fill("approver-kz")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/account/two-factor/verify/**")
    assert page.get_by_role("link", name="Воспользуйтесь одним из резервных кодов").is_visible()
    _shot(portal, page, tmp_path, "11-ru-verify")
    page.get_by_role("link", name="Воспользуйтесь одним из резервных кодов").click()
    _shot(portal, page, tmp_path, "12-ru-recovery")
    print(f"screenshots in {tmp_path}")
