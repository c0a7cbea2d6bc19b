"""The kinds of notice people can choose how to receive: registered by each app from its
`AppConfig.ready()` (its own `notice_kinds.py`), like approval purposes.

A kind is recognised by its notification keys (a regular expression the whole key matches), so
no caller of `notify()` changes. A key that no kind matches keeps today's behaviour: an email at
once, never held for a digest, never merged. A kind that needs the reader's action (a consent,
a deadline, a hit on their document, an overdue request) is always emailed at once, whatever
the person chose, and is never unsubscribed from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

from .registries import Registry


class UnknownNoticeKind(ImproperlyConfigured):
    pass


@dataclass(frozen=True)
class NoticeKind:
    name: str  # "exchange.share_released": stored on preferences, never renamed
    label: str | Promise  # what the preferences page shows (gettext_lazy)
    keys: str  # a regular expression a notification key matches as a whole
    needs_action: bool = False
    pattern: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", re.compile(self.keys))


_kinds: Registry[NoticeKind] = Registry(
    "Notice kind",
    name_of=lambda kind: kind.name,
    model_of=lambda kind: None,
    unknown=UnknownNoticeKind,
)


def register(*kinds: NoticeKind) -> None:
    for kind in kinds:
        _kinds.register(kind)


def unregister(name: str) -> None:
    _kinds.unregister(name)


def find(name: str) -> NoticeKind | None:
    return _kinds.find(name)


def registered() -> list[NoticeKind]:
    return sorted(_kinds.registered(), key=lambda kind: kind.name)


def for_key(key: str) -> NoticeKind | None:
    """The kind whose keys match this notification key; None when no app registered one."""
    for kind in _kinds.registered():
        if kind.pattern.fullmatch(key):
            return kind
    return None
