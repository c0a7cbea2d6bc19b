"""Scale data of the information exchange: shares in every status, each past its draft with its
consent request (the shared ApprovalRequest and one StateAnswer per required state), a released
one with per-object rights for the recipient states' groups, every move in its history (the
scale-data command's --shares; cica_portal/scale.py says how the modules fit)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery

from cica_portal import approvals, envelope
from cica_portal.models import ApprovalRequest, State, StateAnswer, User
from cica_portal.scale import ScaleRun, bulk, dates_as_given

from . import audit_actions, scopes
from .document_selectors import skeleton_value
from .document_services import initial_status
from .models import (
    DocumentNotice,
    Share,
    ShareGroupObjectPermission,
    ShareTemplate,
    ShareTransition,
)
from .selectors import PURPOSE, VIEW_PERMISSION
from .services import SECRETARIAT_GROUP, STATE_GROUP, approval_content, approval_title
from .validation import document_key

KNOB = "shares"
Status = Share.Status
AUDIT_MIX = [
    (audit_actions.SHARE_CREATED, "exchange.share"),
    (audit_actions.share_moved_to(Status.PENDING_CONSENT), "exchange.share"),
    (audit_actions.share_moved_to(Status.RELEASED), "exchange.share"),
    (audit_actions.SHARE_READ, "exchange.share"),
]
STATUS_WEIGHTS = {  # a decade's mix: most notices were released long ago
    Status.DRAFT: 4,
    Status.PENDING_CONSENT: 6,
    Status.RELEASED: 70,
    Status.DECLINED: 8,
    Status.WITHDRAWN: 7,
    Status.EXPIRED: 5,
}
APPROVAL_STATUS = {
    Status.PENDING_CONSENT: ApprovalRequest.Status.OPEN,
    Status.RELEASED: ApprovalRequest.Status.APPROVED,
    Status.DECLINED: ApprovalRequest.Status.REJECTED,
    Status.WITHDRAWN: ApprovalRequest.Status.WITHDRAWN,
    Status.EXPIRED: ApprovalRequest.Status.EXPIRED,
}
CLOSED = (Status.RELEASED, Status.DECLINED, Status.WITHDRAWN, Status.EXPIRED)


class Planned(NamedTuple):
    origin: State
    concerned: list[State]
    recipients: list[State]
    status: str
    template: ShareTemplate
    created: datetime


def users_added(run: ScaleRun, users: list[User]) -> None:
    """What the post_save signal does one by one: each user in their state's exchange group."""
    groups = {s.pk: Group.objects.get_or_create(name=STATE_GROUP % s.code)[0] for s in run.members}
    through = User.groups.through
    rows = [through(user_id=u.pk, group_id=groups[u.state_id].pk) for u in users if u.state_id]
    bulk(through, rows, ignore_conflicts=True)


def _content(run: ScaleRun, template: ShareTemplate, p: Planned, number: int) -> dict:
    content = {}
    for field in template.fields:
        kind, name = field.get("type"), field["name"]
        if kind == "choice":
            content[name] = (field.get("choices") or ["Other"])[0]
        elif kind == "date":
            content[name] = (run.now - timedelta(days=number % 3000)).date().isoformat()
        elif kind == "number":
            content[name] = 1 + number % 40
        elif kind == "boolean":
            content[name] = number % 2 == 0
        elif kind == "state":
            content[name] = p.origin.code
        elif kind == "states":
            content[name] = sorted(s.code for s in p.concerned)
        elif name == "document_number":
            content[name] = f"N{number:08d}"
        else:
            content[name] = f"Record {number}: {field.get('label', name)}"
    return content


def _plan(run: ScaleRun, count: int) -> list[Planned]:
    templates = list(ShareTemplate.objects.filter(is_current=True).order_by("slug"))
    if not templates:
        raise RuntimeError("No share templates: run `manage.py migrate` first.")
    weights = [5 if t.slug == "lost-stolen-document" else 1 for t in templates]
    statuses, status_weights = zip(*STATUS_WEIGHTS.items(), strict=True)
    plan = []
    for _n in range(count):
        origin = run.rnd.choice(run.members)
        others = [s for s in run.members if s.pk != origin.pk]
        concerned = run.rnd.sample(others, min(run.rnd.choice([0, 1, 1, 2]), len(others)))
        recipients = run.rnd.sample(others, min(run.rnd.randrange(1, 6), len(others)))
        status = run.rnd.choices(statuses, status_weights)[0]
        template = run.rnd.choices(templates, weights)[0]
        created = run.when()
        if status == Status.PENDING_CONSENT:  # still waiting: asked recently
            created = run.when(run.now - timedelta(days=25), run.now)
        plan.append(Planned(origin, concerned, recipients, status, template, created))
    return plan


def _share(run: ScaleRun, p: Planned, number: int) -> Share:
    content = _content(run, p.template, p, number)
    submitted = p.created + timedelta(hours=2) if p.status != Status.DRAFT else None
    closed = None
    if p.status in CLOSED:
        closed = min(submitted + timedelta(days=run.rnd.randrange(1, 20)), run.now)
    released = p.status == Status.RELEASED
    return Share(
        template=p.template,
        title=f"{p.template.title} {number}",
        content=content,
        status=p.status,
        author=run.fp(p.origin),
        originating_state=p.origin,
        secretariat_may_read=run.rnd.random() < 0.3,
        consent_deadline=submitted + timedelta(days=30) if submitted is not None else None,
        document_number_normalised=(
            document_key(content.get("document_number")) if released else ""
        ),
        created_at=p.created,
        updated_at=closed or submitted or p.created,
        submitted_at=submitted,
        released_at=closed if released else None,
        closed_at=closed,
    )


def _notices(shares: list[Share], plan: list[Planned]) -> None:
    """The notice of each released lost/stolen share, as its release makes it."""
    rows = [
        DocumentNotice(
            share_id=sh.pk,
            issuing_state_id=p.origin.pk,
            document_type=sh.content.get("document_type", ""),
            number_key=sh.document_number_normalised,
            skeleton_key=envelope.keyed_hash(skeleton_value(sh.content["document_number"])),
            status=initial_status(sh.content),
            reported_to_sltd=bool(sh.content.get("reported_to_interpol")),
        )
        for sh, p in zip(shares, plan, strict=True)
        if sh.document_number_normalised and sh.template.slug == "lost-stolen-document"
    ]
    bulk(DocumentNotice, rows)


def _states(shares: list[Share], plan: list[Planned]) -> None:
    for field, states_of in (
        (Share.concerned_states, lambda p: p.concerned),
        (Share.recipient_states, lambda p: p.recipients),
    ):
        through = field.through
        rows = [
            through(share_id=sh.pk, state_id=s.pk)
            for sh, p in zip(shares, plan, strict=True)
            for s in states_of(p)
        ]
        bulk(through, rows)


def _consent_requests(asked: list[tuple[Share, Planned]]) -> list[ApprovalRequest]:
    """One request per share past its draft, closed as its status says; the content and title
    are the services' own."""
    share_type = ContentType.objects.get_for_model(Share)
    requests = []
    for sh, p in asked:
        content = approval_content(
            sh,
            concerned=[s.code for s in p.concerned],
            recipients=[s.code for s in p.recipients],
            files=(),
        )
        requests.append(
            ApprovalRequest(
                subject_type=share_type,
                subject_id=sh.pk,
                purpose=PURPOSE,
                title=approval_title(sh),
                content_hash=approvals.content_hash(content),
                deadline=sh.consent_deadline,
                status=APPROVAL_STATUS[p.status],
                opened_by=sh.author,
                opened_at=sh.submitted_at,
                closed_at=sh.closed_at,
            )
        )
    return bulk(ApprovalRequest, requests)


def _decision(run: ScaleRun, status: str, state: State, declining: State | None) -> str:
    if status == Status.RELEASED or (status == Status.DECLINED and state is not declining):
        return "approve"
    if status == Status.DECLINED:
        return "object"
    if status == Status.PENDING_CONSENT:
        return run.rnd.choice(["pending", "pending", "approve"])
    return run.rnd.choice(["pending", "approve"])  # withdrawn or expired before all answered


def _answers(run: ScaleRun, requests: list[ApprovalRequest], asked) -> None:
    """The origin and every concerned state are asked; each answers as the status says."""
    required_through = ApprovalRequest.required_states.through
    required_rows, answers = [], []
    for req, (sh, p) in zip(requests, asked, strict=True):
        states = [p.origin, *p.concerned]
        declining = run.rnd.choice(states) if p.status == Status.DECLINED else None
        for s in states:
            required_rows.append(required_through(approvalrequest_id=req.pk, state_id=s.pk))
            decision = _decision(run, p.status, s, declining)
            answered = decision != "pending"
            answers.append(
                StateAnswer(
                    request=req,
                    state=s,
                    version=1,
                    decision=decision,
                    content_hash=req.content_hash if answered else "",
                    answered_by=run.approver(s) if answered else None,
                    answered_at=(
                        min(sh.submitted_at + timedelta(days=1), run.now) if answered else None
                    ),
                )
            )
    bulk(required_through, required_rows)
    bulk(StateAnswer, answers)


def _rights(run: ScaleRun, shares: list[Share], plan: list[Planned]) -> None:
    """Per-object rights of released shares: one row per recipient state's group."""
    permission = Permission.objects.get(
        content_type__app_label="exchange", codename=VIEW_PERMISSION
    )
    groups = {
        s.pk: Group.objects.get_or_create(name=STATE_GROUP % s.code)[0].pk for s in run.members
    }
    secretariat_group = Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0].pk
    rights = []
    for sh, p in zip(shares, plan, strict=True):
        if p.status != Status.RELEASED:
            continue
        group_ids = [groups[s.pk] for s in p.recipients]
        if sh.secretariat_may_read:
            group_ids.append(secretariat_group)
        rights += [
            ShareGroupObjectPermission(
                group_id=g, permission_id=permission.pk, content_object_id=sh.pk
            )
            for g in group_ids
        ]
    bulk(ShareGroupObjectPermission, rights)


def _history(shares: list[Share]) -> list[ShareTransition]:
    transitions = []
    for sh in shares:
        transitions.append(
            ShareTransition(
                share=sh, from_status="", to_status=Status.DRAFT, at=sh.created_at,
                actor=sh.author,
            )
        )  # fmt: skip
        if sh.status != Status.DRAFT:
            transitions.append(
                ShareTransition(
                    share=sh,
                    from_status=Status.DRAFT,
                    to_status=Status.PENDING_CONSENT,
                    at=sh.submitted_at,
                    actor=sh.author,
                )
            )
        if sh.closed_at:
            transitions.append(
                ShareTransition(
                    share=sh,
                    from_status=Status.PENDING_CONSENT,
                    to_status=sh.status,
                    at=sh.closed_at,
                    actor=sh.author if sh.status == Status.WITHDRAWN else None,
                )
            )
    return transitions


def add(run: ScaleRun, count: int) -> int:
    """Add `count` shares with their consents, rights and history; return how many."""
    if count <= 0:
        return 0
    base = Share.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    plan = _plan(run, count)
    rows = [_share(run, p, base + i + 1) for i, p in enumerate(plan)]
    with transaction.atomic(), dates_as_given(Share, ApprovalRequest, ShareTransition):
        shares = bulk(Share, rows)
        _states(shares, plan)
        _notices(shares, plan)
        asked = [(sh, p) for sh, p in zip(shares, plan, strict=True) if p.status in APPROVAL_STATUS]
        requests = _consent_requests(asked)
        _answers(run, requests, asked)
        # Each share points at its request: one UPDATE through the (subject) index.
        share_type = ContentType.objects.get_for_model(Share)
        Share.objects.filter(pk__gte=shares[0].pk, pk__lte=shares[-1].pk).update(
            approval_id=Subquery(
                ApprovalRequest.objects.filter(
                    subject_type=share_type, subject_id=OuterRef("pk"), purpose=PURPOSE
                ).values("pk")[:1]
            )
        )
        _rights(run, shares, plan)
        bulk(ShareTransition, _history(shares))
        # Written past the services: every state's and group's counts are new (`scopes`).
        scopes.bump(
            [scopes.state_scope(pk) for pk in State.objects.values_list("pk", flat=True)]
            + [scopes.group_scope(pk) for pk in Group.objects.values_list("pk", flat=True)]
        )
    run.made["exchange.share"] = [sh.pk for sh in shares]
    run.made["cica_portal.approvalrequest"] = [r.pk for r in requests]
    return len(shares)


# --- lost and stolen document notices, for the check's benchmark -------------------------------

NOTICE_BATCH = 20_000


def _copy(model, columns: list[str], rows: list[tuple]) -> None:
    """COPY on PostgreSQL (a million notices take minutes, not an hour), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        bulk(model, [model(**dict(zip(columns, r, strict=True))) for r in rows])
        return
    with connection.cursor() as cursor:
        sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as out:
            for row in rows:
                out.write_row(row)


def _notice_share(run: ScaleRun, template: ShareTemplate, origin: State, number: int) -> Share:
    released = run.when()
    content = {
        "document_number": f"L{number:09d}",
        "document_type": "Passport" if number % 5 else "Identity card",
        "issuing_state": origin.code,
        "lost_or_stolen": "Stolen" if number % 3 else "Lost",
        "date_lost_or_stolen": (released - timedelta(days=2)).date().isoformat(),
        "reported_to_interpol": number % 4 != 0,
    }
    share = Share(
        template=template,
        title=f"{content['lost_or_stolen']} {content['document_type']} {number}",
        content=content,
        status=Status.RELEASED,
        author=run.fp(origin),
        originating_state=origin,
        document_number_normalised=document_key(content["document_number"]),
        created_at=released - timedelta(days=1),
        updated_at=released,
        submitted_at=released - timedelta(hours=20),
        released_at=released,
        closed_at=released,
    )
    return share


def add_notices(run: ScaleRun, count: int) -> int:
    """Add `count` released lost/stolen shares, each with its notice (real keyed hashes of its
    number and skeleton) and the rights of two member states' groups: what a document check
    searches. Without a consent history (a check never reads it), so that 1,000,000 take
    minutes: `add` makes the shares of every kind with their consents."""
    if count <= 0:
        return 0
    template = ShareTemplate.objects.get(slug="lost-stolen-document", is_current=True)
    permission = Permission.objects.get(
        content_type__app_label="exchange", codename=VIEW_PERMISSION
    )
    groups = {
        s.pk: Group.objects.get_or_create(name=STATE_GROUP % s.code)[0].pk for s in run.members
    }
    base = Share.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    recipients_through = Share.recipient_states.through
    made = 0
    while made < count:
        size = min(NOTICE_BATCH, count - made)
        origins = [run.rnd.choice(run.members) for _ in range(size)]
        rows = [
            _notice_share(run, template, origin, base + made + i + 1)
            for i, origin in enumerate(origins)
        ]
        with transaction.atomic(), dates_as_given(Share):
            shares = bulk(Share, rows)
            notices, rights, recipients = [], [], []
            for share, origin in zip(shares, origins, strict=True):
                number = share.content["document_number"]
                notices.append(
                    (
                        share.pk,
                        origin.pk,
                        share.content["document_type"],
                        share.document_number_normalised,
                        envelope.keyed_hash(skeleton_value(number)),
                        initial_status(share.content),
                        bool(share.content["reported_to_interpol"]),
                        False,
                        share.released_at,
                        share.released_at,
                    )
                )
                for state in run.rnd.sample([s for s in run.members if s.pk != origin.pk], 2):
                    rights.append((groups[state.pk], permission.pk, share.pk))
                    recipients.append((share.pk, state.pk))
            _copy(
                DocumentNotice,
                [
                    "share_id", "issuing_state_id", "document_type", "number_key",
                    "skeleton_key", "status", "reported_to_sltd", "checkable_by_all",
                    "created_at", "updated_at",
                ],
                notices,
            )  # fmt: skip
            _copy(
                ShareGroupObjectPermission,
                ["group_id", "permission_id", "content_object_id"],
                rights,
            )
            _copy(recipients_through, ["share_id", "state_id"], recipients)
        made += size
        run.say(f"  notices: {made:,} of {count:,}")
    return made


MORE_KNOBS = {"notices": add_notices}  # the scale-data command's --notices
