"""Reads of lost and stolen documents, scoped to the user asking, and their "may I" rules.

A notice is read through its share (`selectors.visible_shares`); a hit is seen by the issuing
state and by the checking state; a found document report by the state that found it and the
state that issued it. Nobody else, the Secretariat included, learns of either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from cica_portal import envelope
from cica_portal.models import State, User

from .models import DocumentCheckTally, DocumentHit, DocumentNotice, FoundDocument, Share
from .mrz import skeleton
from .selectors import visible_shares
from .validation import normalise_document_number


def number_keys(number: str) -> list[str]:
    """The keyed hashes a stored notice's number may have (one per master key)."""
    return envelope.keyed_hashes(normalise_document_number(number))


def skeleton_value(number: str) -> str:
    normalised = normalise_document_number(number)
    # A prefix, so that a number that is its own skeleton (all digits) has a different hash.
    return f"skeleton:{skeleton(normalised)}" if normalised else ""


def skeleton_keys(number: str) -> list[str]:
    return envelope.keyed_hashes(skeleton_value(number))


@dataclass(frozen=True)
class DocumentQuery:
    number: str
    issuing_state: str | None = None  # alpha-2 code, or an MRZ's unknown alpha-3 (finds none)
    document_type: str | None = None


@dataclass
class CheckResult:
    query: DocumentQuery
    hits: list[DocumentNotice] = field(default_factory=list)
    possible_hits: list[DocumentNotice] = field(default_factory=list)
    blind_hits: list[DocumentNotice] = field(default_factory=list)
    hit_records: dict[int, DocumentHit] = field(default_factory=dict)  # share id -> its hit


def _matches(notice: DocumentNotice, query: DocumentQuery) -> bool:
    if query.issuing_state and notice.issuing_state.code != query.issuing_state.upper():
        return False
    return not (query.document_type and notice.document_type != query.document_type)


def may_check_blind(user: User, notice: DocumentNotice) -> bool:
    """A member state's people learn of a notice not released to them if its issuing state
    lets every member state check it; never the Secretariat, never an observer."""
    return (
        notice.checkable_by_all
        and user.state_id is not None
        and user.state_id != notice.issuing_state_id
        and (user.is_focal_point or user.is_approver)
        and user.state.is_member
    )


def find_documents(user: User, queries: list[DocumentQuery]) -> list[CheckResult]:
    """Exact, possible and blind hits for each query, in one query for the whole batch."""
    results = [CheckResult(query) for query in queries]
    if not user.is_authenticated or not user.is_network_member:
        return results
    wanted = [(number_keys(q.number), skeleton_keys(q.number)) for q in queries]
    all_numbers = {key for numbers, _skeletons in wanted for key in numbers}
    all_skeletons = {key for _numbers, skeletons in wanted for key in skeletons}
    if not all_numbers:
        return results
    visible = visible_shares(user).filter(pk=OuterRef("share_id"))
    found = list(
        DocumentNotice.objects.filter(
            Q(number_key__in=all_numbers) | Q(skeleton_key__in=all_skeletons),
            share__status=Share.Status.RELEASED,
        )
        .exclude(status=DocumentNotice.Status.RECOVERED)
        .annotate(may_read=Exists(visible))
        .select_related("issuing_state", "share__template", "share__originating_state")
        .order_by("-share__released_at", "-pk")
    )
    for result, (numbers, skeletons) in zip(results, wanted, strict=True):
        for notice in found:
            if not _matches(notice, result.query):
                continue
            exact = notice.number_key in numbers
            if exact and notice.may_read:
                result.hits.append(notice)
            elif exact and may_check_blind(user, notice):
                result.blind_hits.append(notice)
            elif not exact and notice.skeleton_key in skeletons and notice.may_read:
                result.possible_hits.append(notice)
    return results


# --- notices -----------------------------------------------------------------------------------


def may_change_notice(user: User, notice: DocumentNotice) -> bool:
    """Only a focal point of the issuing state reports or changes its own documents."""
    return user.is_focal_point and user.state_id == notice.issuing_state_id


def get_notice_for(user: User, share_pk: int) -> DocumentNotice:
    """The notice of a share the user may see; 404 whether it is missing or not theirs."""
    return get_object_or_404(
        DocumentNotice.objects.select_related("issuing_state", "share__template"),
        share__in=visible_shares(user),
        share_id=share_pk,
    )


def existing_notice(
    issuing_state_id: int, document_type: str, number: str
) -> DocumentNotice | None:
    return (
        DocumentNotice.objects.filter(
            issuing_state_id=issuing_state_id,
            document_type=document_type,
            number_key__in=number_keys(number),
        )
        .select_related("share")
        .first()
    )


# --- hits --------------------------------------------------------------------------------------


def _hits() -> QuerySet[DocumentHit]:
    return DocumentHit.objects.select_related(
        "issuing_state", "checked_by_state", "checked_by", "share"
    )


def hits_on_my_documents(user: User) -> QuerySet[DocumentHit]:
    """The hits on the notices of the user's state, with their outcomes: for its people."""
    if not (user.is_focal_point or user.is_approver):
        return DocumentHit.objects.none()
    return _hits().filter(issuing_state_id=user.state_id)


def hits_of_my_checks(user: User) -> QuerySet[DocumentHit]:
    """The hits the user's state's checks found: the leads it has to close."""
    if not (user.is_focal_point or user.is_approver):
        return DocumentHit.objects.none()
    return _hits().filter(checked_by_state_id=user.state_id)


def get_hit_for(user: User, pk: int) -> DocumentHit:
    if not (user.is_focal_point or user.is_approver):
        return get_object_or_404(DocumentHit.objects.none(), pk=pk)
    return get_object_or_404(
        _hits().filter(Q(issuing_state_id=user.state_id) | Q(checked_by_state_id=user.state_id)),
        pk=pk,
    )


def may_close_hit(user: User, hit: DocumentHit) -> bool:
    """The checking state records what came of its hit: its focal points."""
    return user.is_focal_point and user.state_id == hit.checked_by_state_id and not hit.is_closed


def may_release_to_checker(user: User, hit: DocumentHit) -> bool:
    """After a blind hit, the issuing state's focal points may ask to release the notice to the
    checking state (through the consent of the notice's states)."""
    return (
        hit.blind
        and user.is_focal_point
        and user.state_id == hit.issuing_state_id
        and hit.checked_by_state_id is not None
    )


# --- found documents ---------------------------------------------------------------------------


def found_documents_for(user: User) -> QuerySet[FoundDocument]:
    if not (user.is_focal_point or user.is_approver):
        return FoundDocument.objects.none()
    return FoundDocument.objects.select_related("issuing_state", "finding_state").filter(
        Q(issuing_state_id=user.state_id) | Q(finding_state_id=user.state_id)
    )


def get_found_document_for(user: User, pk: int) -> FoundDocument:
    return get_object_or_404(found_documents_for(user), pk=pk)


def may_decide_found_document(user: User, report: FoundDocument) -> bool:
    return (
        user.is_focal_point
        and user.state_id == report.issuing_state_id
        and report.status == FoundDocument.Status.PENDING
    )


# --- the annual review -------------------------------------------------------------------------


def document_figures_for_year(year: int) -> dict:
    """Checks, hits and closed hits per state in the year: counts only, never content."""
    checks = {}
    for state_id, n in DocumentCheckTally.objects.filter(day__year=year).values_list(
        "state_id", "checks"
    ):
        checks[state_id] = checks.get(state_id, 0) + n
    hits, closed = {}, {}
    for state_id, n, n_closed in (
        DocumentHit.objects.filter(checked_at__year=year, checked_by_state__isnull=False)
        .values("checked_by_state_id")
        .annotate(n=Count("pk"), n_closed=Count("pk", filter=Q(closed_at__isnull=False)))
        .values_list("checked_by_state_id", "n", "n_closed")
    ):
        hits[state_id], closed[state_id] = n, n_closed
    ids = set(checks) | set(hits)
    states = State.objects.filter(pk__in=ids).order_by("name_en") if ids else []
    rows = [
        {
            "state": state,
            "checks": checks.get(state.pk, 0),
            "hits": hits.get(state.pk, 0),
            "closed": closed.get(state.pk, 0),
        }
        for state in states
    ]
    return {
        "year": year,
        "rows": rows,
        "total_checks": sum(r["checks"] for r in rows),
        "total_hits": sum(r["hits"] for r in rows),
        "total_closed": sum(r["closed"] for r in rows),
    }


def document_rows_for_year(figures: dict) -> list[list]:
    rows: list[list] = [["State", "Checks", "Hits", "Closed hits"]]
    rows += [[r["state"].code, r["checks"], r["hits"], r["closed"]] for r in figures["rows"]]
    return rows
