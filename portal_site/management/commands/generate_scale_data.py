"""Build a decade of cooperation in minutes: the data set behind `make bench` (docs/PERFORMANCE.md).

    manage.py generate_scale_data --shares 100000 --focal-points 2000 --meetings 5000 \
        --audit 1000000 --seed 2008

Every run ADDS the requested rows on top of what is there (the benchmark measures at 1,000
shares, then adds 99,000 more); `--dry-run` prints what would be added. Nothing is ever deleted:
to start again, drop the database. Rows are consistent with what the services would have
written: a share past its draft has its consent request (the shared ApprovalRequest and one
StateAnswer per required state), a released share its per-object rights for the recipient
states' groups (exchange's direct guardian table), every state change its transition, and the
audit log stays a valid hash chain (`verify_audit_log` passes). Rows are written with
`bulk_create` in batches; the audit log, the largest table, through PostgreSQL's COPY when on
PostgreSQL. Dates are spread over ten years (the model's auto_now fields are paused for this).
"""

from __future__ import annotations

import contextlib
import json
import random
import time
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cica_portal import approvals
from cica_portal.audit import canonical
from cica_portal.audit_keys import mac, signing_key
from cica_portal.models import (
    ApprovalRequest,
    Area,
    AuditChainHead,
    AuditRecord,
    State,
    StateAnswer,
    User,
)

BATCH = 5000
YEARS = 10
SHARE_STATUS_WEIGHTS = {  # a decade's mix: most notices were released long ago
    "draft": 4,
    "pending_consent": 6,
    "released": 70,
    "declined": 8,
    "withdrawn": 7,
    "expired": 5,
}
APPROVAL_STATUS = {
    "pending_consent": ApprovalRequest.Status.OPEN,
    "released": ApprovalRequest.Status.APPROVED,
    "declined": ApprovalRequest.Status.REJECTED,
    "withdrawn": ApprovalRequest.Status.WITHDRAWN,
    "expired": ApprovalRequest.Status.EXPIRED,
}
DOC_TYPES = ["Passport", "Identity card", "Seafarer's book", "Travel document"]
ORGANISATIONS = [
    "Ministry of Internal Affairs",
    "Ministry of Foreign Affairs",
    "Border Service",
    "National Police",
    "State Security Committee",
    "Customs Service",
    "Financial Monitoring Agency",
    "Drug Control Agency",
]
POSITIONS = ["Head of Division", "Deputy Director", "Senior Officer", "Chief Expert", "Attaché"]
MEETING_TITLES = {
    "border_experts": "Experts meeting on border control",
    "chiefs_of_police": "Meeting of the Chiefs of Police",
    "police_seminar": "Seminar on police cooperation",
    "training_seminar": "Training seminar",
    "terrorism_experts": "Experts meeting on countering terrorism",
    "cica_iom_trafficking": "CICA-IOM seminar on trafficking in human beings",
    "swg_session": "Special Working Group session",
    "soc_session": "Senior Officials Committee session",
    "other": "Working meeting",
}
AUDIT_ACTIONS = [
    ("exchange.share.created", "exchange.share"),
    ("exchange.share.submitted", "exchange.share"),
    ("exchange.share.released", "exchange.share"),
    ("exchange.share.read", "exchange.share"),
    ("approvals.answered", "cica_portal.approvalrequest"),
    ("meetings.registration.submitted", "meetings.registration"),
    ("meetings.registration.confirmed", "meetings.registration"),
    ("focalpoints.entry.verified", "focalpoints.focalpoint"),
    ("auth.login", ""),
]


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


@contextlib.contextmanager
def dates_as_given(*models):
    """Let bulk_create keep the historical dates set on the objects (auto_now paused)."""
    fields = [
        f for m in models for f in m._meta.concrete_fields if getattr(f, "auto_now", False)
    ] + [f for m in models for f in m._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add


def _bulk(model, objs, *, batch_size: int = BATCH, **kwargs) -> list:
    created = []
    for i in range(0, len(objs), batch_size):
        created += model.objects.bulk_create(objs[i : i + batch_size], **kwargs)
    return created


class Generator:
    def __init__(self, *, seed: int = 2008, stdout=None, states=None):
        self.rnd = random.Random(seed)
        self.stdout = stdout
        self.now = timezone.now()
        self.start = self.now - timedelta(days=365 * YEARS)
        members = State.objects.members().order_by("code")
        if states:  # tests: a few states, so that each has rows at small numbers
            members = members.filter(code__in=states)
        self.members = list(members)
        if not self.members:
            raise RuntimeError("No member states: run `manage.py migrate` first.")
        self.areas = list(Area.objects.order_by("pk"))
        self.people = self._people()
        self.secretariat = self.people["secretariat"]

    # --- people --------------------------------------------------------------------------------

    def _people(self) -> dict:
        """The demo accounts (`seed_demo`'s usernames): reused if there, made if not."""
        unusable = make_password(None)
        wanted = {"secretariat": (User.Role.SECRETARIAT, None)}
        for s in self.members:
            wanted[f"fp-{s.code.lower()}"] = (User.Role.FOCAL_POINT, s)
            wanted[f"approver-{s.code.lower()}"] = (User.Role.APPROVER, s)
        have = {u.username: u for u in User.objects.filter(username__in=wanted)}
        for username, (role, state) in wanted.items():
            if username not in have:
                # One by one: the post_save signals put them in their exchange groups.
                have[username] = User.objects.create(
                    username=username,
                    role=role,
                    state=state,
                    password=unusable,
                    full_name=f"{role.label} ({state.code})" if state else str(role.label),
                    email=f"{username}@example.org",
                )
        return have

    def fp(self, state: State) -> User:
        return self.people[f"fp-{state.code.lower()}"]

    def approver(self, state: State) -> User:
        return self.people[f"approver-{state.code.lower()}"]

    def when(self, lo: datetime | None = None, hi: datetime | None = None) -> datetime:
        lo, hi = lo or self.start, hi or self.now
        span = max(int((hi - lo).total_seconds()), 1)
        return lo + timedelta(seconds=self.rnd.randrange(span))

    # --- focal points --------------------------------------------------------------------------

    def focal_points(self, count: int) -> int:
        from focalpoints.models import FocalPoint, FocalPointArea, FocalPointTransition

        if count <= 0:
            return 0
        base = FocalPoint.objects.count()
        statuses = ["active"] * 14 + ["ended"] * 3 + ["withdrawn", "nominated", "changes_to_verify"]
        linked = max(count // 10, 1)
        unusable = make_password(None)
        users = []
        for n in range(linked):
            s = self.members[n % len(self.members)]
            users.append(
                User(
                    username=f"fp-{s.code.lower()}-scale-{base + n}",
                    role=User.Role.FOCAL_POINT,
                    state=s,
                    password=unusable,
                    full_name=f"Focal point {base + n} ({s.code})",
                    email=f"fp{base + n}.{s.code.lower()}@example.org",
                )
            )
        users = _bulk(User, users)
        self._join_exchange_groups(users)
        entries = []
        for n in range(count):
            s = self.members[n % len(self.members)]
            status = self.rnd.choice(statuses)
            term_start = (self.when() - timedelta(days=365)).date()
            term_end = None
            if status == "ended":
                term_end = min(term_start + timedelta(days=730), self.now.date() - timedelta(1))
                term_end = max(term_end, term_start)
            elif self.rnd.random() < 0.5:
                term_end = self.now.date() + timedelta(days=self.rnd.randrange(30, 1500))
            at = self.when()
            entries.append(
                FocalPoint(
                    state=s,
                    name=f"Focal point {base + n} of {s.name_en}",
                    organisation=self.rnd.choice(ORGANISATIONS),
                    position=self.rnd.choice(POSITIONS),
                    languages=self.rnd.choice(["en", "ru", "en,ru"]),
                    email=f"focal{base + n}.{s.code.lower()}@example.org",
                    phone=f"+7 700 {base + n:07d}",
                    term_start=term_start,
                    term_end=term_end,
                    role=self.rnd.choice(["primary", "deputy", "deputy"]),
                    user=users[n] if n < len(users) else None,
                    status=status,
                    nominated_by=self.fp(s),
                    verified_by=self.secretariat if status != "nominated" else None,
                    verified_at=at if status != "nominated" else None,
                    created_at=at,
                    updated_at=at,
                )
            )
        with dates_as_given(FocalPoint, FocalPointTransition):
            entries = _bulk(FocalPoint, entries)
            _bulk(
                FocalPointArea,
                [
                    FocalPointArea(entry=e, area=a, state_id=e.state_id, holds_primary=False)
                    for e in entries
                    for a in self.rnd.sample(self.areas, min(2, len(self.areas)))
                ],
            )
            _bulk(
                FocalPointTransition,
                [
                    FocalPointTransition(
                        entry=e,
                        from_status="",
                        to_status="nominated",
                        actor=e.nominated_by,
                        at=e.created_at,
                    )
                    for e in entries
                ]
                + [
                    FocalPointTransition(
                        entry=e,
                        from_status="nominated",
                        to_status=e.status,
                        actor=self.secretariat,
                        at=e.verified_at,
                    )
                    for e in entries
                    if e.status != "nominated"
                ],
            )
        return len(entries)

    def _join_exchange_groups(self, users) -> None:
        from exchange.services import STATE_GROUP

        groups = {
            s.pk: Group.objects.get_or_create(name=STATE_GROUP % s.code)[0] for s in self.members
        }
        through = User.groups.through
        _bulk(
            through,
            [through(user_id=u.pk, group_id=groups[u.state_id].pk) for u in users if u.state_id],
            ignore_conflicts=True,
        )

    # --- meetings ------------------------------------------------------------------------------

    def meetings(self, count: int) -> int:
        from meetings.models import AgendaItem, Delegate, Meeting, Registration

        if count <= 0:
            return 0
        kinds = list(MEETING_TITLES)
        lo, hi = self.now - timedelta(days=365 * (YEARS - 2)), self.now + timedelta(days=730)
        rows = []
        for n in range(count):
            start = self.when(lo, hi).replace(minute=0, second=0, microsecond=0)
            end = start + timedelta(days=self.rnd.choice([1, 2, 3]), hours=8)
            kind = self.rnd.choice(kinds)
            host = self.rnd.choice(self.members)
            if end < self.now:
                status = self.rnd.choice(["held", "held", "report_published", "cancelled"])
            else:
                status = self.rnd.choice(["planned", "confirmed", "confirmed"])
            made = start - timedelta(days=120)
            rows.append(
                Meeting(
                    title=f"{MEETING_TITLES[kind]}, {host.name_en} {start.year} ({n + 1})",
                    kind=kind,
                    start=start,
                    end=end,
                    time_zone="Asia/Almaty",
                    host_state=host,
                    venue=f"Conference hall, {host.name_en}",
                    format=self.rnd.choice(["in_person", "in_person", "hybrid", "online"]),
                    status=status,
                    registration_deadline=start - timedelta(days=14),
                    created_at=made,
                    updated_at=made,
                )
            )
        with dates_as_given(Meeting, Registration):
            meetings = _bulk(Meeting, rows)
            through = Meeting.areas.through
            _bulk(
                through,
                [
                    through(meeting_id=m.pk, area_id=a.pk)
                    for m in meetings
                    for a in self.rnd.sample(self.areas, min(2, len(self.areas)))
                ],
            )
            _bulk(
                AgendaItem,
                [
                    AgendaItem(meeting=m, position=i, title=title)
                    for m in meetings
                    for i, title in enumerate(
                        ["Opening", "Exchange of national experience", "Conclusions"], start=1
                    )
                ],
            )
            regs = []
            for m in meetings:
                for s in self.rnd.sample(
                    self.members, min(self.rnd.randrange(3, 16), len(self.members))
                ):
                    at = m.created_at + timedelta(days=self.rnd.randrange(1, 90))
                    confirmed = m.status != "planned" and self.rnd.random() < 0.8
                    regs.append(
                        Registration(
                            meeting=m,
                            state=s,
                            status="confirmed" if confirmed else "submitted",
                            registered_by=self.fp(s),
                            created_at=at,
                            updated_at=at,
                            confirmed_by=self.secretariat if confirmed else None,
                            confirmed_at=at + timedelta(days=2) if confirmed else None,
                        )
                    )
            regs = _bulk(Registration, regs)
        _bulk(
            Delegate,
            [
                Delegate(
                    registration=r,
                    name=f"Delegate {i} of {r.state.code}",
                    position=self.rnd.choice(POSITIONS),
                    role="head" if i == 1 else "delegate",
                )
                for r in regs
                for i in range(1, self.rnd.randrange(2, 4))
            ],
        )
        self.meeting_ids = [m.pk for m in meetings]
        self.registration_ids = [r.pk for r in regs]
        return len(meetings)

    # --- shares --------------------------------------------------------------------------------

    def _content(self, template, origin: State, concerned: list[State], number: int) -> dict:
        content = {}
        for field in template.fields:
            kind, name = field.get("type"), field["name"]
            if kind == "choice":
                content[name] = (field.get("choices") or ["Other"])[0]
            elif kind == "date":
                content[name] = (self.now - timedelta(days=number % 3000)).date().isoformat()
            elif kind == "number":
                content[name] = 1 + number % 40
            elif kind == "boolean":
                content[name] = number % 2 == 0
            elif kind == "state":
                content[name] = origin.code
            elif kind == "states":
                content[name] = sorted(s.code for s in concerned)
            elif name == "document_number":
                content[name] = f"N{number:08d}"
            else:
                content[name] = f"Record {number}: {field.get('label', name)}"
        return content

    def shares(self, count: int) -> int:
        from exchange.models import (
            Share,
            ShareGroupObjectPermission,
            ShareTemplate,
            ShareTransition,
        )
        from exchange.selectors import PURPOSE, VIEW_PERMISSION
        from exchange.services import SECRETARIAT_GROUP, STATE_GROUP
        from exchange.validation import normalise_document_number

        if count <= 0:
            return 0
        templates = list(ShareTemplate.objects.filter(is_current=True).order_by("slug"))
        if not templates:
            raise RuntimeError("No share templates: run `manage.py migrate` first.")
        weights = [5 if t.slug == "lost-stolen-document" else 1 for t in templates]
        statuses, status_weights = zip(*SHARE_STATUS_WEIGHTS.items(), strict=True)
        base = Share.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        plan = []
        for _n in range(count):
            origin = self.rnd.choice(self.members)
            others = [s for s in self.members if s.pk != origin.pk]
            concerned = self.rnd.sample(others, min(self.rnd.choice([0, 1, 1, 2]), len(others)))
            recipients = self.rnd.sample(others, min(self.rnd.randrange(1, 6), len(others)))
            status = self.rnd.choices(statuses, status_weights)[0]
            template = self.rnd.choices(templates, weights)[0]
            created = self.when()
            if status == "pending_consent":  # still waiting: asked recently
                created = self.when(self.now - timedelta(days=25), self.now)
            plan.append((origin, concerned, recipients, status, template, created))
        share_rows = []
        for i, (origin, concerned, _r, status, template, created) in enumerate(plan):
            number = base + i + 1
            content = self._content(template, origin, concerned, number)
            submitted = created + timedelta(hours=2) if status != "draft" else None
            closed = None
            if status in ("released", "declined", "withdrawn", "expired"):
                closed = min(submitted + timedelta(days=self.rnd.randrange(1, 20)), self.now)
            share_rows.append(
                Share(
                    template=template,
                    title=f"{template.title} {number}",
                    content=content,
                    status=status,
                    author=self.fp(origin),
                    originating_state=origin,
                    secretariat_may_read=self.rnd.random() < 0.3,
                    consent_deadline=(
                        submitted + timedelta(days=30) if submitted is not None else None
                    ),
                    document_number_normalised=(
                        normalise_document_number(content.get("document_number"))
                        if status == "released"
                        else ""
                    ),
                    created_at=created,
                    updated_at=closed or submitted or created,
                    submitted_at=submitted,
                    released_at=closed if status == "released" else None,
                    closed_at=closed,
                )
            )
        share_type = ContentType.objects.get_for_model(Share)
        with transaction.atomic(), dates_as_given(Share, ApprovalRequest, ShareTransition):
            shares = _bulk(Share, share_rows)
            concerned_through = Share.concerned_states.through
            recipient_through = Share.recipient_states.through
            _bulk(
                concerned_through,
                [
                    concerned_through(share_id=sh.pk, state_id=s.pk)
                    for sh, p in zip(shares, plan, strict=True)
                    for s in p[1]
                ],
            )
            _bulk(
                recipient_through,
                [
                    recipient_through(share_id=sh.pk, state_id=s.pk)
                    for sh, p in zip(shares, plan, strict=True)
                    for s in p[2]
                ],
            )
            # Consent requests: one per share past its draft, answered as its status says.
            asked = [(sh, p) for sh, p in zip(shares, plan, strict=True) if p[3] in APPROVAL_STATUS]
            requests = []
            for sh, (origin, concerned, recipients, status, template, _c) in asked:
                content = {
                    "share": sh.pk,
                    "template": f"{template.slug}@{template.version}",
                    "title": sh.title,
                    "content": sh.content,
                    "concerned": sorted(s.code for s in concerned),
                    "recipients": sorted(s.code for s in recipients),
                    "secretariat_may_read": sh.secretariat_may_read,
                }
                requests.append(
                    ApprovalRequest(
                        subject_type=share_type,
                        subject_id=sh.pk,
                        purpose=PURPOSE,
                        title=(
                            f"Release of a {template.slug} share from {origin.name_en} (#{sh.pk})"
                        ),
                        content_hash=approvals.content_hash(content),
                        deadline=sh.consent_deadline,
                        status=APPROVAL_STATUS[status],
                        opened_by=sh.author,
                        opened_at=sh.submitted_at,
                        closed_at=sh.closed_at,
                    )
                )
            requests = _bulk(ApprovalRequest, requests)
            required_through = ApprovalRequest.required_states.through
            required_rows, answers = [], []
            for req, (sh, (origin, concerned, _r, status, _t, _c)) in zip(
                requests, asked, strict=True
            ):
                states = [origin, *concerned]
                declining = self.rnd.choice(states) if status == "declined" else None
                for s in states:
                    required_rows.append(required_through(approvalrequest_id=req.pk, state_id=s.pk))
                    if status == "released" or (status == "declined" and s is not declining):
                        decision = "approve"
                    elif status == "declined":
                        decision = "object"
                    elif status == "pending_consent":
                        decision = self.rnd.choice(["pending", "pending", "approve"])
                    else:  # withdrawn or expired before everyone answered
                        decision = self.rnd.choice(["pending", "approve"])
                    answered = decision != "pending"
                    answers.append(
                        StateAnswer(
                            request=req,
                            state=s,
                            version=1,
                            decision=decision,
                            content_hash=req.content_hash if answered else "",
                            answered_by=self.approver(s) if answered else None,
                            answered_at=(
                                min(sh.submitted_at + timedelta(days=1), self.now)
                                if answered
                                else None
                            ),
                        )
                    )
            _bulk(required_through, required_rows)
            _bulk(StateAnswer, answers)
            # Each share points at its request: one UPDATE through the (subject) index.
            Share.objects.filter(pk__gte=shares[0].pk, pk__lte=shares[-1].pk).update(
                approval_id=Subquery(
                    ApprovalRequest.objects.filter(
                        subject_type=share_type, subject_id=OuterRef("pk"), purpose=PURPOSE
                    ).values("pk")[:1]
                )
            )
            # Per-object rights of released shares: one row per recipient state's group.
            permission = Permission.objects.get(
                content_type__app_label="exchange", codename=VIEW_PERMISSION
            )
            groups = {
                s.pk: Group.objects.get_or_create(name=STATE_GROUP % s.code)[0].pk
                for s in self.members
            }
            secretariat_group = Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0].pk
            rights = []
            for sh, p in zip(shares, plan, strict=True):
                if p[3] != "released":
                    continue
                group_ids = [groups[s.pk] for s in p[2]]
                if sh.secretariat_may_read:
                    group_ids.append(secretariat_group)
                rights += [
                    ShareGroupObjectPermission(
                        group_id=g, permission_id=permission.pk, content_object_id=sh.pk
                    )
                    for g in group_ids
                ]
            _bulk(ShareGroupObjectPermission, rights)
            transitions = []
            for sh in shares:
                transitions.append(
                    ShareTransition(
                        share=sh, from_status="", to_status="draft", at=sh.created_at,
                        actor=sh.author,
                    )
                )  # fmt: skip
                if sh.status != "draft":
                    transitions.append(
                        ShareTransition(
                            share=sh,
                            from_status="draft",
                            to_status="pending_consent",
                            at=sh.submitted_at,
                            actor=sh.author,
                        )
                    )
                if sh.closed_at:
                    transitions.append(
                        ShareTransition(
                            share=sh,
                            from_status="pending_consent",
                            to_status=sh.status,
                            at=sh.closed_at,
                            actor=sh.author if sh.status == "withdrawn" else None,
                        )
                    )
            _bulk(ShareTransition, transitions)
        self.share_ids = [sh.pk for sh in shares]
        return len(shares)

    # --- the audit log: a valid hash chain ----------------------------------------------------

    def audit(self, count: int) -> int:
        if count <= 0:
            return 0
        actors = list(self.people.values())
        object_ids = {
            "exchange.share": getattr(self, "share_ids", None) or [1],
            "meetings.registration": getattr(self, "registration_ids", None) or [1],
        }
        columns = [
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
        table = AuditRecord._meta.db_table
        copy = connection.vendor == "postgresql"
        with transaction.atomic():
            head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
            if head is None:
                AuditChainHead.objects.get_or_create(pk=1)
                head = AuditChainHead.objects.select_for_update().get(pk=1)
            seq, prev = head.seq, head.hash
            step = (self.now - self.start) / count
            key_id, key = signing_key()
            record = AuditRecord(key_id=key_id)
            written = 0
            while written < count:
                chunk = min(50_000, count - written)
                rows = []
                for i in range(chunk):
                    n = written + i
                    action, object_type = AUDIT_ACTIONS[n % len(AUDIT_ACTIONS)]
                    actor = actors[n % len(actors)]
                    seq += 1
                    record.seq = seq
                    record.at = (self.start + step * n).replace(microsecond=0)
                    record.actor_id = actor.pk
                    record.actor_label = actor.username
                    record.action = action
                    record.object_type = object_type
                    ids = object_ids.get(object_type, [n + 1])
                    record.object_id = str(ids[n % len(ids)]) if object_type else ""
                    record.ip_address = f"10.{n % 250}.{(n // 250) % 250}.{1 + n % 200}"
                    record.data = {"generated": True, "n": n} if object_type else {}
                    record.prev_hash = prev
                    digest = mac(key, canonical(record))
                    rows.append(
                        (
                            seq,
                            record.at,
                            record.actor_id,
                            record.actor_label,
                            action,
                            object_type,
                            record.object_id,
                            record.ip_address,
                            record.data,
                            key_id,
                            prev,
                            digest,
                        )
                    )
                    prev = digest
                if copy:
                    with connection.cursor() as cursor:
                        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                        with cursor.cursor.copy(sql) as out:
                            for row in rows:
                                out.write_row((*row[:8], json.dumps(row[8]), *row[9:]))
                else:
                    _bulk(
                        AuditRecord,
                        [AuditRecord(**dict(zip(columns, r, strict=True))) for r in rows],
                    )
                written += chunk
                _say(self.stdout, f"  audit: {written:,} of {count:,}")
            head.seq, head.hash = seq, prev
            head.save(update_fields=["seq", "hash"])
        return count


def generate(
    *,
    shares: int = 0,
    focal_points: int = 0,
    meetings: int = 0,
    audit: int = 0,
    seed: int = 2008,
    stdout=None,
    states: list[str] | None = None,
) -> dict[str, float]:
    """Add the rows; return the seconds each part took."""
    gen = Generator(seed=seed, stdout=stdout, states=states)
    timings = {}
    for name, count, make in (
        ("focal points", focal_points, gen.focal_points),
        ("meetings", meetings, gen.meetings),
        ("shares", shares, gen.shares),
        ("audit records", audit, gen.audit),
    ):
        if count <= 0:
            continue
        began = time.perf_counter()
        made = make(count)
        timings[name] = time.perf_counter() - began
        _say(stdout, f"{name}: {made:,} added in {timings[name]:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum would, so that index-only scans work; VACUUM only outside a
            # transaction (not in tests).
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return timings


class Command(BaseCommand):
    help = (
        "Add a decade of realistic data (focal points, meetings with registrations, shares in "
        "every status with consents and rights, a valid audit chain). Each run adds on top."
    )

    def add_arguments(self, parser):
        parser.add_argument("--shares", type=int, default=100_000)
        parser.add_argument("--focal-points", type=int, default=2_000)
        parser.add_argument("--meetings", type=int, default=5_000)
        parser.add_argument("--audit", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=2008, help="Random seed (default 2008).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be added; add nothing."
        )

    def handle(self, *args, shares, focal_points, meetings, audit, seed, dry_run, **options):
        wanted = (
            f"{focal_points:,} focal points, {meetings:,} meetings, {shares:,} shares, "
            f"{audit:,} audit records"
        )
        if dry_run:
            self.stdout.write(f"Would add {wanted}.")
            return
        self.stdout.write(f"Adding {wanted} (seed {seed}).")
        began = time.perf_counter()
        generate(
            shares=shares,
            focal_points=focal_points,
            meetings=meetings,
            audit=audit,
            seed=seed,
            stdout=self.stdout,
        )
        self.stdout.write(self.style.SUCCESS(f"Done in {time.perf_counter() - began:.1f} s."))
