"""Business transactions that survive a passing conflict between two writers.

PostgreSQL ends one of two transactions that deadlock (SQLSTATE 40P01) or that cannot be
serialised (40001); the other goes on. The one that was ended did nothing: running it again is
safe, and almost always succeeds. `retry_on_deadlock` does that a bounded number of times, so
the person who clicked sees their action applied (or refused by a business rule), never "503"
for a conflict that lasted milliseconds. Everything else (the database down or hung, a lock
held for seconds) is raised at once: that is an outage, and the 503 page says so.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast, overload

from django.db import DEFAULT_DB_ALIAS, OperationalError, transaction

logger = logging.getLogger(__name__)

TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure
DEFAULT_ATTEMPTS = 3
BASE_DELAY_SECONDS = 0.02

F = TypeVar("F", bound=Callable[..., Any])


def is_transient(error: BaseException) -> bool:
    """A deadlock or a serialization failure: the transaction was rolled back, try again."""
    cause = error.__cause__ or error
    code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return code in TRANSIENT_SQLSTATES


@overload
def retry_on_deadlock(func: F) -> F: ...


@overload
def retry_on_deadlock(
    func: None = None, *, attempts: int = DEFAULT_ATTEMPTS, using: str = DEFAULT_DB_ALIAS
) -> Callable[[F], F]: ...


def retry_on_deadlock(
    func: F | None = None, *, attempts: int = DEFAULT_ATTEMPTS, using: str = DEFAULT_DB_ALIAS
) -> F | Callable[[F], F]:
    """Run the decorated transaction again (up to `attempts` times in all) when PostgreSQL
    ended it for a deadlock or a serialization failure.

    Put it above `@transaction.atomic`. It retries only when it is the outermost transaction:
    inside a caller's transaction the whole of it was rolled back, so only that caller can
    start again (and does, if it is decorated too).
    """

    def decorator(inner: F) -> F:
        @functools.wraps(inner)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if transaction.get_connection(using).in_atomic_block:
                return inner(*args, **kwargs)
            for attempt in range(1, attempts + 1):
                try:
                    return inner(*args, **kwargs)
                except OperationalError as error:
                    if attempt == attempts or not is_transient(error):
                        raise
                    logger.warning(
                        "%s: %s (attempt %d of %d), running it again",
                        inner.__qualname__,
                        error.__cause__.__class__.__name__,
                        attempt,
                        attempts,
                    )
                    # A little jitter so that the two losers of a deadlock do not meet again.
                    time.sleep(BASE_DELAY_SECONDS * (2 ** (attempt - 1)) * (1 + random.random()))
            raise AssertionError("unreachable")  # pragma: no cover

        return cast(F, wrapper)

    return decorator(func) if func is not None else decorator
