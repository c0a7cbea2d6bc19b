"""Reads of shares, always scoped to the user asking. One rule, used by pages, API and approvals.

A share, and the fact that it exists, is visible to:
- every user of the originating state;
- release approvers of a state whose consent the share's current request asks (while asked
  and after the decision; not once an edit has removed the state from the concerned states,
  nor once the share is withdrawn);
- users of a recipient state, and the Secretariat when `secretariat_may_read`, once released
  and until withdrawn: through the per-object rows granted at release (guardian).
Model-level permissions, staff and superuser status open nothing here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cica_portal import approvals, envelope
from cica_portal.models import ApprovalRequest, State, User

from . import handling, scopes, versions
from .models import (
    LOST_STOLEN_SLUG,
    ReshareRequest,
    Share,
    ShareGroupObjectPermission,
    ShareRead,
    ShareTemplate,
    ShareUserObjectPermission,
    WithdrawalReceipt,
)
from .validation import proposed_concerned_states

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

VIEW_PERMISSION = "view_share"
PURPOSE = "exchange.release"


def _asked_of_state(state_id: int) -> Q:
    """Shares whose current consent request asks this state.

    Read through the share's own link to its request, correlated on it (one lookup in the
    request's states by `(request, state)`), rather than through every request ever made: a
    state that an edit removed from the concerned states no longer sees the share, since
    nothing is asked of it any more. Correlated, PostgreSQL checks one share (a request's
    subject, a page's row) in one index lookup (the approver's inbox: 43 ms -> 6 ms at 100,000
    shares), and still joins from the state's side when the box is walked on its own.
    """
    asked = ApprovalRequest.required_states.through.objects.filter(
        state_id=state_id, approvalrequest_id=OuterRef("approval_id")
    )
    return Q(Exists(asked))


def _granted_to(user: User) -> Q:
    """Released shares the user reads through a per-object right (own or their group's)."""
    by_group = ShareGroupObjectPermission.objects.filter(
        group__user=user, permission__codename=VIEW_PERMISSION
    ).values("content_object_id")
    by_user = ShareUserObjectPermission.objects.filter(
        user=user, permission__codename=VIEW_PERMISSION
    ).values("content_object_id")
    return Q(status=Share.Status.RELEASED) & (Q(pk__in=by_group) | Q(pk__in=by_user))


def visible_shares(user: User) -> QuerySet[Share]:
    """Every share this user may see (and whose existence they may know); none for others."""
    if not user.is_authenticated or not user.is_network_member:
        return Share.objects.none()
    rule = _granted_to(user)
    if user.state_id:
        rule |= Q(originating_state_id=user.state_id)
    if user.is_approver and user.state_id:
        rule |= _asked_of_state(user.state_id) & ~Q(status=Share.Status.WITHDRAWN)
    return Share.objects.filter(rule)


def consent_parties(user: User) -> QuerySet[Share]:
    """Shares whose consent this user takes part in: their own state's, and those whose current
    request asks their state (approvers). Only they see a consent request, its states, the
    approvers' names and comments; recipients and the Secretariat read the share, not who
    consented to it and why."""
    if not user.is_authenticated or not user.is_network_member or not user.state_id:
        return Share.objects.none()
    rule = Q(originating_state_id=user.state_id)
    if user.is_approver:
        rule |= _asked_of_state(user.state_id) & ~Q(status=Share.Status.WITHDRAWN)
    return Share.objects.filter(rule)


def is_consent_party(user: User, share: Share) -> bool:
    return consent_parties(user).filter(pk=share.pk).exists()


def with_lists(queryset: QuerySet[Share]) -> QuerySet[Share]:
    return queryset.select_related(
        "template", "originating_state", "author", "approval"
    ).prefetch_related(
        Prefetch("concerned_states", queryset=State.objects.order_by("code")),
        Prefetch("recipient_states", queryset=State.objects.order_by("code")),
    )


def shares_for_list(user: User, *, box: str = "") -> QuerySet[Share]:
    """The list page and API: mine (my state's), asked of my state, or released to me."""
    if not user.is_authenticated or not user.is_network_member:
        return Share.objects.none()
    # Each box is a part of what the user may see (`visible_shares`): it is filtered on that
    # part alone, which the database answers from one index, not on "visible AND part".
    if box == "mine":
        queryset = Share.objects.filter(originating_state_id=user.state_id or 0)
    elif box == "asked":
        queryset = (
            Share.objects.filter(_asked_of_state(user.state_id)).exclude(
                status=Share.Status.WITHDRAWN
            )
            if user.is_approver and user.state_id
            else Share.objects.none()
        )
    elif box == "received":
        queryset = Share.objects.filter(_granted_to(user))
    else:
        queryset = visible_shares(user)
    return queryset.order_by("-updated_at", "-pk")


def list_count(user: User, queryset: QuerySet[Share]) -> int:
    """The exact number of rows in `queryset` (one of `shares_for_list(user)`, filtered), kept
    under the user's visibility scopes' generations (`scopes`): as exact as counting them."""
    return scopes.exact_count(user, queryset)


def list_counts(user: User, querysets: dict[str, QuerySet[Share]]) -> dict[str, int]:
    """`list_count` of several of the user's lists at once (the dashboard's cards)."""
    return scopes.exact_counts(user, querysets)


# What a row of the list page shows: no content (a JSON document per share), no template fields.
_ROW_FIELDS = (
    "listed_title",
    "status",
    "updated_at",
    "consent_deadline",
    "secretariat_may_read",
    "distribution_confidential",
    "tlp",
    "handling_codes",
    "source_reliability",
    "information_reliability",
    "template__title",  # both language versions: the row shows the reader's
    "template__title_en",
    "template__title_ru",
    "template__slug",
    "originating_state__code",
    "originating_state__name_en",
    "originating_state__name_ru",
)


def rows_for_page(queryset: QuerySet[Share]) -> QuerySet[Share]:
    """The list page's columns only; the states come with `attach_state_codes`."""
    return queryset.select_related("template", "originating_state").only(*_ROW_FIELDS)


def attach_state_codes(shares: list[Share]) -> list[Share]:
    """Set `concerned_codes` and `recipient_codes` on each share: two queries for the page,
    reading codes from the link tables instead of building a model and a queryset per state."""
    by_share = {share.pk: share for share in shares}
    for share in shares:
        share.concerned_codes, share.recipient_codes = [], []  # type: ignore[attr-defined]
    for relation, attribute in (
        (Share.concerned_states, "concerned_codes"),
        (Share.recipient_states, "recipient_codes"),
    ):
        links = (
            relation.through.objects.filter(share_id__in=by_share)
            .order_by("share_id", "state__code")
            .values_list("share_id", "state__code")
        )
        for share_id, code in links:
            getattr(by_share[share_id], attribute).append(code)
    return shares


def get_share_for(user: User, pk: int) -> Share:
    """The share if the user may see it; 404 whether it is missing or not theirs."""
    return get_object_or_404(with_lists(visible_shares(user)), pk=pk)


def consents_of(share: Share, *, with_details: bool = False) -> list[dict]:
    """One row per state asked: its decision (approve/decline/abstain; `pending` only while
    the share still waits for consent, `no_answer` once it is closed). A draft asks nobody
    yet: no rows. With `with_details` (for the parties to the consent only) also the
    comment and who answered."""
    if share.approval is None or share.status == Share.Status.DRAFT:
        return []
    waiting = share.effective_status == Share.Status.PENDING_CONSENT
    rows = []
    answers = share.approval.current_answers().select_related("state", "answered_by")
    for answer in answers.order_by("state__code"):
        decision = {"approve": "approve", "object": "decline", "abstain": "abstain"}.get(
            answer.decision, "pending" if waiting else "no_answer"
        )
        rows.append(
            {
                "state": answer.state.code,
                "state_name": answer.state.name,
                "decision": decision,
                "decided_at": answer.answered_at,
                **({"comment": answer.comment, "by": answer.answered_by} if with_details else {}),
            }
        )
    return rows


def reads_of(share: Share) -> QuerySet[ShareRead]:
    return share.reads.select_related("user", "user__state")


def may_edit(user: User, share: Share) -> bool:
    return share.author_id == user.pk and share.is_editable and not share.is_past_deadline


def may_delete(user: User, share: Share) -> bool:
    """A focal point of the originating state deletes a draft (nothing has left the state)."""
    return (
        share.status == Share.Status.DRAFT
        and user.is_focal_point
        and bool(user.state_id)
        and user.state_id == share.originating_state_id
    )


REVISABLE = (Share.Status.DECLINED, Share.Status.EXPIRED)


def may_revise(user: User, share: Share) -> bool:
    """The author revises a declined or expired share and asks for consent again."""
    return share.author_id == user.pk and share.effective_status in REVISABLE


def may_see_distribution(user: User, share: Share) -> bool:
    """Who is concerned and who receives it: hidden from recipients (and the Secretariat) when
    the author keeps the distribution confidential; the parties to the consent (the
    originating state's users, the approvers asked) always see it, as they consent to it."""
    return not share.distribution_confidential or is_consent_party(user, share)


def distribution_for(user: User, share: Share) -> dict:
    """The concerned and recipient states this user may be shown (a recipient of a
    confidential share sees only its own state)."""
    if may_see_distribution(user, share):
        return {
            "visible": True,
            "concerned": list(share.concerned_states.all()),
            "recipients": list(share.recipient_states.all()),
        }
    own = [s for s in share.recipient_states.all() if s.pk == user.state_id]
    return {"visible": False, "concerned": [], "recipients": own}


def distribution_states(user: User, share: Share) -> tuple[list[State], list[State]]:
    """(concerned, recipients) as this user may be shown them, for feeds and exports."""
    shown = distribution_for(user, share)
    return shown["concerned"], shown["recipients"]


def hide_distribution(user: User, shares: list[Share]) -> list[Share]:
    """The list rows' state codes (`attach_state_codes`), with a confidential distribution
    cut to the reader's own state where the reader is not a party to the consent."""
    own = user.state.code if user.state is not None else None
    for share in shares:
        if share.distribution_confidential and not may_see_distribution(user, share):
            share.concerned_codes = []  # type: ignore[attr-defined]
            share.recipient_codes = [c for c in share.recipient_codes if c == own]  # type: ignore[attr-defined]
    return shares


def filter_status(queryset: QuerySet[Share], status: str) -> QuerySet[Share]:
    """Shares in this status as people see it now: one waiting past its deadline is expired
    (the beat task only records it later)."""
    now = timezone.now()
    past = Q(status=Share.Status.PENDING_CONSENT, consent_deadline__lte=now)
    if status == Share.Status.EXPIRED:
        return queryset.filter(Q(status=status) | past)
    if status == Share.Status.PENDING_CONSENT:
        return queryset.filter(status=status).exclude(past)
    return queryset.filter(status=status)


NEXT_STEPS: dict[str, StrOrPromise] = {
    Share.Status.DRAFT: _(
        "Nothing has left your state. Submit it to ask the originating and concerned states "
        "for consent, or delete it."
    ),
    Share.Status.PENDING_CONSENT: _(
        "Each state named below answers through one of its release approvers. When all have "
        "approved, the share is released to the recipients; one objection declines it; "
        "without every answer by the deadline it expires."
    ),
    Share.Status.RELEASED: _(
        "The recipients may read it; each reading is recorded. The originating state may "
        "withdraw it."
    ),
    Share.Status.DECLINED: _(
        "It was not released and nobody else reads it. The author may revise it and ask for "
        "consent again, as a new version."
    ),
    Share.Status.EXPIRED: _(
        "Not every state answered by the deadline: it was not released. The author may revise "
        "it and ask for consent again, as a new version."
    ),
    Share.Status.WITHDRAWN: _(
        "The originating state withdrew it: nobody outside that state reads it any more."
    ),
}


def next_step(user: User, share: Share) -> dict:
    """What the share's page says happens next: who still has to answer, by when, and then."""
    status = share.effective_status
    waiting: list[State] = []
    if status == Share.Status.PENDING_CONSENT and share.approval is not None:
        pending = share.approval.current_answers().filter(decision="pending")
        waiting = [a.state for a in pending.select_related("state").order_by("state__name_en")]
    return {
        "status": status,
        "text": NEXT_STEPS.get(status, ""),
        "waiting": waiting,
        "deadline": share.consent_deadline if status == Share.Status.PENDING_CONSENT else None,
        "zone": timezone.get_current_timezone_name(),
    }


def may_draft(user: User) -> bool:
    return user.is_focal_point


def may_submit(user: User, share: Share) -> bool:
    """The author asks for consent to a draft."""
    return share.author_id == user.pk and share.status == Share.Status.DRAFT


def may_withdraw(user: User, share: Share) -> bool:
    return (
        share.status in Share.WITHDRAWABLE
        and user.state_id == share.originating_state_id
        and (user.is_focal_point or user.is_approver)
    )


def may_decide(user: User, share: Share) -> bool:
    """The core's rule of who may answer, on this share's current consent request."""
    if share.effective_status != Share.Status.PENDING_CONSENT or share.approval is None:
        return False
    return approvals.may_answer(user, share.approval)


def approval_summary(share: Share, user: User) -> dict:
    """What the approval page shows of a share to the parties to its consent: not the content
    of a RED share, which is read on its own page only."""
    changes = versions.changes_for(share, user)
    if share.is_red:
        return {"fields": [], "changes": changes}
    return {
        "fields": [
            (spec, share.content.get(spec["name"]))
            for spec in share.template.fields
            if spec["name"] in share.content
        ],
        "changes": changes,
    }


def may_consent_as_concerned(state: State) -> bool:
    """Only a member state is asked to consent: an observer has no say in the consensus, and
    asking it would leave a request nobody is bound to answer."""
    return state.is_member


def proposed_concerned(
    template: ShareTemplate, content: Any, *, originating_state_id: int | None
) -> list[State]:
    """The member states a case names (origin, transit, destination), in the case's order,
    other than the author's own: proposed to the author as concerned states, never applied
    without their confirmation. An observer a route names is not proposed: it never consents."""
    codes = proposed_concerned_states(template, content) if isinstance(content, dict) else []
    found = State.objects.members().filter(code__in=codes).exclude(pk=originating_state_id)
    by_code = {state.code: state for state in found}
    return [by_code[code] for code in codes if code in by_code]


def may_receive(template: ShareTemplate, state: State) -> bool:
    """A member state may receive any share; an observer or other non-member state only a
    share of a template the Secretariat opened to them (`observers_may_receive`)."""
    return state.is_member or template.observers_may_receive


def recipient_choices(template: ShareTemplate) -> QuerySet[State]:
    """The states a share of this template may name as recipients (`may_receive`, as a query)."""
    states = State.objects.order_by("name_en")
    return states if template.observers_may_receive else states.members()


def is_originator(user: User, share: Share) -> bool:
    return bool(user.state_id) and user.state_id == share.originating_state_id


def current_templates() -> QuerySet[ShareTemplate]:
    return ShareTemplate.objects.filter(is_current=True).order_by("slug")


def document_hits(user: User, number_normalised: str) -> QuerySet[Share]:
    """Released lost/stolen document notices with this number that the user may see."""
    if not number_normalised:
        return Share.objects.none()
    return (
        visible_shares(user)
        .filter(
            status=Share.Status.RELEASED,
            template__slug=LOST_STOLEN_SLUG,
            document_number_normalised__in=envelope.keyed_hashes(number_normalised),
        )
        .select_related("template", "originating_state")
        .order_by("-released_at")
    )


def shares_with_history_for(user: User) -> QuerySet[Share]:
    """The shares whose history (who read it, how it moved, its audit records) the user may
    see: as on the share's page (`is_originator`), its originating state's people only. The
    Secretariat, whatever was released to it, sees no share's history."""
    if not user.is_authenticated or not user.state_id:
        return Share.objects.none()
    return visible_shares(user).filter(originating_state_id=user.state_id)


# --- binding handling: re-share requests (H2) and exports (RED, H1) -----------------------------

RESHARE_PURPOSE = "exchange.reshare"
EXPORT_PURPOSES = ("intelligence", "judicial")


def may_request_reshare(user: User, share: Share) -> bool:
    """A focal point of a state the share was released to may ask to pass it on."""
    return (
        share.status == Share.Status.RELEASED
        and user.is_authenticated
        and user.is_focal_point
        and bool(user.state_id)
        and user.state_id != share.originating_state_id
        and share.recipient_states.filter(pk=user.national_state_id).exists()
    )


def reshare_parties(user: User) -> QuerySet[ReshareRequest]:
    """The re-share requests a user may read: those on shares whose consent they take part in
    (the originating state, the approvers asked), and their own state's requests."""
    if not user.is_authenticated or not user.is_network_member or not user.state_id:
        return ReshareRequest.objects.none()
    # Correlated on the request's share (one lookup), not the set of every share they may see.
    of_party = Exists(consent_parties(user).filter(pk=OuterRef("share_id")))
    return ReshareRequest.objects.filter(Q(of_party) | Q(requesting_state_id=user.state_id))


def reshare_requests_for(user: User, share: Share) -> list[ReshareRequest]:
    return list(
        reshare_parties(user)
        .filter(share=share)
        .select_related("requesting_state", "requested_by")
        .prefetch_related("states")
    )


def reshare_summary(reshare: ReshareRequest, user: User) -> dict:
    return {"reshare": reshare, "share": reshare.share}


def export_refusal(user: User, share: Share, purpose: str) -> str | None:
    """Why this user may not export this share for this purpose; None when they may."""
    if share.is_red:
        return str(_("A TLP:RED share is never exported: read it on its own page."))
    if purpose not in EXPORT_PURPOSES:
        return str(_("Choose what the export is for."))
    if (
        purpose == "judicial"
        and handling.H1 in (share.handling_codes or ())
        and user.state_id != share.originating_state_id
        and not (
            user.state_id is not None
            and share.judicial_permissions.filter(state_id=user.state_id).exists()
        )
    ):
        return str(
            _(
                "H1: this share may be used in judicial proceedings only with the provider's "
                "permission, and none is recorded for your state. Ask the originating state."
            )
        )
    return None


def may_grant_judicial_use(user: User, share: Share) -> bool:
    """The provider (originating state's focal point or approver) records permission (H1)."""
    return (
        share.status == Share.Status.RELEASED
        and handling.H1 in (share.handling_codes or ())
        and user.state_id == share.originating_state_id
        and (user.is_focal_point or user.is_approver)
    )


def withdrawn_after_release_for(user: User) -> QuerySet[Share]:
    """Shares once released to the user's state (or to the Secretariat, when it could read
    them) or by it, and withdrawn since: a feed tells their readers the share is revoked. Only
    the fact and the id travel (taxii/), never the content again."""
    if not user.is_authenticated or not user.is_network_member:
        return Share.objects.none()
    rule = Q(originating_state_id=user.state_id or 0)
    if user.state_id:
        rule |= Q(recipient_states__id=user.state_id)
    if user.is_secretariat:
        rule |= Q(secretariat_may_read=True)
    return (
        Share.objects.filter(rule, status=Share.Status.WITHDRAWN, released_at__isnull=False)
        .distinct()
        .order_by("pk")
    )


# --- withdrawal receipts -------------------------------------------------------------------------


def may_acknowledge(user: User, receipt: WithdrawalReceipt) -> bool:
    """A focal point or an approver of the receipt's state confirms its copies are removed."""
    return (
        user.is_authenticated
        and user.is_active
        and bool(user.state_id)
        and user.state_id == receipt.state_id
        and (user.is_focal_point or user.is_approver)
    )


def receipts_for(user: User) -> QuerySet[WithdrawalReceipt]:
    """The receipts this user's state is asked for; none for anyone else."""
    if not user.is_authenticated or not user.state_id or not user.is_network_member:
        return WithdrawalReceipt.objects.none()
    if not (user.is_focal_point or user.is_approver):
        return WithdrawalReceipt.objects.none()
    return WithdrawalReceipt.objects.filter(state_id=user.state_id)


def get_receipt_for(user: User, pk: int) -> WithdrawalReceipt:
    """The receipt if it is the user's state's; 404 whether it is missing or another state's."""
    return get_object_or_404(
        receipts_for(user).select_related(
            "share__template", "share__originating_state", "state", "acknowledged_by"
        ),
        pk=pk,
    )


def recipients_table(share: Share) -> list[dict]:
    """For the originating state: per recipient state, who read the share (and how, when) and
    whether it acknowledged the withdrawal. Reads by the originating state are not listed."""
    receipts = {r.state_id: r for r in share.withdrawal_receipts.select_related("acknowledged_by")}
    reads: dict[int | None, list[ShareRead]] = {}
    theirs = reads_of(share).filter(user__state__isnull=False)
    for read in theirs.exclude(user__state_id=share.originating_state_id)[:1000]:
        reads.setdefault(read.user.state_id, []).append(read)
    return [
        {"state": state, "reads": reads.get(state.pk, []), "receipt": receipts.get(state.pk)}
        for state in share.recipient_states.order_by("name_en")
    ]
