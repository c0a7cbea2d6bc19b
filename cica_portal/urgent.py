"""Urgent items: what must reach whoever answers for a member state now, not only the accounts
the portal knows (an urgent request for information, a hit on a state's document).

The app raising the item tells the state's accounts with `notify()` as usual and then calls
`send()`. Who answers "now" (an office's mailbox, the person on duty, acting deputies) is the
focal-point network's knowledge, and the core uses no app: the network registers a route from
its `AppConfig.ready()`, like approval purposes. Without a route an item reaches the accounts
only.

A route must send each address one email per item however often it is called (the item's key
names the occasion), skip the addresses in `told` (already emailed by `notify()`), and write
its work in the caller's transaction (rows and outbox messages), so nothing is sent for a
write that rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

from .notifications import Notice
from .registries import Registry


class UnknownUrgentRoute(ImproperlyConfigured):
    pass


@dataclass(frozen=True)
class UrgentItem:
    key: str  # the occasion, unique and stable: "inquiries:12:urgent"
    state_id: int
    notice: Notice  # translatable subject and body, rendered by the route
    url: str = ""  # a path in the portal
    area_number: int | None = None  # the Action Plan's area it concerns; None: any
    told: frozenset[str] = field(default_factory=frozenset)  # addresses, lower case


@dataclass(frozen=True)
class UrgentRoute:
    name: str
    deliver: Callable[[UrgentItem], list[str]]  # the addresses it queued emails for


_routes: Registry[UrgentRoute] = Registry(
    "Urgent route",
    name_of=lambda route: route.name,
    model_of=lambda route: None,
    unknown=UnknownUrgentRoute,
)


def register(route: UrgentRoute) -> None:
    _routes.register(route)


def unregister(name: str) -> None:
    _routes.unregister(name)


def told_addresses(emails: Iterable[str | None]) -> frozenset[str]:
    return frozenset(email.strip().lower() for email in emails if email and email.strip())


def send(item: UrgentItem) -> list[str]:
    """Hand the item to every registered route; the addresses emailed for it."""
    addresses: list[str] = []
    for route in sorted(_routes.registered(), key=lambda route: route.name):
        addresses += route.deliver(item)
    return addresses
