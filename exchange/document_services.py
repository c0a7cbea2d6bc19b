"""Writes of lost and stolen documents: notices, checks and their hits, found documents, and
the reminders (an open hit, a notice not yet reported to INTERPOL's SLTD database).

The notice of a share is made when the share is released and removed when it is withdrawn
(`services._release`, `services.withdraw_share`); everything else here is an action of its own.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import audit, envelope, urgent
from cica_portal.errors import DomainError
from cica_portal.models import State, User
from cica_portal.notifications import Notice, lowercase, notify, notify_many
from cica_portal.transactions import retry_on_deadlock

from . import document_selectors as docs
from .models import (
    LOST_STOLEN_SLUG,
    DocumentCheckTally,
    DocumentHit,
    DocumentNotice,
    FoundDocument,
    Share,
)
from .validation import ContentErrors, document_key


class DocumentError(DomainError):
    pass


# A hit on a lost or stolen travel document is urgent for its issuing state: it goes, beyond
# the state's focal points, to whoever answers now for Border Control and Management (area I
# of the Action Plan), or for any area when nobody covers that one (cica_portal.urgent).
HIT_AREA = 1


def _focal_points(state_ids: Iterable[int | None]) -> list[User]:
    ids = [pk for pk in state_ids if pk]
    return list(User.objects.filter(state_id__in=ids, is_active=True, role=User.Role.FOCAL_POINT))


# --- notices -----------------------------------------------------------------------------------


def initial_status(content: dict[str, Any]) -> str:
    """The status a notice starts with, as its share reports it."""
    if content.get("lost_or_stolen") == "Lost":
        return DocumentNotice.Status.LOST
    if content.get("document_type") == "Blank document":
        return DocumentNotice.Status.STOLEN_BLANK
    return DocumentNotice.Status.STOLEN


def document_errors(
    content: dict[str, Any], *, author_state_id: int, share_pk: int | None = None
) -> ContentErrors:
    """A document is reported by its issuing state only, and once (issuing state, type and
    number): the errors of a lost/stolen share's content, by field."""
    errors = ContentErrors()
    code = content.get("issuing_state")
    state = State.objects.filter(code=code).first() if code else None
    if state is None or state.pk != author_state_id:
        errors.add(
            "issuing_state",
            _(
                "Only the issuing state reports its lost or stolen documents. For a document "
                "of another state, file a found document report instead."
            ),
        )
        return errors
    existing = docs.existing_notice(
        state.pk, content.get("document_type", ""), content.get("document_number", "")
    )
    if existing is not None and existing.share_id != share_pk:
        errors.add(
            "document_number",
            _("This document is already reported (notice #%(id)s): change that notice instead.")
            % {"id": existing.share_id},
        )
    return errors


def make_notice(share: Share) -> DocumentNotice | None:
    """The notice of a lost/stolen share being released (in the release's transaction)."""
    if share.template.slug != LOST_STOLEN_SLUG:
        return None
    content = share.content
    state = State.objects.filter(code=content.get("issuing_state")).first()
    number = content.get("document_number", "")
    if state is None or not number:
        return None
    existing = docs.existing_notice(state.pk, content.get("document_type", ""), number)
    if existing is not None:  # two drafts of one document released at once: the first holds
        audit.log(share, "exchange.document.duplicate", data={"notice": existing.share_id})
        return None
    notice = DocumentNotice.objects.create(
        share=share,
        issuing_state=state,
        document_type=content.get("document_type", ""),
        number_key=document_key(number),
        skeleton_key=envelope.keyed_hash(docs.skeleton_value(number)),
        status=initial_status(content),
        reported_to_sltd=bool(content.get("reported_to_interpol")),
    )
    return notice


def _set_status(
    notice: DocumentNotice, status: str, recovered_on: datetime.date | None
) -> list[str]:
    if status not in DocumentNotice.Status.values:
        raise DocumentError(_("Choose one of the statuses."), field="status")
    fields = ["status"]
    if status == DocumentNotice.Status.RECOVERED:
        if recovered_on is None:
            raise DocumentError(_("Give the date it was recovered."), field="recovered_on")
        if recovered_on > timezone.localdate():
            raise DocumentError(_("The date is in the future."), field="recovered_on")
        notice.recovered_on = recovered_on
        fields.append("recovered_on")
    notice.status = status
    return fields


@retry_on_deadlock
@transaction.atomic
def change_notice(
    notice: DocumentNotice,
    *,
    by: User,
    status: str | None = None,
    recovered_on: datetime.date | None = None,
    reported_to_sltd: bool | None = None,
    checkable_by_all: bool | None = None,
) -> DocumentNotice:
    """The issuing state changes its own notice: its status (recovered ends it, with the date),
    whether it is reported to SLTD, whether every member state may check it."""
    notice = DocumentNotice.objects.select_for_update().get(pk=notice.pk)
    if not docs.may_change_notice(by, notice):
        raise DocumentError(
            _("Only a focal point of the issuing state changes its notices."), code="forbidden"
        )
    if notice.is_closed:
        raise DocumentError(_("The document is recovered: the notice is closed."), code="conflict")
    fields = _set_status(notice, status, recovered_on) if status is not None else []
    for name, value in (
        ("reported_to_sltd", reported_to_sltd),
        ("checkable_by_all", checkable_by_all),
    ):
        if value is not None:
            setattr(notice, name, bool(value))
            fields.append(name)
    if fields:
        notice.save(update_fields=[*fields, "updated_at"])
        audit.log(
            notice.share,
            "exchange.document.changed",
            actor=by,
            data={name: str(getattr(notice, name)) for name in fields},
        )
    return notice


# --- checks and hits ---------------------------------------------------------------------------


def _hit_notice(hit: DocumentHit, *, blind: bool) -> Notice:
    body = (
        gettext_lazy(
            "A check by %(state)s (%(channel)s) found your notice #%(id)s, which was not "
            "released to it: it learned only that there is a notice and that it should contact "
            "you. Decide whether to release the notice to it from the hits page."
        )
        if blind
        else gettext_lazy(
            "A check by %(state)s (%(channel)s) found your notice #%(id)s. The checking state "
            "will record what came of it; expect its contact."
        )
    )
    return Notice(
        gettext_lazy("Hit on your document notice #%(id)s"),
        body,
        {
            "id": hit.share_id,
            "state": hit.checked_by_state.in_their_language("name")
            if hit.checked_by_state
            else gettext_lazy("the Secretariat"),
            "channel": lowercase(DocumentHit.Channel(hit.channel).label),
        },
    )


def _count_checks(user: User, n: int) -> None:
    if not user.state_id or not n:
        return
    today = timezone.localdate()
    tally, _created = DocumentCheckTally.objects.get_or_create(state_id=user.state_id, day=today)
    DocumentCheckTally.objects.filter(pk=tally.pk).update(checks=F("checks") + n)


@retry_on_deadlock
@transaction.atomic
def check_documents(
    user: User, queries: list[docs.DocumentQuery], *, channel: str
) -> list[docs.CheckResult]:
    """Check numbers against the notices: every hit (exact, or blind) is recorded and told to
    its issuing state at once; every notice shown counts as a read of its share."""
    from .services import record_read  # the one read-recording service of every surface

    results = docs.find_documents(user, queries)
    _count_checks(user, len(queries))
    new_hits: list[DocumentHit] = []
    for result in results:
        for notice, blind in [(n, False) for n in result.hits] + [
            (n, True) for n in result.blind_hits
        ]:
            hit = DocumentHit(
                share=notice.share,
                issuing_state_id=notice.issuing_state_id,
                checked_by=user,
                # every hit of one check is the checker's state: read once, not once per hit
                checked_by_state=user.state,
                channel=channel,
                blind=blind,
            )
            new_hits.append(hit)
            result.hit_records[notice.share_id] = hit
    DocumentHit.objects.bulk_create(new_hits)
    seen: set[int] = set()
    for result in results:
        for notice in [*result.hits, *result.possible_hits]:
            if notice.share_id not in seen:
                seen.add(notice.share_id)
                record_read(notice.share, user=user, via="check")
    for hit in new_hits:
        audit.log(
            hit.share,
            "exchange.document.hit",
            actor=user,
            data={"hit": hit.pk, "channel": channel, "blind": hit.blind},
        )
    issuers = {
        state_id: _focal_points([state_id])
        for state_id in {hit.issuing_state_id for hit in new_hits}
    }
    occasions = [
        (
            issuers[hit.issuing_state_id],
            f"exchange:document-hit:{hit.pk}",
            _hit_notice(hit, blind=hit.blind),
            reverse("exchange:hits"),
        )
        for hit in new_hits
    ]
    notify_many(occasions)
    for hit, (people, key, message, url) in zip(new_hits, occasions, strict=True):
        urgent.send(
            urgent.UrgentItem(
                key=f"{key}:urgent",
                state_id=hit.issuing_state_id,
                notice=message,
                url=url,
                area_number=HIT_AREA,
                told=urgent.told_addresses(user.email for user in people),
            )
        )
    return results


@retry_on_deadlock
@transaction.atomic
def close_hit(hit: DocumentHit, *, by: User, outcome: str, note: str = "") -> DocumentHit:
    """The checking state records what came of a hit; the issuing state is told."""
    hit = (
        DocumentHit.objects.select_for_update(of=("self",))
        .select_related("checked_by_state")
        .get(pk=hit.pk)
    )
    if hit.is_closed:
        raise DocumentError(_("The outcome of this hit is already recorded."), code="conflict")
    if not docs.may_close_hit(by, hit):
        raise DocumentError(
            _("Only a focal point of the checking state records the outcome."), code="forbidden"
        )
    if outcome not in DocumentHit.Outcome.values:
        raise DocumentError(_("Choose one of the outcomes."), field="outcome")
    hit.outcome = outcome
    hit.outcome_note = (note or "").strip()[:500]
    hit.closed_at = timezone.now()
    hit.closed_by = by
    hit.save(update_fields=["outcome", "outcome_note", "closed_at", "closed_by"])
    audit.log(
        hit.share,
        "exchange.document.hit_closed",
        actor=by,
        data={"hit": hit.pk, "outcome": outcome},
    )
    notify(
        _focal_points([hit.issuing_state_id]),
        key=f"exchange:document-hit:{hit.pk}:closed",
        notice=Notice(
            gettext_lazy("Outcome of the hit on your notice #%(id)s"),
            gettext_lazy(
                "%(state)s recorded the outcome of its hit on your notice #%(id)s: %(outcome)s."
            ),
            {
                "id": hit.share_id,
                "state": hit.checked_by_state.in_their_language("name"),
                "outcome": lowercase(DocumentHit.Outcome(outcome).label),
            },
        ),
        url=reverse("exchange:hits"),
    )
    return hit


def _hit_every() -> datetime.timedelta:
    return datetime.timedelta(hours=max(1, settings.DOCUMENT_HIT_REMINDER_HOURS))


def remind_open_hits(now: datetime.datetime | None = None) -> int:
    """Remind both sides of each hit left open longer than DOCUMENT_HIT_REMINDER_HOURS, once per
    period: a conditional UPDATE claims each hit, so a second run (or beat) sends nothing."""
    now = now or timezone.now()
    every = _hit_every()
    due = Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - every)
    candidates = DocumentHit.objects.filter(
        due, closed_at__isnull=True, checked_at__lte=now - every
    ).values_list("pk", "last_reminded_at", "checked_at")[:500]
    return sum(_remind_hit(pk, last, checked_at, now) for pk, last, checked_at in candidates)


@transaction.atomic
def _remind_hit(
    pk: int, last: datetime.datetime | None, checked_at: datetime.datetime, now: datetime.datetime
) -> int:
    unchanged = Q(last_reminded_at__isnull=True) if last is None else Q(last_reminded_at=last)
    if not DocumentHit.objects.filter(unchanged, pk=pk, closed_at__isnull=True).update(
        last_reminded_at=now
    ):
        return 0
    hit = DocumentHit.objects.select_related("checked_by_state", "issuing_state").get(pk=pk)
    period = int((now - checked_at) / _hit_every())
    context = {
        "id": hit.share_id,
        "state": hit.checked_by_state.in_their_language("name") if hit.checked_by_state else "",
        "issuer": hit.issuing_state.in_their_language("name"),
    }
    subject = gettext_lazy("Reminder: the hit on notice #%(id)s is not closed")
    told = notify_many(
        [
            (
                _focal_points([hit.checked_by_state_id]),
                f"exchange:document-hit:{pk}:reminder:{period}",
                Notice(
                    subject,
                    gettext_lazy(
                        "Your state's check found notice #%(id)s of %(issuer)s and its outcome "
                        "is not recorded yet. Contact %(issuer)s, then record the outcome on the "
                        "hits page."
                    ),
                    context,
                ),
                reverse("exchange:hits"),
            ),
            (
                _focal_points([hit.issuing_state_id]),
                f"exchange:document-hit:{pk}:reminder:{period}",
                Notice(
                    subject,
                    gettext_lazy(
                        "The hit of %(state)s on your notice #%(id)s is still open. Contact "
                        "%(state)s if you have not heard from it."
                    ),
                    context,
                ),
                reverse("exchange:hits"),
            ),
        ]
    )
    return len(told)


def remind_sltd(now: datetime.datetime | None = None) -> int:
    """Remind the issuing state of each open notice not reported to INTERPOL's SLTD database
    after SLTD_REMINDER_DAYS, once per period of that many days (a conditional UPDATE claims
    the notice; the notice's key names the period)."""
    now = now or timezone.now()
    every = datetime.timedelta(days=max(1, settings.SLTD_REMINDER_DAYS))
    due = Q(sltd_reminded_at__isnull=True) | Q(sltd_reminded_at__lte=now - every)
    candidates = (
        DocumentNotice.objects.filter(due, reported_to_sltd=False, created_at__lte=now - every)
        .exclude(status=DocumentNotice.Status.RECOVERED)
        .values_list("pk", "sltd_reminded_at", "created_at")[:500]
    )
    return sum(_remind_sltd(pk, last, made, now, every) for pk, last, made in candidates)


@transaction.atomic
def _remind_sltd(
    pk: int,
    last: datetime.datetime | None,
    made: datetime.datetime,
    now: datetime.datetime,
    every: datetime.timedelta,
) -> int:
    unchanged = Q(sltd_reminded_at__isnull=True) if last is None else Q(sltd_reminded_at=last)
    if not DocumentNotice.objects.filter(unchanged, pk=pk, reported_to_sltd=False).update(
        sltd_reminded_at=now
    ):
        return 0
    notice = DocumentNotice.objects.get(pk=pk)
    period = int((now - made) / every)
    told = notify(
        _focal_points([notice.issuing_state_id]),
        key=f"exchange:sltd:{notice.share_id}:{period}",
        notice=Notice(
            gettext_lazy("Notice #%(id)s is not yet reported to INTERPOL's SLTD database"),
            gettext_lazy(
                "Your lost or stolen document notice #%(id)s is still not marked as reported to "
                "INTERPOL's Stolen and Lost Travel Documents database. The portal cannot reach "
                "INTERPOL: report it through your National Central Bureau, then mark the notice "
                "as reported."
            ),
            {"id": notice.share_id},
        ),
        url=notice.get_absolute_url(),
    )
    return len(told)


# --- found documents ---------------------------------------------------------------------------


@retry_on_deadlock
@transaction.atomic
def report_found_document(
    *,
    by: User,
    issuing_state: State,
    document_type: str,
    number: str,
    found_on: datetime.date,
    place: str = "",
    remarks: str = "",
) -> FoundDocument:
    """A state that found another state's document reports it; the issuing state decides."""
    if not by.is_focal_point:
        raise DocumentError(_("Only a focal point reports a found document."), code="forbidden")
    if issuing_state.pk == by.state_id:
        raise DocumentError(
            _("Your own state's documents are reported as notices, not as found documents."),
            field="issuing_state",
        )
    if not docs.number_keys(number):
        raise DocumentError(_("Enter a document number."), field="number")
    if found_on > timezone.localdate():
        raise DocumentError(_("The date is in the future."), field="found_on")
    report = FoundDocument(
        issuing_state=issuing_state,
        finding_state_id=by.state_id,
        reported_by=by,
        document_type=document_type,
        number_key=document_key(number),
        found_on=found_on,
    )
    report.seal_details(
        {"number": number.strip()[:100], "place": place[:300], "remarks": remarks[:2000]}
    )
    report.save(force_insert=True)
    audit.log(
        report, "exchange.document.found", actor=by, data={"issuing_state": issuing_state.code}
    )
    notify(
        _focal_points([issuing_state.pk]),
        key=f"exchange:found-document:{report.pk}",
        notice=Notice(
            gettext_lazy("%(state)s found a document your state issued"),
            gettext_lazy(
                "%(state)s reports that it found a document your state issued (report "
                "#%(id)s). Confirm or reject that it is one of your lost or stolen documents."
            ),
            {"state": by.national_state.in_their_language("name"), "id": report.pk},
        ),
        url=reverse("exchange:found-documents"),
    )
    return report


@retry_on_deadlock
@transaction.atomic
def decide_found_document(
    report: FoundDocument, *, by: User, confirm: bool, note: str = ""
) -> FoundDocument:
    """The issuing state confirms or rejects a found document report; the finder is told."""
    report = FoundDocument.objects.select_for_update().get(pk=report.pk)
    if report.status != FoundDocument.Status.PENDING:
        raise DocumentError(_("This report is already decided."), code="conflict")
    if not docs.may_decide_found_document(by, report):
        raise DocumentError(_("Only a focal point of the issuing state decides."), code="forbidden")
    if not confirm and not (note or "").strip():
        raise DocumentError(_("Give the reason for rejecting it."), field="note")
    report.status = FoundDocument.Status.CONFIRMED if confirm else FoundDocument.Status.REJECTED
    report.decided_by, report.decided_at = by, timezone.now()
    report.decision_note = (note or "").strip()[:500]
    report.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.log(report, f"exchange.document.found_{report.status}", actor=by)
    notify(
        _focal_points([report.finding_state_id]),
        key=f"exchange:found-document:{report.pk}:decided",
        notice=Notice(
            gettext_lazy("Your found document report #%(id)s: %(status)s"),
            gettext_lazy(
                "The issuing state decided on your found document report #%(id)s: %(status)s."
            ),
            {"id": report.pk, "status": lowercase(FoundDocument.Status(report.status).label)},
        ),
        url=reverse("exchange:found-documents"),
    )
    return report
