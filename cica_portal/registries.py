"""One shape for the core's extension points: entries known by a name, registered by the apps
from their `AppConfig.ready()` (approval purposes, decision sources)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

Entry = TypeVar("Entry")


class Registry(Generic[Entry]):
    """Entries by name. Registering a name again for the same model replaces the entry (a test,
    a reload); for another model it is an error. `get` fails loudly on an unknown name (for
    writes), `find` answers None (for reads, which then show nothing)."""

    def __init__(
        self,
        what: str,
        *,
        name_of: Callable[[Entry], str],
        model_of: Callable[[Entry], Any],
        unknown: type[ImproperlyConfigured],
    ) -> None:
        self.what, self.name_of, self.model_of, self.unknown = what, name_of, model_of, unknown
        self._entries: dict[str, Entry] = {}

    def register(self, entry: Entry) -> Entry:
        name = self.name_of(entry)
        known = self._entries.get(name)
        if known is not None and self.model_of(known) is not self.model_of(entry):
            raise ImproperlyConfigured(
                f"{self.what} {name!r} is already registered for {self.model_of(known)}."
            )
        self._entries[name] = entry
        return entry

    def unregister(self, name: str) -> None:
        self._entries.pop(name, None)

    def find(self, name: str) -> Entry | None:
        return self._entries.get(name)

    def get(self, name: str) -> Entry:
        try:
            return self._entries[name]
        except KeyError:
            raise self.unknown(
                f"No {self.what.lower()} is registered as {name!r}; register one from the "
                "app's AppConfig.ready()."
            ) from None

    def registered(self) -> list[Entry]:
        return list(self._entries.values())
