"""Every page and every API route, walked as each role against objects of each kind.

The expected answer for each (route, arguments, method, role) is written out in
expectations.py; a route Django knows but the table does not fails the test, and so does a
route the table names but Django no longer knows. Along the way every response body is searched
for the markers planted in world.py: each role must see exactly the markers it may see, on any
page or API answer, lists included (a 200 is not enough; what is on it matters too).
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from . import runner
from .expectations import CASES
from .world import ROLES, build_world

pytestmark = pytest.mark.django_db

MARK = re.compile(rb"MARK-[A-Za-z_-]+")
ALL_SHARES = {
    f"MARK-{kind}-{stage}"
    for kind in ("TITLE", "CONTENT")
    for stage in ("draft", "pending", "released", "withdrawn")
}
RELEASED_TO_B = {"MARK-TITLE-released", "MARK-CONTENT-released"}
# A found document report (B found a document of A) is read by the two states' people only.
FOUND = {"MARK-FOUND-doc"}
# What each role may read anywhere in the portal (pages and API), and nothing else.
MAY_SEE = {
    "anon": set(),
    "off": set(),
    "fp_a": ALL_SHARES
    | FOUND
    | {
        "MARK-DELEGATE",
        "MARK-DOC-all_members",
        "MARK-DOC-participants",
        "MARK-NOTICE",
        "MARK-TRAINING",
        "MARK-NEEDS",
    },
    "fp_b": RELEASED_TO_B | FOUND | {"MARK-DOC-all_members"},
    "ap_a": ALL_SHARES
    | FOUND
    | {"MARK-DELEGATE", "MARK-DOC-all_members", "MARK-DOC-participants", "MARK-NOMINATION"},
    "ap_b": RELEASED_TO_B | FOUND | {"MARK-DOC-all_members"},
    # The Secretariat reads no share it was not given; it runs meetings and the network.
    "sec": {
        "MARK-DELEGATE",
        "MARK-DOC-all_members",
        "MARK-DOC-participants",
        "MARK-DOC-secretariat",
        "MARK-NOMINATION",
        "MARK-TRAINING",
        "MARK-NEEDS",
    },
}


def route_names(patterns=None, namespace="") -> set[str]:
    """Every named route Django resolves (admin aside: test_admin_* below walk it)."""
    names = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace != "admin":
                names |= route_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"a route without a name cannot be given rights: {entry.pattern}"
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_route_has_an_expectation():
    written = {case.route for case in CASES}
    problems = [
        f"no expectation written for route {name}" for name in sorted(route_names() - written)
    ]
    problems += [
        f"expectation for unknown route {name}" for name in sorted(written - route_names())
    ]
    assert not problems, "\n".join(problems)


def test_the_table_is_well_formed():
    for case in CASES:
        for method, tokens in case.expect.items():
            assert len(tokens.split()) == len(ROLES), (case.label(), method)


def walk(world, role: str, client) -> tuple[list[str], set[str], dict[str, str]]:
    """Every case as one role: the mismatches, the markers seen, and where each was first seen."""
    mismatches, seen, where = [], set(), {}
    column = ROLES.index(role)
    for case in CASES:
        url = runner.url_of(world, case)
        headers = {}
        if role == "off" and url.startswith("/api/"):
            headers = {"Authorization": f"Token {world.token_of_off}"}
        for method, tokens in case.expect.items():
            response, body = runner.request(client, method, url, case.data, headers)
            expected, got = tokens.split()[column], runner.token(response)
            if got != expected:
                mismatches.append(
                    f"{method} {url} [{case.label()}]: expected {expected}, got {got}"
                )
            for marker in {m.decode() for m in MARK.findall(body)}:
                seen.add(marker)
                where.setdefault(marker, f"{method} {url}")
    return mismatches, seen, where


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_it_may(role, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    client = runner.clients(world)[role]
    mismatches, seen, where = walk(world, role, client)
    leaks = [f"{m} shown to {role} at {where[m]}" for m in sorted(seen - MAY_SEE[role])]
    missing = [f"{m} never shown to {role}, who may read it" for m in sorted(MAY_SEE[role] - seen)]
    problems = mismatches + leaks + missing
    assert not problems, "\n".join(problems)


def admin_urls(limit: int = 1) -> list[tuple[str, str]]:
    """Every admin page of every registered model, with an existing object where one is needed."""
    urls = [("admin:index", reverse("admin:index"))]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append((f"{info}", reverse("admin:%s_%s_changelist" % info)))
        urls.append((f"{info}", reverse("admin:%s_%s_add" % info)))
        for obj in model._default_manager.order_by("-pk")[:limit]:
            for action in ("change", "history", "delete"):
                urls.append((f"{info}", reverse(f"admin:%s_%s_{action}" % info, args=[obj.pk])))
    return urls


def test_the_admin_is_closed_to_everyone_but_staff(settings, tmp_path):
    """Focal points, approvers, the deactivated and the anonymous are sent to the admin login."""
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    clients = runner.clients(world)
    wrong = []
    # admin_view() guards every admin page alike: each model's list and one object's form.
    # (B's people take the same path as A's.)
    pages = [u for _n, u in admin_urls() if u.endswith(("/admin/", "/change/", "/"))]
    pages = [u for u in pages if not u.endswith(("/add/", "/history/", "/delete/"))]
    for url in pages:
        for role in ("anon", "fp_a", "ap_a", "off"):
            response, _ = runner.request(clients[role], "GET", url, None, {})
            if runner.token(response) != "AL":
                wrong.append(f"{role} GET {url}: {runner.token(response)}")
    assert not wrong, "\n".join(wrong)


def test_no_admin_page_shows_a_share_even_to_a_superuser(settings, tmp_path):
    """Staff status, every model permission and superuser status open no share in the admin:
    not its title, not its content, released or not, in any list, form, history or audit row."""
    from tests.factories import SecretariatFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    build_world()
    root = SecretariatFactory(username="root", is_superuser=True, is_staff=True)
    client = runner.Client(raise_request_exception=False)
    client.force_login(root)
    shown, errors = [], []
    for name, url in admin_urls(limit=4):  # each share, in each status
        if "/exchange/" not in url and name != "admin:index" and url.count("/") > 5:
            continue  # other models: one object is enough (the loop below covers lists)
        response, body = runner.request(client, "GET", url, None, {})
        if response.status_code >= 500:
            errors.append(f"{url}: {response.status_code}")
        for marker in {m.decode() for m in MARK.findall(body)} & ALL_SHARES:
            shown.append(f"{marker} at {url}")
    problems = shown + errors
    assert not problems, "\n".join(problems)
