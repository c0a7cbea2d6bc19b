"""Fuzz every form, filter, address, header and API write of the portal: no input is ever a
server error, and a refused request writes nothing.

As each role (focal point, approver, Secretariat, and the anonymous visitor for the login and
password pages) the test GETs every page the rights matrix lists (expectations.py, which a test
keeps complete against Django's URL resolver), reads each <form> it renders, and sends
hypothesis-generated values in every field: NUL, lone surrogates and other invalid UTF-8 as raw
percent-encoded bytes, control characters, CR/LF, huge strings, numbers past 64 bits, dates out
of range, lists where one value is expected, missing fields, and any unicode; and, always, a
fixed sweep of the values that were 500s. The query strings views read (a filter form's fields,
page, next, ...) are fuzzed on each page that reads them, and every other page gets a few;
every free-text part of an address, the headers the portal reads, the API's writes (arbitrary
JSON, and one value changed deep inside a body it accepts) and the admin are fuzzed too. Every
response must be below 500; a refused post (4xx, or a page that shows a form error) must leave
every table as it was.

Bounded in time: `HYPOTHESIS_PROFILE` picks the number of examples (tests/conftest.py; "ci",
derandomized, under CICA_STRICT=1; FUZZ_EXAMPLES and FUZZ_ADMIN_EXAMPLES dig deeper).
"""

from __future__ import annotations

import copy
import json
import os
import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator
from hypothesis import Phase, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from . import runner
from .expectations import CASES
from .htmlforms import Form, forms_in
from .world import PDF, build_world

pytestmark = pytest.mark.django_db

FUZZED_ROLES = ("anon", "fp_a", "ap_a", "sec")
# Query parameters views read without a form of their own (the completeness test checks every
# name the code reads is fuzzed), added to each page's own filter fields.
EXTRA_QUERY = (
    "page", "next", "when", "month", "year", "box", "cursor", "purpose", "version", "gaps", "area",
    "side",
    "lang",  # the official list's PDF: its language
    "draft",  # the official list as it stands now (the Secretariat's), not as published
)  # fmt: skip
# Pages that read the query string without a filter form (see EXTRA_QUERY).
READS_THE_QUERY_STRING = {
    "approvals-inbox",
    "notifications",
    "actionplan:proposals",
    "meetings:training-list",
    "two-factor-setup",
    "two-factor-verify",
    "two-factor-recovery",
    "login",
    "exchange:export",
    "focalpoints:coverage",
    "focalpoints:coverage-csv",
    "focalpoints:nominate",
    "meetings:official-list-pdf",
    "meetings:official-list",
    "meetings:official-list-csv",
}
FEW = 3


def _fewer(share: float) -> int:
    """A share of the profile's examples per form (at least FEW)."""
    return max(FEW, int(hypothesis_settings.default.max_examples * share))


FILTERED_LIKE_THE_DIRECTORY = (
    "focalpoints:export-csv",
    "focalpoints:export-xlsx",
    "focalpoints:directory-vcard",
)
# Routes that accept a POST from someone but whose form no page renders, with the reason.
NOT_A_FORM = {
    "home": "a page, not a form: a POST renders it like a GET",
    "approvals": "a page, not a form: a POST renders it like a GET",
    "approvals-inbox": "a page, not a form: a POST renders it like a GET",
    "notifications": "a page, not a form: a POST renders it like a GET",
    "approval-detail": "fuzzed: the approver's answer form on each approval's page",
    "focalpoints:return": "fuzzed through the entry's page (the return form)",
    # Buttons with no field but the CSRF token, shown only in states the world has passed.
    "actionplan:report-start": "a button, shown only to a state without a report for the year",
    "actionplan:review-open": "a button, shown only while the cycle is planned",
    "two-factor-recovery-codes": "a button, shown only to a verified session with a device",
    "exchange:receipt": "a button, shown only to a recipient state's people (fp_b, ap_b), roles "
    "not walked here; tested in tests/exchange/test_recall.py",
    "exchange:hit-outcome": "a form shown only to the checking state (fp_b in the world), a role "
    "not walked here; tested in tests/exchange/test_document_hits.py",
    "exchange:revise": "the share form, shown only for a declined or expired share (none in the "
    "world); the same form as exchange:edit, and its bad input is tested in "
    "tests/exchange/test_clear_at_every_step.py",
    "exchange:delete": "a confirmation button with no field but the CSRF token",
    "focalpoints:campaign-open": "a button with no field but the CSRF token, shown only while no "
    "campaign is open (the world's is open, so that its correction form is fuzzed); tested in "
    "tests/focalpoints/test_confirmation_campaign.py",
    "focalpoints:check-note-verbale": "a button, shown only on a nomination whose note verbale "
    "is complete and not yet checked (the world's has none); tested in "
    "tests/focalpoints/test_nomination_note_verbale.py",
    "meetings:record-decision": "shown only on a meeting that has begun (the world's is ahead); "
    "its bad input is tested in tests/meetings/test_meeting_decisions.py",
    "exchange:reshare": "shown only to a recipient state's focal point (fp_b), a role not walked "
    "here; its bad input is tested in tests/exchange/test_binding_handling.py",
    "actionplan:review-swg": "shown only while the review is before the SWG (the world's is at "
    "the reporting stage); its bad input is tested in tests/actionplan/test_review_stages.py",
    "actionplan:review-soc": "shown only once the SWG has considered the review (the world's is "
    "at the reporting stage); its bad input is tested in tests/actionplan/test_review_stages.py",
    "notice-unsubscribe": "a confirmation button with no field but the CSRF token, reached from "
    "a digest's signed link; forged and expired tokens: tests/portal/test_notice_preferences.py",
}
# Tables a refused request may still write to: the session (saved on every request), the
# record of a failed login attempt (django-axes: that is its purpose).
MAY_CHANGE = {"sessions.session", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
# ... and, on these routes, tables a refusal writes by design.
REFUSAL_RECORDS = {
    "login": {"cica_portal.auditrecord"},  # a failed login is audited
    "api-token": {"cica_portal.auditrecord"},  # ... and so is a failed token login
    # The page makes the unconfirmed device whose code it shows (a GET does the same).
    "two-factor-setup": {"otp_totp.totpdevice", "cica_portal.auditrecord"},
    "two-factor-verify": {"cica_portal.auditrecord"},  # a wrong code is audited
    "two-factor-recovery": {"cica_portal.auditrecord"},  # ... and so is a wrong recovery code
}

_BIG = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
_SURROGATE = "\ud800".encode("utf-8", "surrogatepass")  # a lone surrogate, as raw bytes
NASTY: list[bytes] = [
    b"\x00",
    b"a\x00b",
    _SURROGATE,
    "x\udfffy".encode("utf-8", "surrogatepass"),
    b"\xff\xfe",
    b"\xc0\x80",  # an overlong NUL
    b"\r\n",
    b"line\rbreak\nX-Injected: 1",
    b"\t=1+1",
    b"=HYPERLINK(1)",
    b"",
    b" ",
    b"-1",
    b"0",
    b"99999999999999999999999",
    b"9223372036854775808",
    b"1e400",
    b"NaN",
    "²".encode(),  # str.isdigit() says yes, int() says no
    "٣".encode(),
    b"99999999999999999999-01",
    b"2024-02-30",
    b"0001-01-01",
    b"9999-12-31T23:59",
    b"[]",
    b'{"a": 1}',
    b"x" * 5000,
    b"y" * 60_000,
    b"Asia/" + b"z" * 300,
    b"../../etc/passwd",
    b"<script>alert(1)</script>",
    b"%00",
    b"//evil.example/",
    "\u202e\ufeff𝕏 Ωμέγα Қазақстан".encode(),
]


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


# What no database or encoder takes, as its own branch so that every few values hold one.
CORRUPT = st.sampled_from(
    [b"\x00", b"a\x00b", _SURROGATE, b"x\xed\xb0\x80y", b"\xff\xfe", b"\xc0\x80"]
)
# Any unicode (surrogates included, as raw bytes), raw bytes, numbers and the nasty list.
ANY_VALUE = st.one_of(
    CORRUPT,
    st.sampled_from(NASTY),
    st.text(max_size=40).map(_utf8),
    st.binary(max_size=16),
    st.integers(min_value=-(2**70), max_value=2**70).map(lambda n: str(n).encode()),
)


@dataclass(frozen=True)
class Target:
    role: str
    route: str
    url: str  # where the form sends its data (query string stripped)
    form: Form

    def label(self) -> str:
        return f"{self.role} {self.form.method.upper()} {self.url} ({self.route})"


def _route(url: str) -> str | None:
    try:
        return resolve(url.split("?")[0]).view_name
    except Resolver404:
        return None


def _request(client, method: str, url: str, *, body=b"", content_type=None, data=None):
    """One request in a rolled-back savepoint, the client's cookies kept (a logout or a login
    must not end the walk); throttles count per request."""
    cache.clear()
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        before = _row_counts() if method != "GET" else ()
        if data is not None:
            response = client.post(url, data)
        elif method == "GET":
            response = client.get(url)
        else:
            response = client.generic(method, url, body, content_type=content_type)
        after = _row_counts() if method != "GET" else ()
        transaction.set_rollback(True)
    client.cookies = cookies
    return response, before, after


_COUNT_SQL: str | None = None
_COUNTED: list[str] = []


def _row_counts() -> tuple[int, ...]:
    """Every table's row count in one query (sessions and failed-login records aside)."""
    global _COUNT_SQL
    if _COUNT_SQL is None:
        quote = connection.ops.quote_name
        models = [
            m
            for m in apps.get_models()
            if m._meta.managed and not m._meta.proxy and m._meta.label_lower not in MAY_CHANGE
        ]
        _COUNTED.extend(m._meta.label_lower for m in models)
        # Table names from the models, quoted: nothing here comes from the fuzzed input.
        parts = [f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models]  # noqa: S608
        _COUNT_SQL = "SELECT " + ", ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL)
        return tuple(cursor.fetchone())


def _changed(before: tuple[int, ...], after: tuple[int, ...], route: str) -> list[str]:
    pairs = zip(_COUNTED, before, after, strict=True)
    allowed = REFUSAL_RECORDS.get(route, set())
    return [f"{name}: {b} -> {a}" for name, b, a in pairs if b != a and name not in allowed]


def _refused(response) -> bool:
    if response.status_code in (301, 302, 303):
        return False
    if response.status_code >= 400:
        return True
    return not response.streaming and b'role="alert"' in response.content


def _error(response) -> str:
    """The server error's exception and where it was raised, for the failure message."""
    info = getattr(response, "exc_info", None)
    if not info:
        return ""
    frames = traceback.extract_tb(info[2])
    ours = [f for f in frames if "site-packages" not in f.filename] or frames
    where = "; ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in ours[-4:])
    return f"\n{info[0].__name__}: {str(info[1])[:300]}\n  at {where}"


def _check(target_label: str, response, before, after, route: str = "", sent=None) -> None:
    label = target_label if sent is None else f"{target_label} with {sent!r:.600}"
    assert response.status_code < 500, f"{label}: {response.status_code}{_error(response)}"
    if before and _refused(response):  # a GET is not counted: it must not write anyway
        changed = _changed(before, after, route)
        assert not changed, f"{label} refused ({response.status_code}) but wrote {changed}"


def _urlencoded(data: dict[str, list[bytes]]) -> bytes:
    return b"&".join(
        quote_from_bytes(key.encode()).encode() + b"=" + quote_from_bytes(value).encode()
        for key, values in data.items()
        for value in values
    )


# --- discovery ---------------------------------------------------------------------------------


def discover(world, client, role: str) -> tuple[list[Target], dict[str, str]]:
    """Every form the role is shown, once per (route, method); and each page the role may GET
    (route -> url), for the query parameters."""
    targets: dict[tuple[str, str], Target] = {}
    pages: dict[str, str] = {}
    for case in CASES:
        if "GET" not in case.expect:
            continue
        url = runner.url_of(world, case)
        if url.startswith("/api/"):
            continue
        response, _ = runner.request(client, "GET", url, None, {})
        if response.status_code != 200:
            continue
        pages.setdefault(case.route, url)
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            continue
        for form in forms_in(response.content.decode()):
            action = (form.action or url).split("?")[0]
            route = _route(action)
            if route is not None:
                targets.setdefault((route, form.method), Target(role, route, action, form))
    if role == "anon":
        targets.update({(t.route, t.form.method): t for t in _password_reset_form(world, client)})
    return list(targets.values()), pages


def _password_reset_form(world, client) -> list[Target]:
    """The new-password form, shown only through a valid link: the link is opened for real
    (outside any savepoint), so the session keeps the token the form's posts need."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = world.users["fp_b"]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = f"/accounts/reset/{uid}/{default_token_generator.make_token(user)}/"
    response = client.get(link, follow=True)
    url = response.redirect_chain[-1][0] if response.redirect_chain else link
    return [
        Target("anon", _route(url) or url, (form.action or url).split("?")[0], form)
        for form in forms_in(response.content.decode())
        if "new_password1" in form.names()
    ]


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    return world, runner.clients(world)


# --- the strategies ----------------------------------------------------------------------------


def _field_values(field_defaults: list[str], options: list[str]) -> st.SearchStrategy:
    default = [value.encode() for value in field_defaults]
    choices = [st.just(default), st.lists(ANY_VALUE, max_size=3)]
    if options:
        choices.append(st.lists(st.sampled_from([o.encode() for o in options]), max_size=3))
    return st.one_of(*choices)


def form_data(form: Form) -> st.SearchStrategy[dict[str, list[bytes]]]:
    """The browser's own values for most fields, something hostile for the others."""
    defaults = form.defaults()
    options = form.options()
    fields = {
        name: _field_values(defaults.get(name, []), options.get(name, []))
        for name in form.names()
        if name != "csrfmiddlewaretoken"
    }
    return st.fixed_dictionaries(fields).map(
        lambda data: {k: v for k, v in data.items() if v or k not in defaults}
    )


def _send_form(client, target: Target, data: dict[str, list[bytes]], upload_name: bytes):
    if target.form.method == "get":
        query = _urlencoded(data).decode()
        return _request(client, "GET", f"{target.url}?{query}")
    if target.form.enctype == "multipart/form-data":
        fields = {key: values for key, values in data.items()}
        for f in target.form.fields:
            if f.kind == "file":
                name = upload_name.decode("utf-8", "replace") or "file.pdf"
                fields[f.name] = [SimpleUploadedFile(name, PDF, "application/pdf")]
        return _request(client, "POST", target.url, data=fields)
    return _request(
        client,
        "POST",
        target.url,
        body=_urlencoded(data),
        content_type="application/x-www-form-urlencoded",
    )


# Besides the generated examples, each form and filter always gets these: NUL in each field
# alone, and each of the others in every field at once (hypothesis may not draw them in a few
# examples, and these are the values that were 500s).
SWEEP = [_SURROGATE, b"\xff\xfe", b"99999999999999999999-01", b"9223372036854775808", b"\r\n"]


def _swept(run, names: list[str], defaults: dict[str, list[bytes]], **fixed):
    # NUL in each field alone (a view may read one field before its form validates the rest);
    # in a long form (a formset, a report's items), in every field at once instead.
    for group in [[name] for name in names] if len(names) <= 8 else [names]:
        run = example(data={**defaults, **{name: [b"a\x00b"] for name in group}}, **fixed)(run)
    for value in SWEEP:
        run = example(data={**defaults, **{name: [value] for name in names}}, **fixed)(run)
    return run


def fuzz_form(client, target: Target) -> None:
    def run(data, upload_name):
        sent = _send_form(client, target, data, upload_name)
        _check(target.label(), *sent, target.route, sent=data)

    names = [n for n in target.form.names() if n != "csrfmiddlewaretoken"]
    defaults = {k: [v.encode() for v in vs] for k, vs in target.form.defaults().items()}
    defaults.pop("csrfmiddlewaretoken", None)
    run = given(data=form_data(target.form), upload_name=st.sampled_from([*NASTY[:12], b"a.pdf"]))(
        run
    )
    _swept(run, names, defaults, upload_name=b"a\x00.pdf")()


def fuzz_query(
    client, role: str, url: str, names: list[str], *, examples: int, sweep: bool
) -> None:
    params = st.fixed_dictionaries({n: st.lists(ANY_VALUE, max_size=2) for n in names})

    def run(data):
        query = _urlencoded(data).decode()
        _check(f"{role} GET {url}?{query:.600}", *_request(client, "GET", f"{url}?{query}"))

    run = hypothesis_settings(max_examples=examples)(given(data=params)(run))
    (_swept(run, names, {}) if sweep else run)()


# --- the tests ---------------------------------------------------------------------------------


def test_the_fuzzer_reaches_every_form_the_portal_offers_and_every_query_parameter(world):
    """Every route that takes a POST from someone is reached through a form some page renders
    (or is listed in NOT_A_FORM with the reason), and every name a view reads from request.GET
    is a fuzzed filter or in EXTRA_QUERY; so a new form or filter cannot escape the fuzzer."""
    world, clients = world
    targets = [t for role in FUZZED_ROLES for t in discover(world, clients[role], role)[0]]
    reached = {t.route for t in targets if t.form.method == "post"}
    takes_post = {
        case.route
        for case in CASES
        if "POST" in case.expect
        and not case.route.startswith(("api-", "schema"))
        and any(token in ("200", "R", "400") for token in case.expect["POST"].split())
    }
    missing = sorted(takes_post - reached - set(NOT_A_FORM))
    assert not missing, f"routes that take a POST but no fuzzed form sends one: {missing}"

    fuzzed = set(EXTRA_QUERY)
    for target in targets:
        if target.form.method == "get":
            fuzzed |= set(target.form.names())
    read = set()
    pattern = re.compile(r"(?:request\.GET|query_params)\.get\(\s*[\"'](\w+)[\"']")
    for app in ("cica_portal", "actionplan", "focalpoints", "meetings", "exchange"):
        for path in Path(settings.BASE_DIR, app).rglob("*.py"):
            read |= set(pattern.findall(path.read_text()))
    assert read, "no query parameter read anywhere: the search for them is broken"
    assert not read - fuzzed, f"query parameters read but never fuzzed: {read - fuzzed}"


@pytest.mark.parametrize("role", FUZZED_ROLES)
def test_no_form_or_filter_input_is_a_server_error_and_a_refusal_writes_nothing(world, role):
    world, clients = world
    client = clients[role]
    targets, pages = discover(world, client, role)
    assert targets, f"{role} was shown no form at all"
    filters = {t.url: t.form.names() for t in targets if t.form.method == "get"}
    for target in targets:
        fuzz_form(client, target)
    # The query strings every page may read: its own filters and the common ones, in full where
    # the view reads a query string, a few examples elsewhere (the guard sees them all alike).
    directory = filters.get("/focal-points/", [])
    for route, url in pages.items():
        names = list(filters.get(url, []))
        if route in FILTERED_LIKE_THE_DIRECTORY:
            names += directory
        reads = bool(names) or route in READS_THE_QUERY_STRING
        if not reads and role != "fp_a":
            continue  # a page that reads no query string: one role is enough (the guard's)
        names = sorted(set(names) | set(EXTRA_QUERY))
        fuzz_query(client, role, url, names, examples=_fewer(0.5) if reads else FEW, sweep=reads)


# --- the API -----------------------------------------------------------------------------------

JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),  # lone surrogates included: json.dumps escapes them as \\udxxx
    st.sampled_from(["\x00", "a\x00b", "\ud800", "\r\n", "=1+1", "x" * 5000, "2024-02-30"]),
)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)
RAW_BODIES = [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a": 1e400}',
    b'{"a": NaN}',
    b"\xff\xfe",
    b"",
    b"null",
    b'{"a": "\\ud800"}',
    b"x" * _BIG,
]


def _api_operations(world) -> list[tuple[str, str, list[str]]]:
    """(method, url, body properties) for every write the API offers at the world's objects."""
    document = json.loads(
        json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str)
    )
    urls = sorted({runner.url_of(world, c) for c in CASES if c.route.startswith("api-")})
    operations = []
    for path, item in document["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
        for method, operation in item.items():
            if method not in ("post", "put", "patch"):
                continue
            schema = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
            )
            ref = schema.get("$ref", "").rsplit("/", 1)[-1]
            properties = list(document["components"]["schemas"].get(ref, {}).get("properties", {}))
            # One object per operation: the parsing and validation the fuzzer aims at do not
            # depend on the object's state (the rights matrix walks every state).
            matching = [url for url in urls if pattern.match(url)]
            if matching:
                operations.append((method.upper(), matching[0], properties))
    return operations


def valid_bodies(world) -> dict[tuple[str, str], dict]:
    """Bodies the API accepts, by (method, path prefix): the fuzzer varies one value deep
    inside them, so the hostile value reaches the business code, not only the first check."""
    from tests.exchange.factories import trafficking_content

    share = {
        "template": "trafficking-case",
        "title": "Heroin route",
        "content": trafficking_content(),
        "concerned_states": ["CN"],
        "recipient_states": ["RU"],
        "secretariat_may_read": False,
    }
    delegate = {"name": "Head", "position": "Colonel", "role": "head", "dietary": "", "access": ""}
    return {
        ("POST", "/api/v1/exchange/shares/"): share,
        ("PATCH", "/api/v1/exchange/shares/"): {k: v for k, v in share.items() if k != "template"},
        ("POST", "/api/v1/meetings/registrations/"): {
            "meeting": world["meeting"].pk,
            "delegates": [delegate],
        },
        ("POST", "/api/v1/meetings/training-requests/"): {
            "area": 1,
            "topic": "Border checks",
            "preferred_period": "Spring",
            "expected_participants": 10,
            "needs": "",
        },
        ("POST", "/api/v1/approvals/"): {"decision": "approve", "comment": "Agreed."},
        ("POST", "/api/v1/auth/token/"): {"username": "fp-kz", "password": "wrong"},
        ("POST", "/api/v1/action-plan/reports/"): {"year": world["cycle"].year},
    }


def _leaves(value, path=()):
    """The paths to every value inside a body (the containers included)."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))


def _replaced(body, path, new):
    if not path:
        return new
    body = copy.deepcopy(body)
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return body


def _json_body(properties: list[str], valid: dict | None) -> st.SearchStrategy[bytes]:
    as_object = st.fixed_dictionaries({}, optional={p: JSON_VALUE for p in properties})
    choices = [
        as_object.map(lambda d: json.dumps(d).encode()),
        JSON_VALUE.map(lambda v: json.dumps(v).encode()),
        st.sampled_from(RAW_BODIES),
    ]
    if valid is not None:
        paths = list(_leaves(valid))[1:]
        one_changed = st.tuples(st.sampled_from(paths), JSON_VALUE).map(
            lambda change: json.dumps(_replaced(valid, *change)).encode()
        )
        choices = [one_changed, one_changed, *choices]  # weighted towards the deep values
    return st.one_of(*choices)


def fuzz_api(client, role, method: str, url: str, properties: list[str], valid) -> None:
    @hypothesis_settings(max_examples=_fewer(0.5))
    @given(body=_json_body(properties, valid))
    def run(body):
        sent = _request(client, method, url, body=body, content_type="application/json")
        _check(f"{role} {method} {url}", *sent, _route(url) or "", sent=body)

    # Always: NUL and a lone surrogate in each value of a body the API accepts, deep ones too.
    for path in list(_leaves(valid))[1:] if valid else [(p,) for p in properties]:
        for bad in ("a\x00b", "\ud800"):
            run = example(body=json.dumps(_replaced(valid or {}, path, bad)).encode())(run)
    run()


@pytest.mark.parametrize("role", ["fp_a", "ap_a", "sec"])
def test_no_api_body_is_a_server_error_and_a_refusal_writes_nothing(world, role):
    world, clients = world
    client = clients[role]
    bodies = valid_bodies(world)
    for method, url, properties in _api_operations(world):
        valid = next((b for (m, p), b in bodies.items() if m == method and url.startswith(p)), None)
        fuzz_api(client, role, method, url, properties, valid)


# --- headers and addresses ---------------------------------------------------------------------

# Every header the portal (or a library it runs) reads, and where each is read.
HEADERS = {
    "HTTP_X_FORWARDED_FOR": "client address behind TRUSTED_PROXY_COUNT (axes, DRF throttles)",
    "HTTP_ACCEPT_LANGUAGE": "LocaleMiddleware",
    "HTTP_HOST": "ALLOWED_HOSTS, absolute URLs (the feed settings page)",
    "HTTP_AUTHORIZATION": "DRF's token authentication",
    "HTTP_IF_MODIFIED_SINCE": "conditional GETs (static files)",
    "HTTP_IF_NONE_MATCH": "conditional GETs",
    "HTTP_COOKIE": "session, CSRF and language cookies",
    "HTTP_USER_AGENT": "django-axes' record of a failed login",
    "HTTP_REFERER": "CSRF checks over HTTPS",
    "HTTP_ORIGIN": "CSRF checks",
    "HTTP_X_CSRFTOKEN": "CSRF checks",
    "HTTP_X_FORWARDED_PROTO": "SECURE_PROXY_SSL_HEADER behind a TLS proxy",
    "CONTENT_TYPE": "every body parser",
    "HTTP_RANGE": "file downloads",
}
HEADER_VALUE = st.one_of(
    st.sampled_from(
        [
            "\x00",
            "Token \x00",
            "Token " + "a" * 39 + "\x00",
            "Token \xed\xa0\x80",
            "Token a b",
            "Basic \xff\xfe",
            "1.2.3.4, \x00",
            "999.1.1.1, ::1, ::ffff:1.2.3.4, fe80::1%eth0",
            "ru;q=1e400, *;q=-1, zz-ZZ-" + "x" * 600,
            "Thu, 99 Foo 2024 99:99:99 GMT",
            "\r\nX-Injected: 1",
            'sessionid="abcdefgh\\000ijklmnop"; csrftoken="\\000"; django_language="\\000"',
            "evil.example",
            "testserver:99999999999",
            "https",
            "multipart/form-data; boundary=",
            "bytes=99999999999999999999-",
            "x" * 10_000,
        ]
    ),
    st.text(st.characters(max_codepoint=255), max_size=60),  # what a WSGI server can pass
)


@pytest.fixture
def behind_a_proxy(settings):
    """The set-up that reads X-Forwarded-For: one trusted proxy, TLS ended there."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.parametrize("role", ["anon", "fp_a"])
def test_no_header_value_is_a_server_error(world, behind_a_proxy, role):
    from meetings import services as meeting_services

    world, clients = world
    client = clients[role]
    token = meeting_services.reset_calendar_token(world.users["fp_a"])
    requests = [
        ("GET", "/"),
        ("GET", "/accounts/login/"),
        ("POST", "/accounts/login/"),
        ("GET", "/api/v1/member-states/"),
        ("POST", "/api/v1/auth/token/"),
        ("GET", f"/meetings/feed/{token}.ics"),
        ("GET", f"/meetings/{world['meeting'].pk}.ics"),
        ("POST", "/i18n/setlang/"),
        ("GET", "/healthz"),
    ]

    @given(
        request=st.sampled_from(requests),
        headers=st.dictionaries(st.sampled_from(sorted(HEADERS)), HEADER_VALUE, min_size=1),
    )
    def run(request, headers):
        method, url = request
        body = b"username=fp-kz&password=wrong&language=ru&next=/"
        cache.clear()
        cookies = copy.deepcopy(client.cookies)
        with transaction.atomic():
            extra = {"content_type": "application/x-www-form-urlencoded", **headers}
            if method == "POST" and "CONTENT_TYPE" in headers:
                extra["content_type"] = headers["CONTENT_TYPE"]
            response = client.generic(method, url, body if method == "POST" else b"", **extra)
            transaction.set_rollback(True)
        client.cookies = cookies
        assert response.status_code < 500, f"{method} {url} {headers!r}{_error(response)}"

    run()


def _named_patterns(patterns, prefix=""):
    """(namespaced name, pattern) of every route outside the admin."""
    from django.urls import URLPattern, URLResolver

    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            if entry.namespace != "admin":
                yield from _named_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{prefix}{entry.name}", entry.pattern


def _address_parts(pattern) -> dict:
    """A value for each part of the address: FUZZ where free text goes, fixed ones elsewhere."""
    from django.urls.converters import IntConverter, SlugConverter

    converters = getattr(pattern, "converters", {})
    kwargs = {}
    for group in pattern.regex.groupindex:
        converter = converters.get(group)
        group_regex = re.search(rf"\(\?P<{group}>([^)]*)\)", pattern.regex.pattern)
        if isinstance(converter, IntConverter):
            kwargs[group] = 1
        elif isinstance(converter, SlugConverter):
            kwargs[group] = "trafficking-case"
        elif group_regex and not re.fullmatch(group_regex.group(1), "FUZZ"):
            kwargs[group] = 1  # a router's group that takes digits only
        else:
            kwargs[group] = "FUZZ"
    return kwargs


def free_text_addresses() -> list[str]:
    """Every route whose address carries free text (a str converter or a router's regex group),
    as a template with {} where the text goes; integer and slug parts get a fixed value."""
    from django.urls import get_resolver, reverse

    addresses = []
    for name, pattern in _named_patterns(get_resolver().url_patterns):
        kwargs = _address_parts(pattern)
        if "FUZZ" in kwargs.values():
            addresses.append(reverse(name, kwargs=kwargs).replace("FUZZ", "{}"))
    return sorted(set(addresses))


def test_no_address_is_a_server_error(world):
    """Every free-text part of every address (the feed's token, a state code, a reset link, the
    API's ids): NUL, surrogates, invalid UTF-8, any unicode, huge numbers."""
    world, clients = world
    segment = st.one_of(st.sampled_from(NASTY[:24]), st.binary(max_size=40), ANY_VALUE)
    addresses = free_text_addresses()
    assert any("/meetings/feed/" in a for a in addresses)
    assert len(addresses) >= 5

    for address in addresses:
        fuzz_address(clients, address, segment)


def fuzz_address(clients, address: str, segment: st.SearchStrategy[bytes]) -> None:
    @hypothesis_settings(max_examples=_fewer(0.25))
    @given(value=segment)
    @example(value=b"\x00" * 24)
    @example(value=_SURROGATE * 8)
    @example(value=b"9" * 30)
    def run(value):
        url = address.replace("{}", quote_from_bytes(value, safe=b"") or "x")
        for role in ("anon", "sec", "fp_a"):
            response, _, _ = _request(clients[role], "GET", url)
            assert response.status_code < 500, f"{role} GET {url}{_error(response)}"

    run()


# --- the admin ---------------------------------------------------------------------------------

# The admin is Django's own code and its pages are slow: by default each form and list gets
# only the fixed sweep; FUZZ_ADMIN_EXAMPLES=n adds n generated examples to each.
ADMIN_EXAMPLES = int(os.environ.get("FUZZ_ADMIN_EXAMPLES", "0"))


def _admin_settings():
    if ADMIN_EXAMPLES:
        return hypothesis_settings(max_examples=ADMIN_EXAMPLES)
    return hypothesis_settings(phases=[Phase.explicit])


def test_no_admin_form_or_filter_input_is_a_server_error(world):
    """The Secretariat's admin, as a superuser (who sees every form): each model's list with
    its search, ordering and filters, its add form, and one object's change form."""
    from tests.factories import SecretariatFactory

    from .test_rights_matrix import admin_urls

    world, _clients = world
    root = SecretariatFactory(username="root-fuzz", is_superuser=True, is_staff=True)
    client = runner.Client(raise_request_exception=False)
    client.force_login(root)
    own_pages = f"/admin/cica_portal/user/{root.pk}/"  # changing oneself ends one's session
    another_user = f"/admin/cica_portal/user/{world.users['fp_a'].pk}/change/"
    forms = 0
    for _name, url in [*admin_urls(limit=1), ("user", another_user)]:
        if url.endswith(("/delete/", "/history/")) or url.startswith(own_pages):
            continue
        response, _ = runner.request(client, "GET", url, None, {})
        if response.status_code != 200:
            continue
        for form in forms_in(response.content.decode()):
            action = (form.action or url).split("?")[0]
            if action.startswith(("/i18n/", "/accounts/", "/admin/logout/")):
                continue
            fuzz_admin_form(client, Target("root", _route(action) or action, action, form))
            forms += 1
        if url.count("/") == 4:  # a model's list: /admin/<app>/<model>/
            fuzz_admin_list(client, url)
    assert forms > 20, f"the admin showed only {forms} forms"


def fuzz_admin_form(client, target: Target) -> None:
    def run(data, upload_name):
        sent = _send_form(client, target, data, upload_name)
        _check(target.label(), *sent, target.route, sent=data)

    names = [n for n in target.form.names() if n != "csrfmiddlewaretoken"]
    defaults = {k: [v.encode() for v in vs] for k, vs in target.form.defaults().items()}
    defaults.pop("csrfmiddlewaretoken", None)
    run = given(data=form_data(target.form), upload_name=st.sampled_from([b"a.pdf"]))(run)
    for value in [b"a\x00b", _SURROGATE, b"-1"]:
        run = example(data={**defaults, **{n: [value] for n in names}}, upload_name=b"a.pdf")(run)
    _admin_settings()(run)()


def fuzz_admin_list(client, url: str) -> None:
    names = ["q", "o", "p", "e", "all", "_changelist_filters"]
    params = st.fixed_dictionaries({n: st.lists(ANY_VALUE, max_size=2) for n in names})

    def run(data):
        query = _urlencoded(data).decode()
        _check(f"root GET {url}?{query:.600}", *_request(client, "GET", f"{url}?{query}"))

    run = given(data=params)(run)
    for value in [b"a\x00b", _SURROGATE, b"-99999999999999999999"]:
        run = example(data={n: [value] for n in names})(run)
    _admin_settings()(run)()
