"""What every app's scale data shares: the run (random source, dates, states, demo people), bulk
writing with historical dates, and the audit log as a valid hash chain (docs/PERFORMANCE.md).

Each app's `scale.py` (beside its `seed.py`) adds its own rows through a `ScaleRun`:

    KNOB = "meetings"                      # the command's --meetings sets the count
    AUDIT_MIX = [(action, object_type)]    # the audit actions its services write, for the log
    def add(run: ScaleRun, count: int) -> int
    def users_added(run: ScaleRun, users: list[User]) -> None    # optional

The core knows no app: the scale-data command finds the modules and hands them to a run.
"""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from . import audit_actions
from .audit import canonical
from .audit_keys import mac, signing_key
from .models import Area, AuditChainHead, AuditRecord, State, User

BATCH = 5000
YEARS = 10
# The core's own share of the generated audit log: logins and answers to approvals.
AUDIT_MIX = [
    (audit_actions.approval_answered("approve"), "cica_portal.approvalrequest"),
    (audit_actions.LOGIN, "cica_portal.user"),
]
AUDIT_COLUMNS = [
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "ip_address",
    "data",
    "key_id",
    "prev_hash",
    "hash",
]


@contextlib.contextmanager
def dates_as_given(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the historical dates set on the objects (auto_now paused)."""
    fields: list[Any] = [  # the date fields, whose auto_now flags are paused
        f
        for m in model_classes
        for f in m._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add


def bulk(
    model: type[models.Model], objs: Sequence, *, batch_size: int = BATCH, **kwargs: Any
) -> list:
    """bulk_create in batches; the created objects (with their keys)."""
    created: list = []
    for i in range(0, len(objs), batch_size):
        created += model._default_manager.bulk_create(objs[i : i + batch_size], **kwargs)
    return created


class ScaleRun:
    """One run of the generator: what every app's scale module draws on and records into."""

    def __init__(
        self, *, seed: int = 2008, stdout: Any = None, states: Iterable[str] | None = None
    ) -> None:
        self.rnd = random.Random(seed)
        self.stdout = stdout
        self.now = timezone.now()
        self.start = self.now - timedelta(days=365 * YEARS)
        members = State.objects.members().order_by("code")
        if states:  # tests: a few states, so that each has rows at small numbers
            members = members.filter(code__in=list(states))
        self.members: list[State] = list(members)
        if not self.members:
            raise RuntimeError("No member states: run `manage.py migrate` first.")
        self.areas: list[Area] = list(Area.objects.order_by("pk"))
        self.people = self._people()
        self.secretariat = self.people["secretariat"]
        # Keys of what this run made, by `app_label.model` (what the audit log names).
        self.made: dict[str, list[int]] = {"cica_portal.user": [u.pk for u in self.people.values()]}
        self.on_users_added: list[Callable[[ScaleRun, list[User]], None]] = []

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    def _people(self) -> dict[str, User]:
        """The demo accounts (`seed_demo`'s usernames): reused if there, made if not."""
        unusable = make_password(None)
        wanted: dict[str, tuple[str, State | None]] = {"secretariat": (User.Role.SECRETARIAT, None)}
        for s in self.members:
            wanted[f"fp-{s.code.lower()}"] = (User.Role.FOCAL_POINT, s)
            wanted[f"approver-{s.code.lower()}"] = (User.Role.APPROVER, s)
        have = {u.username: u for u in User.objects.filter(username__in=wanted)}
        for username, (role, state) in wanted.items():
            if username not in have:
                # One by one: the post_save signals put them where the apps want them.
                label = User.Role(role).label
                have[username] = User.objects.create(
                    username=username,
                    role=role,
                    state=state,
                    password=unusable,
                    full_name=f"{label} ({state.code})" if state else str(label),
                    email=f"{username}@example.org",
                )
        return have

    def add_users(self, users: list[User]) -> list[User]:
        """Bulk-create users, then let the apps do what their signals would have done."""
        users = bulk(User, users)
        for hook in self.on_users_added:
            hook(self, users)
        return users

    def fp(self, state: State) -> User:
        return self.people[f"fp-{state.code.lower()}"]

    def approver(self, state: State) -> User:
        return self.people[f"approver-{state.code.lower()}"]

    def when(self, lo: datetime | None = None, hi: datetime | None = None) -> datetime:
        lo, hi = lo or self.start, hi or self.now
        span = max(int((hi - lo).total_seconds()), 1)
        return lo + timedelta(seconds=self.rnd.randrange(span))


def _audit_rows(
    run: ScaleRun,
    mix: Sequence[tuple[str, str]],
    *,
    first: int,
    count: int,
    total: int,
    chain: Any,
) -> list[tuple]:
    """`count` records from number `first` on, each chained to the one before."""
    actors = list(run.people.values())
    step = (run.now - run.start) / total
    record, key = chain["record"], chain["key"]
    rows = []
    for n in range(first, first + count):
        action, object_type = mix[n % len(mix)]
        actor = actors[n % len(actors)]
        chain["seq"] += 1
        record.seq = chain["seq"]
        record.at = (run.start + step * n).replace(microsecond=0)
        record.actor_id = actor.pk
        record.actor_label = actor.username
        record.action = action
        record.object_type = object_type
        ids = run.made.get(object_type) or [n + 1]
        record.object_id = str(ids[n % len(ids)])
        record.ip_address = f"10.{n % 250}.{(n // 250) % 250}.{1 + n % 200}"
        record.data = {"generated": True, "n": n}
        record.prev_hash = chain["prev"]
        digest = mac(key, canonical(record))
        rows.append(
            (
                record.seq,
                record.at,
                record.actor_id,
                record.actor_label,
                action,
                object_type,
                record.object_id,
                record.ip_address,
                record.data,
                record.key_id,
                chain["prev"],
                digest,
            )
        )
        chain["prev"] = digest
    return rows


def _write_audit_rows(rows: list[tuple]) -> None:
    if connection.vendor == "postgresql":  # COPY: the largest table, ten times faster
        table = AuditRecord._meta.db_table
        with connection.cursor() as cursor:
            sql = f"COPY {table} ({', '.join(AUDIT_COLUMNS)}) FROM STDIN"
            with cursor.cursor.copy(sql) as out:
                for row in rows:
                    out.write_row((*row[:8], json.dumps(row[8]), *row[9:]))
    else:
        bulk(AuditRecord, [AuditRecord(**dict(zip(AUDIT_COLUMNS, r, strict=True))) for r in rows])


def add_audit_records(run: ScaleRun, count: int, mix: Sequence[tuple[str, str]]) -> int:
    """Append `count` records that cycle through `mix` (action, object type), spread over the
    run's years and naming objects the run made: the chain stays valid (`verify_audit_log`)."""
    if count <= 0:
        return 0
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            AuditChainHead.objects.get_or_create(pk=1)
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        key_id, key = signing_key()
        chain: dict[str, Any] = {
            "seq": head.seq,
            "prev": head.hash,
            "key": key,
            "record": AuditRecord(key_id=key_id),
        }
        written = 0
        while written < count:
            chunk = min(50_000, count - written)
            rows = _audit_rows(run, mix, first=written, count=chunk, total=count, chain=chain)
            _write_audit_rows(rows)
            written += chunk
            run.say(f"  audit: {written:,} of {count:,}")
        head.seq, head.hash = chain["seq"], chain["prev"]
        head.save(update_fields=["seq", "hash"])
    return count
