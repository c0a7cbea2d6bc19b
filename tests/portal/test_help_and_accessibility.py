"""WCAG 2.2 criteria that axe-core cannot check, checked on the rendered pages: the same help in
the same place on every page (3.2.6), a login that a password manager fills and that asks no
puzzle (3.3.8), and a statement that says what was tested and how to report a barrier."""

import re

import pytest

FOOTER_LINKS = re.compile(
    r'<nav class="site-footer__links" aria-label="[^"]+"><a href="/help/">[^<]+</a> '
    r'<a href="/accessibility/">[^<]+</a></nav>'
)


def _footer_links(html: str) -> str:
    match = FOOTER_LINKS.search(html)
    assert match, "no help and accessibility links in the footer"
    return match.group(0)


@pytest.mark.django_db
def test_every_main_page_has_the_same_help_link_in_the_same_place(
    client, fp_kz, approver_kz, secretariat
):
    pages = {None: ["/accounts/login/", "/help/", "/accessibility/", "/accounts/password_reset/"]}
    main = ["/", "/plan/", "/meetings/", "/exchange/", "/approvals/", "/notifications/"]
    pages.update({fp_kz: main, approver_kz: main, secretariat: [*main, "/plan/review/"]})
    seen = set()
    for user, paths in pages.items():
        client.logout()
        if user:
            client.force_login(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            html = response.content.decode()
            seen.add(_footer_links(html))
            # In the footer, after the main content: the same relative order everywhere.
            assert html.index("</main>") < html.index('class="site-footer__links"'), path
    assert len(seen) == 1


@pytest.mark.django_db
def test_the_help_and_accessibility_pages_are_open_to_a_person_who_cannot_log_in(client, settings):
    settings.SECRETARIAT_EMAIL = "desk@secretariat.example"
    help_page = client.get("/help/").content.decode()
    assert 'href="mailto:desk@secretariat.example"' in help_page
    assert 'href="/accounts/password_reset/"' in help_page
    statement = client.get("/accessibility/").content.decode()
    assert "WCAG" in statement
    assert "2.2" in statement
    assert "Report a barrier" in statement
    assert 'href="mailto:desk@secretariat.example"' in statement


@pytest.mark.django_db
def test_the_statement_is_in_russian_for_a_russian_reader(client):
    response = client.get("/accessibility/", HTTP_ACCEPT_LANGUAGE="ru")
    html = response.content.decode()
    assert "Заявление о доступности" in html
    assert "Сообщить о барьере" in html


@pytest.mark.django_db
def test_the_login_form_can_be_filled_by_a_password_manager_and_asks_no_puzzle(client):
    html = client.get("/accounts/login/").content.decode()
    assert re.search(r'<input[^>]+name="username"[^>]+autocomplete="username"', html)
    assert re.search(r'<input[^>]+name="password"[^>]+autocomplete="current-password"', html)
    # Pasting is not blocked and no cognitive test is asked.
    assert "onpaste" not in html
    for puzzle in ("captcha", "recaptcha", "hcaptcha"):
        assert puzzle not in html.lower()
