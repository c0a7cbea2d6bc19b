"""Whether a person may still open a link the portal gave them (a notice, an email).

A notice keeps the address of its subject; by the time it is opened the subject may have been
withdrawn or no longer be shared with the reader. Each app registers, per URL name, the rule
that says whether this person may open it (its selector), so the notice can say so instead of
leading to a 404. Links with no registered rule are opened as they are (the page decides).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

MayOpen = Callable[..., bool]
_rules: dict[str, MayOpen] = {}


def register(url_name: str, may_open: MayOpen) -> None:
    """`may_open(user, **url_kwargs)` answers whether the user may open the page."""
    _rules[url_name] = may_open


def may_open(user: User | AnonymousUser, url: str) -> bool:
    if not url:
        return False
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    rule = _rules.get(match.view_name)
    return True if rule is None else bool(rule(user, **match.kwargs))
