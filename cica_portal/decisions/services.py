"""Writing the decision register: one entry per decision, numbered CICA/DEC/<year>/<n>.

Numbers are allocated in the deciding transaction, sequential per year and without gaps: the
transaction first holds the audit chain head (the one row every business transaction locks,
last, to audit), then takes the year's highest number plus one. Two decisions at once therefore
queue on the head, and the unique (year, sequence) constraint guards the rest. Holding the head
before the number keeps one lock order everywhere (the head, then nothing new but the entry).

Writing twice for the same `origin` (an approval's closing replayed, a task run twice) returns
the entry already there.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cica_portal import audit
from cica_portal.bilingual import LanguageStatus, reader_language, titles_of
from cica_portal.errors import DomainError
from cica_portal.models import ApprovalRequest, Area, RegisteredDecision, User

from . import registry

Kind = RegisteredDecision.Kind
APPROVAL_KINDS: dict[tuple[bool, str], str] = {
    (False, ApprovalRequest.Status.APPROVED): Kind.CONSENSUS_ADOPTED,
    (False, ApprovalRequest.Status.REJECTED): Kind.CONSENSUS_REFUSED,
    (True, ApprovalRequest.Status.APPROVED): Kind.SILENCE_ADOPTED,
    (True, ApprovalRequest.Status.REJECTED): Kind.SILENCE_BROKEN,
}
RECORDED_KINDS = (Kind.PLAN_DECISION, Kind.MEETING_DECISION)


class DecisionError(DomainError):
    pass


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _year_of(moment: datetime) -> int:
    """The year in the Secretariat's zone (the portal's), where the register is kept."""
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)).year


def _next_sequence(year: int) -> int:
    last = RegisteredDecision.objects.filter(year=year).aggregate(last=models.Max("sequence"))
    return (last["last"] or 0) + 1


def _area_of(source: str, subject: models.Model | None) -> Area | None:
    known = registry.find(source)
    if known is None or known.area_of is None or subject is None:
        return None
    return known.area_of(subject)


def _language_versions(
    title: str | dict[str, str], text: str, approval: ApprovalRequest | None
) -> dict[str, str]:
    """The entry's title and text in both languages: an approval's title as it has them; a
    decision typed by a person is the original in the language they wrote it in."""
    if isinstance(title, dict):
        versions = {f"title_{code}": (title.get(code) or "")[:300] for code in ("en", "ru")}
        versions["ru_status"] = getattr(approval, "ru_status", LanguageStatus.OFFICIAL)
        return versions | {"text_en": text, "text_ru": ""}
    written = reader_language()
    other = "en" if written == "ru" else "ru"
    return {
        f"title_{written}": title[:300],
        f"text_{written}": text,
        f"title_{other}": "",
        f"text_{other}": "",
        f"{written}_status": LanguageStatus.ORIGINAL,
        f"{other}_status": LanguageStatus.DRAFT,
    }


@transaction.atomic
def _enter(
    *,
    origin: str,
    subject_type: ContentType,
    subject_id: int,
    subject: models.Model | None,
    source: str,
    kind: str,
    title: str | dict[str, str],
    text: str,
    hashed: str,
    basis: str,
    decided_at: datetime,
    by: User | None,
    approval: ApprovalRequest | None = None,
) -> RegisteredDecision:
    audit.hold_head()  # every number is allocated while holding it (see the module's text)
    known = RegisteredDecision.objects.filter(origin=origin).first()
    if known is not None:
        return known
    year = _year_of(decided_at)
    entry = RegisteredDecision.objects.create(
        year=year,
        sequence=_next_sequence(year),
        decided_at=decided_at,
        kind=kind,
        source=source,
        origin=origin,
        subject_type=subject_type,
        subject_id=subject_id,
        approval=approval,
        area=_area_of(source, subject),
        **_language_versions(title, text, approval),
        text_hash=hashed,
        basis=basis[:500],
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    audit.log(
        entry,
        "decision.registered",
        actor=by,
        data={
            "number": entry.number,
            "kind": kind,
            "origin": origin,
            "subject": f"{subject_type.app_label}.{subject_type.model}:{subject_id}",
            "text_hash": hashed,
        },
    )
    return entry


def record_decision(
    subject: models.Model,
    *,
    source: str,
    kind: str,
    title: str,
    text: str,
    origin: str,
    by: User,
    basis: str = "",
    decided_at: datetime | None = None,
) -> RegisteredDecision:
    """Enter a decision taken outside the approvals (a Secretariat decision on a plan item, a
    decision of a meeting) in the register, in the caller's transaction; `origin` names what
    took it, once (a second call with the same origin returns the first entry)."""
    known = registry.source_for(source)  # an unknown source fails loudly
    if not isinstance(subject, known.model):
        raise registry.UnknownSource(
            f"Decision source {source!r} is registered for {known.model.__name__}, "
            f"not {type(subject).__name__}."
        )
    if kind not in RECORDED_KINDS:
        raise DecisionError(_("Choose the kind of decision."), field="kind")
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise DecisionError(_("Give the decision a title."), field="title")
    if not text:
        raise DecisionError(_("Give the text of the decision."), field="text")
    return _enter(
        origin=origin,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        subject=subject,
        source=source,
        kind=kind,
        title=title,
        text=text,
        hashed=text_hash(text),
        basis=(basis or "").strip(),
        decided_at=decided_at or timezone.now(),
        by=by,
    )


def record_approval_decision(
    request: ApprovalRequest, *, actor: User | None
) -> RegisteredDecision | None:
    """Enter an approval request's adoption or refusal (consensus or silence), bound to the
    hash of the text decided; an expiry or a withdrawal decides nothing and enters nothing."""
    kind = APPROVAL_KINDS.get((request.is_silence, request.status))
    if kind is None:
        return None
    return _enter(
        origin=f"approval:{request.pk}",
        subject_type=request.subject_type,
        subject_id=request.subject_id,
        subject=request.subject,
        source=request.purpose,
        kind=kind,
        title=titles_of(request),
        text="",
        hashed=request.adopted_hash or request.content_hash,
        basis="",
        decided_at=request.closed_at or timezone.now(),
        by=actor,
        approval=request,
    )
