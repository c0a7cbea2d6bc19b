"""Page-number pagination for pages whose total is known without counting the list again."""

from __future__ import annotations

import contextlib
import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from redis.exceptions import RedisError

COUNT_CACHE_SECONDS = 60


class CountedPaginator(Paginator):
    """A `Paginator` told its total (e.g. from a cache) instead of running `COUNT(*)`."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def query_key(prefix: str, queryset: QuerySet, *, user, generation: str) -> str | None:
    """A cache key bound to this exact query (its SQL and parameters), this user and the
    caller's generation; None when the query cannot return anything."""
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:  # e.g. `.none()`
        return None
    digest = hashlib.sha256(f"{sql}|{params!r}|{generation}".encode()).hexdigest()
    return f"{prefix}:{getattr(user, 'pk', None)}:{digest}"


def cached_count(queryset: QuerySet, *, user, generation: str) -> int:
    """`queryset.count()`, remembered for up to a minute while `generation` stays the same.

    Counting the thousands of rows a user may see is the costliest part of a list page at
    scale; the rows themselves are always read fresh, only the number is cached. The key is
    the query's own SQL and parameters (which name the user, the state and the filters), the
    user and the caller's `generation` (what changes whenever the count may change), so no one
    is ever given another's count. A cache that is down costs the count, never the page.
    """
    key = query_key("count", queryset, user=user, generation=generation)
    if key is None:
        return 0
    try:
        count = cache.get(key)
    except RedisError:
        count = None
    if count is None:
        count = queryset.count()
        with contextlib.suppress(RedisError):
            cache.set(key, count, COUNT_CACHE_SECONDS)
    return count
