"""Walk a route as a role and reduce the response to one token the table can hold.

Tokens: a status code ("200", "403", "404", "405", "400", "401", ...), "L" for a redirect to
the portal's login page, "AL" for a redirect to the admin's login page, "R" for any other
redirect (an action done, or a page that sends the user somewhere they may go).
Every request runs inside a savepoint that is rolled back, so one world serves every role and
a POST that succeeds changes nothing the next request sees.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from .world import ROLES, World

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


@dataclass(frozen=True)
class Case:
    """One route with one set of arguments, and what each role gets for each method."""

    route: str
    kwargs: dict = field(default_factory=dict)
    expect: dict = field(default_factory=dict)  # method -> "anon fp_a fp_b ap_a ap_b sec off"
    data: dict | None = None

    def label(self) -> str:
        args = ",".join(f"{k}={v}" for k, v in self.kwargs.items())
        return f"{self.route}({args})" if args else self.route


def resolve_kwargs(world: World, kwargs: dict) -> dict:
    """ "@name" is that object's pk, "@name.attr" one of its attributes."""
    out = {}
    for key, value in kwargs.items():
        if isinstance(value, str) and value.startswith("@"):
            name, _, attr = value[1:].partition(".")
            value = getattr(world[name], attr or "pk")
        out[key] = value
    return out


def token(response) -> str:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.startswith(LOGIN):
            return "L"
        if location.startswith(ADMIN_LOGIN):
            return "AL"
        return "R"
    return str(response.status_code)


def clients(world: World) -> dict[str, Client]:
    """A client per role; the deactivated user logged in (and held a token) before losing access."""
    result = {"anon": Client(raise_request_exception=False)}
    for role in ROLES[1:]:
        client = Client(raise_request_exception=False)
        client.force_login(world.users[role])
        result[role] = client
    off = world.users["off"]
    off.is_active = False
    off.save()
    return result


def request(client: Client, method: str, url: str, data: dict | None, headers: dict):
    cache.clear()  # throttles count per test run, not per walk
    cookies = copy.deepcopy(client.cookies)  # a logout or a login must not end the walk
    with transaction.atomic():
        if method == "GET":
            response = client.get(url, headers=headers)
        elif method == "POST" and not url.startswith("/api/"):
            response = client.post(url, data or {}, headers=headers)
        else:
            response = client.generic(
                method, url, data=_json(data), content_type="application/json", headers=headers
            )
        body = b""
        if not response.streaming:
            body = response.content
        transaction.set_rollback(True)
    client.cookies = cookies
    return response, body


def _json(data):
    import json

    return json.dumps(data or {})


def url_of(world: World, case: Case) -> str:
    return reverse(case.route, kwargs=resolve_kwargs(world, case.kwargs))
