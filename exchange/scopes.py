"""Visibility scopes and their generations: an exact count of what a user may see, cheap.

The API's share list answers DRF's exact `count` (the contract), and counting the thousands of
rows one state may see grows with the data whatever the index. What a user sees is decided by
a few scopes: their state (shares it made, shares whose consent asks it), their groups and
themselves (the per-object rights given at release). Each scope has a generation
(`ScopeGeneration`) that every change to what it sees moves up **in the same transaction**
(`touch`, called by the services); the count is cached under the generations of the asker's
scopes, with the query itself (box and filters), so:

- a release, an edit, a withdrawal or a deletion that changes what a scope sees gives its
  readers a new key at once, on every node (the generation is read from the database, not
  from a process);
- a generation only grows, so an old count can never come back;
- a change elsewhere (another state's shares) leaves this scope's count cached;
- only a number is cached, never a row; with the cache down the count is simply made again.

The generation is read before the count is made: a count made while a change commits is at
worst the newer value under the older key, which the next reader replaces.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from .models import (
    ScopeGeneration,
    Share,
    ShareGroupObjectPermission,
    ShareUserObjectPermission,
)

if TYPE_CHECKING:
    from cica_portal.models import User

COUNT_TIMEOUT = 600  # seconds: a key only ever misses by a change, this bounds the memory


def state_scope(state_id: int) -> str:
    return f"state:{state_id}"


def group_scope(group_id: int) -> str:
    return f"group:{group_id}"


def user_scope(user_id: int) -> str:
    return f"user:{user_id}"


def bump(scopes: Iterable[str]) -> None:
    """Move each scope's generation up by one, in the caller's transaction (an upsert, in a
    fixed order so that two writers never wait on each other crosswise)."""
    keys = sorted(set(scopes))
    if not keys:
        return
    table = connection.ops.quote_name(ScopeGeneration._meta.db_table)
    rows = ", ".join(["(%s, 1)"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, generation) VALUES {rows} "  # noqa: S608 (no input)
            f"ON CONFLICT (scope) DO UPDATE SET generation = {table}.generation + 1",
            keys,
        )


def scopes_of_share(share: Share) -> set[str]:
    """Every scope that sees `share` now: its state, the states concerned, receiving or asked
    by its current request, and the groups and people holding a right to it."""
    through = Share.concerned_states.through
    states = (
        through.objects.filter(share_id=share.pk)
        .values_list("state_id", flat=True)
        .union(
            Share.recipient_states.through.objects.filter(share_id=share.pk).values_list(
                "state_id", flat=True
            )
        )
    )
    scopes = {state_scope(share.originating_state_id)}
    scopes |= {state_scope(pk) for pk in states}
    if share.approval_id:
        from cica_portal.models import ApprovalRequest

        asked = ApprovalRequest.required_states.through.objects.filter(
            approvalrequest_id=share.approval_id
        ).values_list("state_id", flat=True)
        scopes |= {state_scope(pk) for pk in asked}
    groups = ShareGroupObjectPermission.objects.filter(content_object_id=share.pk)
    scopes |= {group_scope(pk) for pk in groups.values_list("group_id", flat=True)}
    users = ShareUserObjectPermission.objects.filter(content_object_id=share.pk)
    scopes |= {user_scope(pk) for pk in users.values_list("user_id", flat=True)}
    return scopes


def touch(share: Share) -> None:
    """What `share` is seen by has changed (or is about to): every scope seeing it moves on."""
    bump(scopes_of_share(share))


def generations_of_user(user: User) -> list[tuple[str, int]]:
    """Each scope the user sees through (their groups, themselves, their state) with its
    generation (0 while nothing has changed it), in one query."""
    table = connection.ops.quote_name(ScopeGeneration._meta.db_table)
    memberships = connection.ops.quote_name(user.groups.through._meta.db_table)
    own = [user_scope(user.pk)] + ([state_scope(user.state_id)] if user.state_id else [])
    listed = ", ".join(["%s"] * len(own))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 'group:' || m.group_id, COALESCE(g.generation, 0) FROM {memberships} m "  # noqa: S608
            f"LEFT JOIN {table} g ON g.scope = 'group:' || m.group_id WHERE m.user_id = %s "
            f"UNION ALL SELECT scope, generation FROM {table} WHERE scope IN ({listed})",
            [user.pk, *own],
        )
        found = dict(cursor.fetchall())
    scopes = sorted({*found, *own})
    return [(scope, int(found.get(scope, 0))) for scope in scopes]


def exact_count(user: User, queryset: QuerySet) -> int:
    """`queryset.count()` for a queryset built from this user's selector, cached under the
    generations of the user's scopes (read first) and the query's SQL and parameters."""
    return exact_counts(user, {"": queryset})[""]


def exact_counts(user: User, querysets: dict[str, QuerySet]) -> dict[str, int]:
    """`exact_count` of several querysets of one user, the generations read once."""
    seen = generations_of_user(user)
    who = (user.pk, user.state_id, user.role, user.is_active, user.is_network_member)
    counts = {}
    for name, queryset in querysets.items():
        try:
            sql, params = queryset.order_by().query.sql_with_params()
        except EmptyResultSet:  # `none()`: a box that cannot hold anything for this user
            counts[name] = 0
            continue
        digest = hashlib.sha256(repr((who, seen, sql, params)).encode()).hexdigest()
        key = f"exchange:count:{digest}"
        count = cache.get(key)
        if count is None:
            count = queryset.count()
            cache.set(key, count, COUNT_TIMEOUT)
        counts[name] = count
    return counts
