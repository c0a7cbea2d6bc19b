"""No input is a server error: NUL, lone surrogates, JSON too deep or too large, control
characters in headers. Each is refused with a 400 that names the field (JSON under /api/, a
plain page elsewhere), before any view runs, so nothing is half-written.

Several of these were 500s only on PostgreSQL (it refuses NUL in text and in jsonb); the tests
say what each request did before and run on both databases.
"""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings
from rest_framework.exceptions import ParseError

from actionplan.models import PlanItem
from cica_portal.input_guard import MAX_JSON_DEPTH, GuardedJSONParser
from cica_portal.models import ApiToken
from exchange.models import Share
from meetings.models import TrainingRequest
from tests.exchange import factories as share_factories
from tests.factories import api_token_for

pytestmark = pytest.mark.django_db

SHARES = "/api/v1/exchange/shares/"


@pytest.fixture
def draft(fp_kz, ru):
    return share_factories.draft(fp_kz, concerned=("RU",), recipients=("CN",))


def _json(client, method, url, raw: bytes | str, **extra):
    body = raw.encode() if isinstance(raw, str) else raw
    return client.generic(method, url, body, content_type="application/json", **extra)


def _share_body(**content_overrides) -> str:
    return json.dumps(
        {
            "template": "trafficking-case",
            "title": "Heroin route",
            "content": share_factories.trafficking_content(**content_overrides),
            "concerned_states": ["RU"],
            "recipient_states": ["CN"],
        }
    )


# --- JSON bodies ------------------------------------------------------------------------------


def test_a_nul_inside_a_shares_content_is_a_400_naming_the_field_and_nothing_is_written(
    client, fp_kz, draft
):
    """Before: SQLite stored the NUL; PostgreSQL refused it in jsonb and the API answered 500."""
    client.force_login(fp_kz)
    content = share_factories.trafficking_content(modus_operandi="Hidden\x00 in produce")
    response = _json(client, "PATCH", f"{SHARES}{draft.pk}/", json.dumps({"content": content}))
    assert response.status_code == 400
    assert "Null characters" in response.json()["content"]["modus_operandi"][0]
    draft.refresh_from_db()
    assert draft.content["modus_operandi"] == "Concealed in agricultural produce"


def test_a_lone_surrogate_in_a_new_shares_content_is_a_400_and_no_share_is_made(client, fp_kz):
    """Before: 500 on both databases (UTF-8 cannot encode U+D800)."""
    client.force_login(fp_kz)
    raw = _share_body(route="ROUTE").replace("ROUTE", "\\ud800")
    response = _json(client, "POST", SHARES, raw)
    assert response.status_code == 400
    assert "U+D800" in response.json()["content"]["route"][0]
    assert not Share.objects.exists()


def test_a_surrogate_pair_is_a_character_like_any_other(client, fp_kz):
    client.force_login(fp_kz)
    raw = _share_body(route="ROUTE").replace("ROUTE", "By sea \\ud83d\\udea2")
    response = _json(client, "POST", SHARES, raw)
    assert response.status_code == 201, response.content
    assert Share.objects.get().content["route"] == "By sea \U0001f6a2"


def test_json_nested_thousands_deep_is_a_400_not_a_recursion_error(client, fp_kz):
    """Before: RecursionError in the JSON parser, a 500."""
    client.force_login(fp_kz)
    for raw in ("[" * 100_000 + "]" * 100_000, '{"title":' * 50_000 + "1" + "}" * 50_000):
        response = _json(client, "POST", SHARES, raw)
        assert response.status_code == 400
        assert "nested too deeply" in json.dumps(response.json())
    assert not Share.objects.exists()


def test_json_nested_past_the_limit_is_refused_where_it_goes_too_deep(client, fp_kz):
    client.force_login(fp_kz)
    deep = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    response = _json(client, "POST", SHARES, '{"title": ' + deep + "}")
    assert response.status_code == 400
    errors = response.json()["title"]
    while isinstance(errors, dict):  # {"title": {0: {0: ... ["nested too deeply"]}}}
        errors = next(iter(errors.values()))
    assert "nested too deeply" in errors[0]


def test_a_number_too_large_for_a_float_is_a_400_naming_the_field(client, fp_kz):
    """Before: 1e400 became infinity and int(infinity) raised OverflowError: a 500."""
    client.force_login(fp_kz)
    response = _json(
        client,
        "POST",
        "/api/v1/meetings/training-requests/",
        '{"area": 1e400, "topic": "Border checks", "preferred_period": "Spring",'
        ' "expected_participants": 10}',
    )
    assert response.status_code == 400
    assert response.json() == {"area": ["Numbers must be finite."]}
    assert not TrainingRequest.objects.exists()


def test_a_lone_surrogate_in_an_approval_answer_is_a_400_naming_the_decision(
    client, fp_kz, approver_kz, approver_ru
):
    """Before: the choice field's error message quoted the surrogate and rendering it was a
    500."""
    share = share_factories.pending(fp_kz, concerned=("RU",), recipients=("CN",))
    client.force_login(approver_kz)
    url = f"/api/v1/approvals/{share.approval.pk}/answer/"
    response = _json(client, "POST", url, '{"decision": "\\ud800"}')
    assert response.status_code == 400
    assert "U+D800" in response.json()["decision"][0]
    assert share.approval.answers.filter(decision="pending").count() == 2


def test_a_lone_surrogate_in_the_token_username_is_a_400(client, fp_kz):
    """Before: 500 (the lockout check encoded the username)."""
    response = _json(
        client, "POST", "/api/v1/auth/token/", '{"username": "\\udfff", "password": "x"}'
    )
    assert response.status_code == 400
    assert "username" in response.json()
    assert not ApiToken.objects.exists()


def test_a_body_larger_than_the_limit_is_413_on_the_api_and_on_pages(client, fp_kz):
    """Before: 400 from the API's exception handler, and Django's bare 400 page for forms."""
    client.force_login(fp_kz)
    big = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    response = _json(client, "POST", SHARES, b'{"title": "' + b"x" * big + b'"}')
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    response = client.generic(
        "POST",
        "/plan/measures/propose/",
        b"title=" + b"x" * big,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert b"too large" in response.content


def test_the_api_parser_refuses_the_same_without_the_middleware():
    """A DRF view reached without the middleware (called directly) still gets the rules."""
    parser = GuardedJSONParser()
    for raw in (b'{"a": "\\u0000"}', b'{"a": "\\ud800"}', b"[" * 5000 + b"]" * 5000, b"1e400"):
        with pytest.raises(ParseError):
            parser.parse(io.BytesIO(raw), "application/json", {})
    assert parser.parse(io.BytesIO(b'{"a": [1, "\\ud83d\\ude00"]}'), "application/json", {}) == {
        "a": [1, "\U0001f600"]
    }


# --- query strings, form fields, the path -----------------------------------------------------


def test_a_nul_in_an_api_filter_is_a_400_naming_it(client, fp_kz):
    """Before: a 500 on PostgreSQL (the lookup sent the NUL to the database)."""
    client.force_login(fp_kz)
    response = client.get("/api/v1/exchange/documents/check/?number=AB%0012")
    assert response.status_code == 400
    assert response.json() == {"number": ["Null characters are not allowed."]}


@pytest.mark.parametrize(
    ("path", "field"),
    [("/approvals/?status=open%00", "status"), ("/exchange/?template=%00", "template")],
)
def test_a_nul_in_a_page_filter_is_a_400_page_naming_it(client, fp_kz, path, field):
    """Before: 500 on PostgreSQL; SQLite answered 200 and filtered by the NUL."""
    client.force_login(fp_kz)
    response = client.get(path)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert f"In {field}:" in page
    assert "Null characters are not allowed." in page


def test_a_nul_in_a_form_field_is_refused_before_the_view_and_nothing_is_written(client, fp_kz):
    client.force_login(fp_kz)
    before = PlanItem.objects.count()
    response = client.generic(
        "POST",
        "/plan/measures/propose/",
        b"area=1&title=Joint+patrol%00&text=Annual",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "In title:" in response.content.decode()
    assert PlanItem.objects.count() == before


def test_a_nul_in_the_calendar_feed_address_is_a_400(client):
    """Before: the feed looked the token up, NUL included: a 500 on PostgreSQL."""
    response = client.get("/meetings/feed/" + "%00" * 24 + ".ics")
    assert response.status_code == 400


def test_the_refusal_is_written_in_the_visitors_language(client, fp_kz):
    client.force_login(fp_kz)
    response = client.get("/approvals/?status=%00", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert "Данные содержат запрещённый символ: ноль-байт" in response.content.decode()


# --- headers and cookies ----------------------------------------------------------------------


def test_a_control_character_in_a_header_is_a_400_naming_the_header(client, fp_kz):
    """Before: the token lookup sent the NUL to the database (a 500 on PostgreSQL)."""
    key = api_token_for(fp_kz)
    response = client.get("/api/v1/member-states/", HTTP_AUTHORIZATION=f"Token {key[:-1]}\x00")
    assert response.status_code == 400
    assert response.json() == {"Authorization": ["This header contains control characters."]}
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_FOR="10.0.0.1\r\nX-Evil: 1")
    assert response.status_code == 400
    assert "In X-Forwarded-For:" in response.content.decode()


def test_a_nul_in_the_user_agent_of_a_failed_login_is_a_400_and_nothing_is_recorded(client):
    """Before: django-axes stored the user agent of the failed attempt, NUL included: a 500 on
    PostgreSQL."""
    from axes.models import AccessAttempt

    response = client.post(
        "/accounts/login/", {"username": "fp-kz", "password": "wrong"}, HTTP_USER_AGENT="x\x00"
    )
    assert response.status_code == 400
    assert "In User-Agent:" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_a_client_address_that_is_not_an_address_is_a_400(client):
    """Before: django-axes stored it in an address column: a 500 on PostgreSQL."""
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "fp-kz", "password": "wrong"},
        content_type="application/json",
        REMOTE_ADDR="not-an-address",
    )
    assert response.status_code == 400
    assert response.json() == {"REMOTE_ADDR": ["The client address is not valid."]}


def test_header_values_beyond_ascii_are_not_refused(client, fp_kz):
    client.force_login(fp_kz)
    response = client.get("/", HTTP_USER_AGENT="Navigateur \xe9\xff")
    assert response.status_code == 200


def test_a_session_cookie_holding_a_nul_is_ignored_not_an_error(client, fp_kz):
    """A quoted cookie may carry an octal escape that decodes to NUL; the portal never set it,
    so it is dropped: the visitor is anonymous (sent to log in), not refused or a 500 (before:
    the session lookup sent the NUL to PostgreSQL)."""
    cookie = 'sessionid="abcdefgh\\000ijklmnop"; csrftoken="\\000"'
    response = client.get("/", HTTP_COOKIE=cookie)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    response = client.get("/accounts/login/", HTTP_COOKIE=cookie)
    assert response.status_code == 200


def test_a_body_the_client_stops_sending_is_a_400(rf):
    """Before: the middleware's read raised UnreadablePostError (an OSError): a 500."""
    from cica_portal.input_guard import InputGuardMiddleware

    class Broken(io.BytesIO):
        def read(self, *args):
            raise OSError("connection reset")

    request = rf.post("/plan/measures/propose/", {"title": "x"})
    request._stream = Broken()
    response = InputGuardMiddleware(lambda r: r.POST and None)(request)
    assert response.status_code == 400


@pytest.mark.parametrize("selected", ["\ufffd", "abc", "99999999999999999999999"])
def test_an_admin_action_on_rows_that_cannot_exist_is_a_400(client, selected):
    """Before: the admin filtered the selection by primary key as given; a value that is no
    integer was a ValueError, a 500 (found by the form fuzzer)."""
    from django_celery_beat.models import IntervalSchedule

    from tests.factories import SecretariatFactory

    client.force_login(SecretariatFactory(username="root", is_superuser=True, is_staff=True))
    IntervalSchedule.objects.create(every=5, period="minutes")
    before = IntervalSchedule.objects.count()
    response = client.post(
        "/admin/django_celery_beat/intervalschedule/",
        {"action": "delete_selected", "_selected_action": [selected], "post": "yes"},
    )
    assert response.status_code == 400
    assert "In _selected_action:" in response.content.decode()
    assert IntervalSchedule.objects.count() == before


def test_a_query_string_longer_than_servers_allow_is_414(client):
    """Before: the admin searched for the 60,000-character term; SQLite's LIKE refused the
    pattern as too complex (OperationalError), answered as 503 "database unavailable" (found
    by fuzzing the admin). No page needs a query string past 8 KB."""
    from tests.factories import SecretariatFactory

    client.force_login(SecretariatFactory(username="root", is_superuser=True, is_staff=True))
    response = client.get("/admin/axes/accesslog/", {"q": "y" * 60_000})
    assert response.status_code == 414
    assert client.get("/admin/axes/accesslog/", {"q": "y" * 4000}).status_code == 200
