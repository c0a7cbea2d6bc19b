"""Writes of the exchange: one function per business action, one transaction each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import approvals, audit, bilingual
from cica_portal.errors import DomainError
from cica_portal.models import ApprovalRequest, State, StateAnswer, User
from cica_portal.notifications import Notice, lowercase, notify
from cica_portal.transactions import retry_on_deadlock

from . import attachments, audit_actions, document_services, scopes, selectors, versions
from .handling import H1, clean_handling
from .models import (
    LOST_STOLEN_SLUG,
    DocumentHit,
    DocumentNotice,
    JudicialPermission,
    ReshareRequest,
    Share,
    ShareAttachment,
    ShareGroupObjectPermission,
    ShareRead,
    ShareTemplate,
    ShareTransition,
    ShareUserObjectPermission,
    WithdrawalReceipt,
)
from .selectors import (
    EXPORT_PURPOSES,
    PURPOSE,
    RESHARE_PURPOSE,
    VIEW_PERMISSION,
    export_refusal,
    may_grant_judicial_use,
    may_request_reshare,
    may_withdraw,
)
from .validation import ContentErrors, document_key, validate_content

DEFAULT_CONSENT_DAYS = 14
MAX_CONSENT_DAYS = 90
STATE_GROUP = "exchange:state:%s"
SECRETARIAT_GROUP = "exchange:secretariat"


class ExchangeError(DomainError):
    pass


class ShareContentError(ExchangeError):
    """The content does not fit its template; `errors` names each field."""

    def __init__(self, errors: ContentErrors):
        super().__init__(_("The content does not fit its template."), field="content")
        self.errors = errors


# --- groups: one per state, so that one release is a handful of rows ---------------------------


def state_group(state: State) -> Group:
    return Group.objects.get_or_create(name=STATE_GROUP % state.code)[0]


def secretariat_group() -> Group:
    return Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0]


def sync_exchange_groups(user: User) -> None:
    """Put the user in their state's exchange group (or the Secretariat's) and nowhere else."""
    wanted: set[str] = set()
    if user.is_active and user.state_id:
        wanted.add(STATE_GROUP % State.objects.only("code").get(pk=user.state_id).code)
    if user.is_active and user.role == User.Role.SECRETARIAT:
        wanted.add(SECRETARIAT_GROUP)
    current = {g.name: g for g in user.groups.filter(name__startswith="exchange:")}
    stale = [g for name, g in current.items() if name not in wanted]
    if stale:
        user.groups.remove(*stale)
    missing = [Group.objects.get_or_create(name=name)[0] for name in wanted - set(current)]
    if missing:
        user.groups.add(*missing)


# --- helpers ----------------------------------------------------------------------------------


def _transition(
    share: Share, to: str, *, actor: User | None, note: str = "", fields: Iterable[str] = ()
) -> None:
    """Move the share, keep the row of who/when/from/to, and audit it in this transaction."""
    before = share.status
    share.status = to
    share.save(update_fields=["status", "updated_at", *fields])
    scopes.touch(share)
    ShareTransition.objects.create(
        share=share, from_status=before, to_status=to, actor=actor, note=note[:200]
    )
    audit.log(share, audit_actions.share_moved_to(to), actor=actor, data={"from": before, "to": to})


def _lock(share: Share) -> Share:
    """Lock in the order the approval mechanism does (request, then share): no deadlock with
    an answer that closes the request while the author edits or withdraws."""
    approval_id = Share.objects.filter(pk=share.pk).values_list("approval_id", flat=True).first()
    approvals.lock_request(approval_id)
    locked = (
        Share.objects.select_for_update(of=("self",), no_key=True)
        .select_related("template")
        .get(pk=share.pk)
    )
    # Whatever the caller changes, those who see the share now see a change (`scopes`).
    scopes.touch(locked)
    return locked


def _approval_content(share: Share) -> dict[str, Any]:
    return approval_content(
        share,
        concerned=[s.code for s in share.concerned_states.all()],
        recipients=[s.code for s in share.recipient_states.all()],
    )


def approval_content(
    share: Share,
    *,
    concerned: Iterable[str],
    recipients: Iterable[str],
    files: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Exactly what a consent covers: the text, its files, who is concerned and who will read
    it (codes and file hashes given, so that the scale data builds it without a query)."""
    if files is None:
        files = share.attachments.values_list("sha256", flat=True) if share.pk else ()
    files = list(files)
    return ({"attachments": files} if files else {}) | {
        "share": share.pk,
        "template": f"{share.template.slug}@{share.template.version}",
        "title": share.title,
        "content": share.content,
        "concerned": sorted(concerned),
        "recipients": sorted(recipients),
        "secretariat_may_read": share.secretariat_may_read,
        # Only when chosen, so that the versions consented to before it existed keep their hash.
        **({"distribution_confidential": True} if share.distribution_confidential else {}),
        "handling": {
            "tlp": share.tlp,
            "codes": list(share.handling_codes or ()),
            "note": share.handling_note,
            "evaluation": share.evaluation,
        },
    }


def approval_title(share: Share) -> str:
    # The Secretariat sees every request's title: it names no content.
    return _("Release of %(label)s") % {"label": _label(share)}


def _required_states(share: Share) -> list[State]:
    # A required consenter is always a member state (an observer named before the rule, or a
    # member that became an observer since, is not asked: nobody there is bound to answer).
    concerned = share.concerned_states.exclude(pk=share.originating_state_id)
    return [share.originating_state, *concerned.filter(status=State.Status.MEMBER)]


HANDLING_FIELDS = (
    "tlp",
    "handling_codes",
    "handling_note",
    "source_reliability",
    "information_reliability",
)


class HandlingError(ExchangeError):
    """A handling field has a value it cannot take; `errors` names each field."""

    def __init__(self, errors: dict[str, list[str]]):
        field = next(iter(errors))
        super().__init__(errors[field][0], field=field)
        self.errors = errors


def _apply_handling(share: Share, given: dict[str, Any]) -> list[str]:
    """Set the handling fields given (None: unchanged); return the names of those changed."""
    given = {name: value for name, value in given.items() if value is not None}
    if not given:
        return []
    # The H3 rule reads the codes and the note together, whichever of the two is changed.
    data = {
        "handling_codes": share.handling_codes,
        "handling_note": share.handling_note,
        **given,
    }
    clean, errors = clean_handling(data)
    if errors:
        raise HandlingError(errors)
    changed = [name for name, value in clean.items() if getattr(share, name) != value]
    for name in changed:
        setattr(share, name, clean[name])
    if "tlp" in changed:  # a RED share's title leaves the clear column, and back
        share.sync_listed_title()
        changed.append("listed_title")
    return changed


def _clean_content(template: ShareTemplate, content: Any) -> dict:
    clean, errors = validate_content(template, content)
    if errors:
        raise ShareContentError(errors)
    return clean


def _check_document(
    template: ShareTemplate, clean: dict, *, author: User, share_pk: int | None = None
) -> None:
    """A lost/stolen document is reported by its issuing state only, and once."""
    if template.slug != LOST_STOLEN_SLUG:
        return
    errors = document_services.document_errors(
        clean, author_state_id=author.national_state_id, share_pk=share_pk
    )
    if errors:
        raise ShareContentError(errors)


def _refused_codes(states: list[State], allowed: Callable[[State], bool]) -> str:
    return ", ".join(sorted(s.code for s in states if not allowed(s)))


def _check_states(
    template: ShareTemplate, concerned: list[State] | None, recipients: list[State] | None
) -> None:
    """Only member states consent; a non-member receives only where the template allows it."""
    refused = _refused_codes(concerned or [], selectors.may_consent_as_concerned)
    if refused:
        raise ExchangeError(
            _("Only member states are asked to consent; not a member state: %(codes)s.")
            % {"codes": refused},
            field="concerned_states",
        )
    refused = _refused_codes(recipients or [], lambda s: selectors.may_receive(template, s))
    if refused:
        raise ExchangeError(
            _(
                "Not a member state: %(codes)s. The Secretariat has not allowed shares of this "
                "template to reach observer or other non-member states."
            )
            % {"codes": refused},
            field="recipient_states",
        )


def _apply_states(
    share: Share, concerned: Iterable[State] | None, recipients: Iterable[State] | None
) -> None:
    concerned_list = None if concerned is None else list(concerned)
    recipient_list = None if recipients is None else list(recipients)
    _check_states(share.template, concerned_list, recipient_list)
    own = share.originating_state_id
    if concerned_list is not None:
        share.concerned_states.set([s for s in concerned_list if s.pk != own])
    if recipient_list is not None:
        share.recipient_states.set([s for s in recipient_list if s.pk != own])


def _label(share: Share) -> str:
    return share.neutral_label


# The neutral label as a lazy text: a notice renders it in the language of whoever reads it.
_label_for_reader = lazy(_label, str)


def _users_of_states(state_ids: Iterable[int]) -> QuerySet[User]:
    return User.objects.filter(
        state_id__in=list(state_ids),
        is_active=True,
        role__in=[User.Role.FOCAL_POINT, User.Role.APPROVER],
    )


# --- actions ----------------------------------------------------------------------------------


@retry_on_deadlock
@transaction.atomic
def create_share(
    *,
    author: User,
    template: ShareTemplate,
    title: str,
    content: Any,
    concerned_states: Iterable[State] | None = None,
    recipient_states: Iterable[State] = (),
    secretariat_may_read: bool = False,
    handling: dict[str, Any] | None = None,
    distribution_confidential: bool = False,
) -> Share:
    """A focal point drafts a share for their state; nothing leaves the state yet.

    `handling` holds any of HANDLING_FIELDS; what is left out takes its default. The concerned
    states are exactly those given: the states a case names are only proposed to the author."""
    if not selectors.may_draft(author):
        raise ExchangeError(_("Only a focal point drafts shares."), code="forbidden")
    if not template.is_current:
        raise ExchangeError(_("Use the current version of the template."), field="template")
    if not title.strip():
        raise ExchangeError(_("This field is required."), field="title")
    clean = _clean_content(template, content)
    _check_document(template, clean, author=author)
    share = Share(
        template=template,
        author=author,
        originating_state_id=author.national_state_id,
        secretariat_may_read=bool(secretariat_may_read),
        distribution_confidential=bool(distribution_confidential),
        document_number_normalised=document_key(clean.get("document_number")),
    )
    share.title, share.content = title.strip()[:200], clean  # sealed (models.Share)
    _apply_handling(share, handling or {})
    share.save(force_insert=True)
    # Never the route's states unless given: the author confirms them (the form, the API's 400).
    _apply_states(share, concerned_states or [], recipient_states)
    scopes.touch(share)
    ShareTransition.objects.create(
        share=share, from_status="", to_status=share.status, actor=author
    )
    audit.log(share, audit_actions.SHARE_CREATED, actor=author, data={"template": template.slug})
    return share


@retry_on_deadlock
@transaction.atomic
def update_share(
    share: Share,
    *,
    actor: User,
    concerned_states: Iterable[State] | None = None,
    recipient_states: Iterable[State] | None = None,
    attachment: Any = None,
    **changes: Any,
) -> Share:
    """The author edits a draft or a pending share; any change voids the consents given (a new
    attachment is a change).

    `changes`: any of title, content, secretariat_may_read, distribution_confidential and
    handling (None: unchanged); `attachment`: a file to add to the share."""
    share = _lock(share)
    if share.author_id != actor.pk:
        raise ExchangeError(_("Only the author can edit this share."), code="forbidden")
    if not share.is_editable:
        raise ExchangeError(_("This share can no longer be edited."), code="conflict")
    if share.is_past_deadline:
        raise ExchangeError(
            _("The consent deadline has passed: revise the share and submit it again."),
            code="conflict",
        )
    fields = _apply_changes(share, **changes)
    before_states = {s.pk for s in _required_states(share)}
    if attachment is not None:  # checked before anything is written
        attachments.check(attachment, ExchangeError)
    share.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    if attachment is not None:
        attachments.attach(share, attachment, actor=actor, error_class=ExchangeError)
    _apply_states(share, concerned_states, recipient_states)
    voided = False
    if share.status == Share.Status.PENDING_CONSENT:
        voided = _revise_consent(share, actor=actor, states_changed=before_states)
    scopes.touch(share)
    audit.log(share, audit_actions.SHARE_EDITED, actor=actor, data={"consents_voided": voided})
    return share


def _apply_changes(
    share: Share,
    *,
    title: str | None = None,
    content: Any = None,
    secretariat_may_read: bool | None = None,
    distribution_confidential: bool | None = None,
    handling: dict[str, Any] | None = None,
) -> list[str]:
    """Set what the author changed (None: unchanged); return the names of the fields set."""
    fields: list[str] = []
    if title is not None:
        if not title.strip():
            raise ExchangeError(_("This field is required."), field="title")
        share.title = title.strip()[:200]
        fields += Share.SEALED_FIELDS
    if content is not None:
        share.content = _clean_content(share.template, content)
        _check_document(share.template, share.content, author=share.author, share_pk=share.pk)
        share.document_number_normalised = document_key(share.content.get("document_number"))
        fields += [*Share.SEALED_FIELDS, "document_number_normalised"]
    for name, value in (
        ("secretariat_may_read", secretariat_may_read),
        ("distribution_confidential", distribution_confidential),
    ):
        if value is not None:
            setattr(share, name, bool(value))
            fields.append(name)
    return fields + _apply_handling(share, handling or {})


def _revise_consent(share: Share, *, actor: User, states_changed: set[int]) -> bool:
    """Ask again for the new text; a new set of states needs a new request."""
    states = _required_states(share)
    old = share.approval
    assert old is not None  # a share waiting for consent has its request
    if {s.pk for s in states} != states_changed:
        approvals.withdraw_request(old, actor=actor)
        share.approval = _open_consent(share, actor=actor, deadline=share.consent_deadline)
        share.save(update_fields=["approval"])
        return True
    content = _approval_content(share)
    revised = approvals.revise_request(old, content=content, actor=actor)
    versions.keep_version(share, content_hash=revised.content_hash, content=content)
    return revised.version != old.version


def _open_consent(share: Share, *, actor: User, deadline: datetime | None) -> ApprovalRequest:
    if deadline is None or deadline <= timezone.now():
        deadline = timezone.now() + timedelta(days=DEFAULT_CONSENT_DAYS)
    content = _approval_content(share)
    request = approvals.open_request(
        share,
        purpose=PURPOSE,
        title=bilingual.in_every_language(lambda: approval_title(share)),
        content=content,
        states=_required_states(share),
        opened_by=actor,
        deadline=deadline,
    )
    versions.keep_version(share, content_hash=request.content_hash, content=content)
    return request


@retry_on_deadlock
@transaction.atomic
def submit_share(share: Share, *, actor: User, deadline: datetime | None = None) -> Share:
    """Ask the originating and every concerned state for consent to release."""
    share = (
        Share.objects.select_for_update(of=("self",), no_key=True)
        .select_related("template")
        .get(pk=share.pk)
    )
    if share.author_id != actor.pk:
        raise ExchangeError(_("Only the author can submit this share."), code="forbidden")
    if not selectors.may_submit(actor, share):
        raise ExchangeError(_("Only a draft can be submitted."), code="conflict")
    _ask_for_consent(share, actor=actor, deadline=deadline)
    return share


def _ask_for_consent(
    share: Share, *, actor: User, deadline: datetime | None, note: str = ""
) -> None:
    """Open a consent request on the share as it is now and move it to pending consent."""
    if not share.recipient_states.exists() and not share.secretariat_may_read:
        raise ExchangeError(
            _("Name at least one recipient state before asking for consent."),
            field="recipient_states",
        )
    now = timezone.now()
    if deadline is not None and not (now < deadline <= now + timedelta(days=MAX_CONSENT_DAYS)):
        raise ExchangeError(
            _("The deadline must be in the next %(n)d days.") % {"n": MAX_CONSENT_DAYS},
            field="deadline",
        )
    share.approval = _open_consent(share, actor=actor, deadline=deadline)
    share.consent_deadline = share.approval.deadline
    share.submitted_at = now
    share.closed_at = None
    _transition(
        share,
        Share.Status.PENDING_CONSENT,
        actor=actor,
        note=note,
        fields=["approval", "consent_deadline", "submitted_at", "closed_at"],
    )


@retry_on_deadlock
@transaction.atomic
def resubmit_share(
    share: Share,
    *,
    actor: User,
    concerned_states: Iterable[State] | None = None,
    recipient_states: Iterable[State] | None = None,
    deadline: datetime | None = None,
    **changes: Any,
) -> Share:
    """The author revises a declined or expired share and asks for consent again: a new
    version of the same share, with a new consent request (the old one stays as history)."""
    share = _lock(share)
    if share.author_id != actor.pk:
        raise ExchangeError(_("Only the author can revise this share."), code="forbidden")
    if share.approval is not None and share.is_past_deadline:
        approvals.expire_if_due(share.approval)  # the beat task had not recorded it yet
        share = _lock(share)
    if not selectors.may_revise(actor, share):
        raise ExchangeError(
            _("Only a declined or expired share can be revised and submitted again."),
            code="conflict",
        )
    fields = _apply_changes(share, **changes)
    share.save(update_fields=[*fields, "updated_at"])
    _apply_states(share, concerned_states, recipient_states)
    _ask_for_consent(share, actor=actor, deadline=deadline, note="revised and submitted again")
    scopes.touch(share)
    audit.log(share, audit_actions.SHARE_EDITED, actor=actor, data={"revised": True})
    return share


@retry_on_deadlock
@transaction.atomic
def delete_draft(share: Share, *, by: User) -> None:
    """A focal point of the originating state deletes a draft; nothing had left the state."""
    share = _lock(share)
    if not selectors.may_delete(by, share):
        if share.status != Share.Status.DRAFT:
            raise ExchangeError(_("Only a draft can be deleted."), code="conflict")
        raise ExchangeError(_("You cannot delete this share."), code="forbidden")
    pk, slug = share.pk, share.template.slug
    share.delete()
    share.pk = pk  # the record names the share that was (the chain head is the last lock)
    audit.log(share, audit_actions.SHARE_DELETED, actor=by, data={"template": slug})


def close_consent(share: Share, request: ApprovalRequest, *, actor: User | None) -> None:
    """Called by the approval mechanism when the request closes (same transaction)."""
    share = (
        Share.objects.select_for_update(of=("self",), no_key=True)
        .select_related("template")
        .get(pk=share.pk)
    )
    if share.approval_id != request.pk or share.status != Share.Status.PENDING_CONSENT:
        return  # a request this share no longer follows
    now = timezone.now()
    share.closed_at = now
    if request.status == ApprovalRequest.Status.APPROVED:
        _release(share, actor=actor)
    elif request.status == ApprovalRequest.Status.REJECTED:
        _transition(share, Share.Status.DECLINED, actor=actor, fields=["closed_at"])
    elif request.status == ApprovalRequest.Status.EXPIRED:
        _transition(share, Share.Status.EXPIRED, actor=None, fields=["closed_at"])
    else:
        return
    _notify_author_of_close(share, request)


_CLOSE_NOTICES = {
    Share.Status.RELEASED: (
        gettext_lazy("Your share #%(id)s is released"),
        gettext_lazy(
            "Every state concerned consented (%(answers)s), and %(label)s is released to its "
            "recipients. Open the share to see who reads it; you may withdraw it there."
        ),
    ),
    Share.Status.DECLINED: (
        gettext_lazy("Your share #%(id)s is declined"),
        gettext_lazy(
            "A state objected (%(answers)s), so %(label)s is not released. Open the share to "
            "read each state's answer; to share it in another form, draft a new share."
        ),
    ),
    Share.Status.EXPIRED: (
        gettext_lazy("Your share #%(id)s expired"),
        gettext_lazy(
            "Not every state answered by the deadline (%(answers)s), so %(label)s is not "
            "released. Open the share to see who did not answer; to try again, draft a new share."
        ),
    ),
}


def _notify_author_of_close(share: Share, request: ApprovalRequest) -> None:
    """The author's one notice for the consent (not one per state's answer): the outcome and
    every state's answer. Sent under the key of the core's own closing notice to the request's
    opener, which runs after this hook: the author gets this one instead of both."""
    subject, body = _CLOSE_NOTICES[Share.Status(share.status)]
    rows = [
        (a.state.code, StateAnswer.Decision(a.decision).label)
        for a in request.current_answers().select_related("state").order_by("state__code")
    ]
    # Lazy, like the label: each decision is written in the language of whoever reads it.
    answers = lazy(
        lambda: ", ".join(f"{code}: {str(label).lower()}" for code, label in rows), str
    )()
    notify(
        [share.author],
        key=f"approval:{request.pk}:closed",
        notice=Notice(
            subject, body, {"id": share.pk, "label": _label_for_reader(share), "answers": answers}
        ),
        url=share.get_absolute_url(),
    )


def _release(share: Share, *, actor: User | None) -> None:
    groups = [state_group(state) for state in share.recipient_states.all()]
    if share.secretariat_may_read:
        groups.append(secretariat_group())
    _grant(share, groups)
    share.released_at = share.closed_at
    share.document_number_normalised = document_key(share.content.get("document_number"))
    _transition(
        share,
        Share.Status.RELEASED,
        actor=actor,
        fields=["closed_at", "released_at", "document_number_normalised"],
    )
    readers = User.objects.filter(groups__in=groups, is_active=True).distinct()
    notify(
        readers,
        key=f"exchange:share:{share.pk}:released",
        notice=Notice(
            gettext_lazy("Information released to you: %(label)s"),
            gettext_lazy(
                "Every state concerned has consented, and %(label)s is released to you.\n"
                "Open it in the portal to read it; each reading is recorded."
            ),
            {"label": _label_for_reader(share)},
        ),
        url=share.get_absolute_url(),
    )
    # The notice a check looks up; a document is keyed by its issuing state, so the same
    # number in two states' passports is two documents, and no longer flagged as one.
    document_services.make_notice(share)


def _people_with_access(share: Share) -> list[User]:
    asked = ApprovalRequest.objects.filter(
        subject_type__app_label="exchange",
        subject_type__model="share",
        subject_id=share.pk,
        purpose=PURPOSE,
    ).values("required_states")
    granted_groups = ShareGroupObjectPermission.objects.filter(content_object=share).values(
        "group_id"
    )
    granted_users = ShareUserObjectPermission.objects.filter(content_object=share).values("user_id")
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(state_id=share.originating_state_id, role__in=["focal_point", "approver"])
            | Q(role="approver", state_id__in=asked)
            | Q(groups__in=granted_groups)
            | Q(pk__in=granted_users)
        )
        .distinct()
    )


@retry_on_deadlock
@transaction.atomic
def withdraw_share(share: Share, *, actor: User, reason: str | None = None) -> Share:
    """The originating state takes a share back: every right given at release goes, and each
    state it was released to is asked for a receipt.

    The page and the API always pass the `reason` a person gave (blank is refused); `None` is
    for the portal's own callers (the demo data)."""
    share = _lock(share)
    if not (actor.state_id == share.originating_state_id and actor.is_network_member):
        raise ExchangeError(_("Only the originating state can withdraw it."), code="forbidden")
    if not may_withdraw(actor, share):
        if share.status not in Share.WITHDRAWABLE:
            raise ExchangeError(_("This share cannot be withdrawn now."), code="conflict")
        raise ExchangeError(_("You cannot withdraw this share."), code="forbidden")
    if reason is not None and not reason.strip():
        raise ExchangeError(_("Give the reason for withdrawing it."), field="reason")
    had_access = _people_with_access(share)
    was_released = share.status == Share.Status.RELEASED
    if share.approval is not None and share.approval.is_open:
        approvals.withdraw_request(share.approval, actor=actor)
    for reshare in share.reshare_requests.filter(status=ReshareRequest.Status.PENDING):
        if reshare.approval is not None:
            approvals.withdraw_request(reshare.approval, actor=actor)
    share.reshare_requests.filter(status=ReshareRequest.Status.PENDING).update(
        status=ReshareRequest.Status.WITHDRAWN, closed_at=timezone.now()
    )
    ShareGroupObjectPermission.objects.filter(content_object=share).delete()
    ShareUserObjectPermission.objects.filter(content_object=share).delete()
    DocumentNotice.objects.filter(share=share).delete()  # no check finds it any more
    share.closed_at = timezone.now()
    note = (reason or "").strip()
    _transition(share, Share.Status.WITHDRAWN, actor=actor, note=note, fields=["closed_at"])
    if reason:
        audit.log(share, "exchange.withdrawal.reason", actor=actor, data={"reason": reason[:4000]})
    asked = _ask_withdrawal_receipts(share) if was_released else set()
    others = [user for user in had_access if user.pk not in asked]
    _notify_withdrawn(share, [u for u in others if u.state_id == share.originating_state_id], True)
    _notify_withdrawn(share, [u for u in others if u.state_id != share.originating_state_id], False)
    return share


def _notify_withdrawn(share: Share, people: list[User], may_open: bool) -> None:
    # Only the originating state still opens the share: the others get no link that 404s.
    notify(
        people,
        key=f"exchange:share:{share.pk}:withdrawn",
        notice=Notice(
            gettext_lazy("Information withdrawn: %(label)s"),
            gettext_lazy(
                "The originating state has withdrawn %(label)s. It is no longer available to "
                "recipients; do not use or pass on copies of it."
            ),
            {"label": _label_for_reader(share)},
        ),
        url=share.get_absolute_url() if may_open else "",
    )


def _ask_withdrawal_receipts(share: Share) -> set[int]:
    """One receipt per state the share was released to, and its people told what to do next;
    returns the ids of the people told (they need no second notice of the same withdrawal)."""
    states = list(share.recipient_states.all())
    WithdrawalReceipt.objects.bulk_create(
        [WithdrawalReceipt(share=share, state=state) for state in states], ignore_conflicts=True
    )
    told: set[int] = set()
    for receipt in WithdrawalReceipt.objects.filter(share=share, acknowledged_at__isnull=True):
        people = list(_users_of_states([receipt.state_id]))
        notify(
            people,
            key=f"exchange:share:{share.pk}:withdrawn",  # one notice per person
            notice=_receipt_notice(share, reminder=False),
            url=receipt.get_absolute_url(),
        )
        told |= {user.pk for user in people}
    return told


def _receipt_notice(share: Share, *, reminder: bool) -> Notice:
    subject = (
        gettext_lazy("Reminder: confirm that copies of %(label)s are removed")
        if reminder
        else gettext_lazy("Information withdrawn: %(label)s")
    )
    return Notice(
        subject,
        gettext_lazy(
            "The originating state has withdrawn %(label)s. Do not use or pass it on any "
            "more: remove every copy your state keeps outside the portal (files, printouts, "
            "national systems), then confirm it on the receipt page. Your state is reminded "
            "every day until one of its focal points or approvers confirms."
        ),
        {"label": _label_for_reader(share)},
    )


@retry_on_deadlock
@transaction.atomic
def acknowledge_withdrawal(receipt: WithdrawalReceipt, *, by: User) -> bool:
    """A recipient state confirms that its copies are removed; False if it already had."""
    receipt = WithdrawalReceipt.objects.select_for_update().get(pk=receipt.pk)
    if not selectors.may_acknowledge(by, receipt):
        raise ExchangeError(
            _("Only a focal point or an approver of that state confirms it."), code="forbidden"
        )
    if receipt.acknowledged_at is not None:
        return False
    receipt.acknowledged_at = timezone.now()
    receipt.acknowledged_by = by
    receipt.save(update_fields=["acknowledged_at", "acknowledged_by"])
    share = Share.objects.get(pk=receipt.share_id)
    audit.log(
        share,
        "exchange.withdrawal.acknowledged",
        actor=by,
        data={"receipt": receipt.pk, "state": receipt.state_id},
    )
    return True


# A daily beat that runs a little early is still the next day's reminder; a fresh receipt waits
# for its state to act on the first notice for half a day.
REMINDER_EVERY = timedelta(hours=23)
FIRST_REMINDER_AFTER = timedelta(hours=12)
REMINDER_BATCH = 500


def remind_withdrawal_receipts(now: datetime | None = None) -> int:
    """Remind, once a day, each recipient state that has not confirmed a withdrawal.

    Each receipt is claimed by a conditional UPDATE on `last_reminded_at`: of two beats (or a
    rerun), only the one whose UPDATE changes the row sends; the notice key has the date too."""
    now = now or timezone.now()
    due = Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - REMINDER_EVERY)
    candidates = WithdrawalReceipt.objects.filter(
        due, acknowledged_at__isnull=True, created_at__lte=now - FIRST_REMINDER_AFTER
    ).values_list("pk", "last_reminded_at")[:REMINDER_BATCH]
    return sum(_remind_receipt(pk, last, now) for pk, last in candidates)


@transaction.atomic
def _remind_receipt(pk: int, last: datetime | None, now: datetime) -> int:
    """Claim the receipt (only if nobody reminded it since it was read), then remind its state."""
    unchanged = Q(last_reminded_at__isnull=True) if last is None else Q(last_reminded_at=last)
    claimed = WithdrawalReceipt.objects.filter(unchanged, pk=pk, acknowledged_at__isnull=True)
    if not claimed.update(last_reminded_at=now):
        return 0
    receipt = WithdrawalReceipt.objects.select_related(
        "share__template", "share__originating_state"
    ).get(pk=pk)
    told = notify(
        _users_of_states([receipt.state_id]),
        key=f"exchange:receipt:{pk}:reminder:{now.date().isoformat()}",
        notice=_receipt_notice(receipt.share, reminder=True),
        url=receipt.get_absolute_url(),
    )
    return len(told)


@retry_on_deadlock
@transaction.atomic
def record_read(share: Share, *, user: User, via: str) -> ShareRead:
    """Every read of a share's content: a row the originating state sees, and the audit log.

    An approver asked for consent who reads the share has been shown this version of it: an
    answer given without naming the version is bound to it (the approval mechanism's rule)."""
    read = ShareRead.objects.create(share=share, user=user, via=via)
    audit.log(share, audit_actions.SHARE_READ, actor=user, data={"via": via})
    if (
        via != ShareRead.Via.APPROVAL
        and user.is_approver
        and share.status == Share.Status.PENDING_CONSENT
        and share.approval is not None
    ):
        approvals.record_view(share.approval, user=user, notify_subject=False)
    return read


@retry_on_deadlock
@transaction.atomic
def download_attachment(item: ShareAttachment, *, user: User) -> bytes:
    """A file of a share, for someone who may read the share: counted as a read of it."""
    record_read(item.share, user=user, via=ShareRead.Via.DOWNLOAD)
    return attachments.read(item)


# --- binding handling: re-share requests (H2), judicial use (H1), exports ------------------------


def _reshare_content(reshare: ReshareRequest, codes: list[str]) -> dict[str, Any]:
    """Exactly what the states consent to: this extension of this released version."""
    return {
        "reshare": reshare.pk,
        "share": reshare.share_id,
        "share_version": reshare.share_hash,
        "requesting_state": reshare.requesting_state.code,
        "states": codes,
        "authority": reshare.authority,
        "reason": reshare.reason,
    }


@retry_on_deadlock
@transaction.atomic
def request_reshare(
    share: Share,
    *,
    by: User,
    states: Iterable[State] = (),
    authority: str = "",
    reason: str = "",
) -> ReshareRequest:
    """A recipient state asks to pass a released share on; its providers decide on exactly that."""
    share = _lock(share)
    if not may_request_reshare(by, share):
        if share.status != Share.Status.RELEASED:
            raise ExchangeError(_("Only a released share can be passed on."), code="conflict")
        raise ExchangeError(
            _("Only a focal point of a recipient state asks to pass a share on."),
            code="forbidden",
        )
    states = list({s.pk: s for s in states}.values())
    already = {share.originating_state_id, *share.recipient_states.values_list("pk", flat=True)}
    known = [s.code for s in states if s.pk in already]
    if known and not share.distribution_confidential:  # confidential: naming them would tell
        raise ExchangeError(
            _("These states already have the share: %(codes)s.") % {"codes": ", ".join(known)},
            field="states",
        )
    refused = _refused_codes(states, lambda s: selectors.may_receive(share.template, s))
    if refused:
        raise ExchangeError(
            _("Not a member state, and this template may not reach them: %(codes)s.")
            % {"codes": refused},
            field="states",
        )
    authority = (authority or "").strip()[:300]
    if not states and not authority:
        raise ExchangeError(
            _("Name the states, or the national authority, to pass it on to."), field="states"
        )
    if not (reason or "").strip():
        raise ExchangeError(_("Give the reason for passing it on."), field="reason")
    reshare = ReshareRequest.objects.create(
        share=share,
        requested_by=by,
        requesting_state_id=by.national_state_id,
        authority=authority,
        reason=reason.strip()[:4000],
        share_hash=share.approval.content_hash if share.approval is not None else "",
    )
    reshare.states.set(states)
    codes = sorted(s.code for s in states)
    reshare.approval = approvals.open_request(
        reshare,
        purpose=RESHARE_PURPOSE,
        title=bilingual.in_every_language(
            lambda: _("Passing on %(label)s") % {"label": _label(share)}
        ),
        content=_reshare_content(reshare, codes),
        states=_required_states(share),
        opened_by=by,
        deadline=timezone.now() + timedelta(days=DEFAULT_CONSENT_DAYS),
    )
    reshare.save(update_fields=["approval"])
    audit.log(
        share,
        "exchange.reshare.requested",
        actor=by,
        data={"reshare": reshare.pk, "states": codes, "authority": bool(authority)},
    )
    return reshare


@retry_on_deadlock
@transaction.atomic
def release_notice_to_checker(hit: DocumentHit, *, by: User, reason: str = "") -> ReshareRequest:
    """After a blind hit, the issuing state asks to release its notice to the checking state:
    a re-share request of the notice's own states, so that it is released through consent
    like every share (closed by `close_reshare`)."""
    from .document_selectors import may_release_to_checker

    hit = DocumentHit.objects.select_related("checked_by_state").get(pk=hit.pk)
    share = _lock(hit.share)
    if not may_release_to_checker(by, hit):
        raise ExchangeError(
            _("Only a focal point of the issuing state releases its notice."), code="forbidden"
        )
    if share.status != Share.Status.RELEASED:
        raise ExchangeError(_("Only a released share can be passed on."), code="conflict")
    state = hit.checked_by_state
    assert state is not None  # may_release_to_checker
    if share.recipient_states.filter(pk=state.pk).exists():
        raise ExchangeError(_("The notice is already released to that state."), code="conflict")
    pending = share.reshare_requests.filter(status=ReshareRequest.Status.PENDING, states=state)
    if pending.exists():
        raise ExchangeError(_("Its release to that state is already asked for."), code="conflict")
    reshare = ReshareRequest.objects.create(
        share=share,
        requested_by=by,
        requesting_state_id=by.national_state_id,
        reason=(reason or "").strip()[:4000]
        or _("Released after a hit of %(state)s on the notice.") % {"state": state.name_en},
        share_hash=share.approval.content_hash if share.approval is not None else "",
    )
    reshare.states.set([state])
    reshare.approval = approvals.open_request(
        reshare,
        purpose=RESHARE_PURPOSE,
        title=_("Passing on %(label)s") % {"label": _label(share)},
        content=_reshare_content(reshare, [state.code]),
        states=_required_states(share),
        opened_by=by,
        deadline=timezone.now() + timedelta(days=DEFAULT_CONSENT_DAYS),
    )
    reshare.save(update_fields=["approval"])
    audit.log(
        share,
        "exchange.document.release_after_hit",
        actor=by,
        data={"hit": hit.pk, "reshare": reshare.pk, "state": state.code},
    )
    return reshare


def close_reshare(reshare: ReshareRequest, request: ApprovalRequest, *, actor: User | None) -> None:
    """Called by the approval mechanism when a re-share request closes (same transaction)."""
    reshare = ReshareRequest.objects.select_for_update(of=("self",), no_key=True).get(pk=reshare.pk)
    if reshare.approval_id != request.pk or reshare.status != ReshareRequest.Status.PENDING:
        return
    share = (
        Share.objects.select_for_update(of=("self",), no_key=True)
        .select_related("template", "originating_state")
        .get(pk=reshare.share_id)
    )
    reshare.closed_at = timezone.now()
    outcomes: dict[str, str] = {
        ApprovalRequest.Status.APPROVED: ReshareRequest.Status.APPROVED,
        ApprovalRequest.Status.REJECTED: ReshareRequest.Status.DECLINED,
        ApprovalRequest.Status.EXPIRED: ReshareRequest.Status.EXPIRED,
    }
    outcome = outcomes.get(request.status, ReshareRequest.Status.WITHDRAWN)
    current = share.approval.content_hash if share.approval is not None else ""
    if outcome == ReshareRequest.Status.APPROVED and (
        share.status != Share.Status.RELEASED or current != reshare.share_hash
    ):
        outcome = ReshareRequest.Status.WITHDRAWN  # not the version consented to: nothing given
    reshare.status = outcome
    reshare.save(update_fields=["status", "closed_at"])
    audit.log(share, f"exchange.reshare.{outcome}", actor=actor, data={"reshare": reshare.pk})
    if outcome == ReshareRequest.Status.APPROVED:
        new_states = list(reshare.states.all())
        if new_states:
            share.recipient_states.add(*new_states)
            _grant(share, [state_group(state) for state in new_states])
            notify(
                User.objects.filter(state__in=new_states, is_active=True),
                key=f"exchange:share:{share.pk}:reshared:{reshare.pk}",
                notice=Notice(
                    gettext_lazy("Information passed on to you: %(label)s"),
                    gettext_lazy(
                        "The states that provided %(label)s consented to pass it on to your "
                        "state. Open it in the portal to read it and its handling codes; each "
                        "reading is recorded."
                    ),
                    {"label": _label_for_reader(share)},
                ),
                url=share.get_absolute_url(),
            )
    notify(
        [reshare.requested_by],
        key=f"exchange:reshare:{reshare.pk}:closed",
        notice=Notice(
            gettext_lazy("Your request to pass on %(label)s: %(outcome)s"),
            gettext_lazy(
                "The request to pass on %(label)s is %(outcome)s. Open the share to see "
                "who may now read it."
            ),
            {
                "label": _label_for_reader(share),
                "outcome": lowercase(ReshareRequest.Status(reshare.status).label),
            },
        ),
        url=share.get_absolute_url(),
    )


def _grant(share: Share, groups: list[Group]) -> None:
    permission = Permission.objects.get(
        content_type__app_label="exchange", codename=VIEW_PERMISSION
    )
    ShareGroupObjectPermission.objects.bulk_create(
        [
            ShareGroupObjectPermission(group=g, permission=permission, content_object=share)
            for g in groups
        ],
        ignore_conflicts=True,
    )
    scopes.bump(scopes.group_scope(g.pk) for g in groups)


@retry_on_deadlock
@transaction.atomic
def grant_judicial_use(share: Share, *, by: User, state: State, note: str = "") -> None:
    """The provider records its permission (H1) for one state to use the share in court."""
    share = _lock(share)
    if not may_grant_judicial_use(by, share):
        raise ExchangeError(
            _("Only the originating state records permission for judicial use."),
            code="forbidden",
        )
    if not share.recipient_states.filter(pk=state.pk).exists():
        raise ExchangeError(_("Choose a state the share was released to."), field="state")
    _permission, created = JudicialPermission.objects.get_or_create(
        share=share, state=state, defaults={"granted_by": by, "note": note.strip()[:300]}
    )
    if created:
        audit.log(share, "exchange.judicial_use.permitted", actor=by, data={"state": state.code})


FILE_FORMATS = ("misp", "stix")


@retry_on_deadlock
@transaction.atomic
def export_to_national_system(
    share: Share, *, user: User, file_format: str
) -> JudicialPermission | None:
    """The share as a MISP event or a STIX bundle for the reader's own system.

    It is an export for intelligence use under the one export rule (never RED), not for
    judicial use: the file carries H1, so that the receiving system keeps the restriction.
    Returns the provider's permission for judicial use that the reader's state holds, if any,
    which the file names beside H1."""
    if share.status != Share.Status.RELEASED:
        raise ExchangeError(_("Only a released share is exported."), code="forbidden")
    refusal = export_refusal(user, share, "intelligence")
    if refusal:
        raise ExchangeError(refusal, code="forbidden")
    if file_format not in FILE_FORMATS:
        raise ExchangeError(_("Choose MISP or STIX."), field="format")
    ShareRead.objects.create(share=share, user=user, via=ShareRead.Via.EXPORT)
    audit.log(
        share,
        "exchange.share.exported",
        actor=user,
        data={"purpose": "intelligence", "format": file_format},
    )
    if user.state_id is None or H1 not in (share.handling_codes or ()):
        return None
    return share.judicial_permissions.filter(state_id=user.state_id).first()


@retry_on_deadlock
@transaction.atomic
def export_share(share: Share, *, user: User, purpose: str) -> dict[str, Any]:
    """The share as a document to keep outside the portal; refused where its handling binds."""
    refusal = export_refusal(user, share, purpose)
    if refusal:
        code = "invalid" if purpose not in EXPORT_PURPOSES else "forbidden"
        raise ExchangeError(refusal, field="purpose" if code == "invalid" else None, code=code)
    ShareRead.objects.create(share=share, user=user, via=ShareRead.Via.EXPORT)
    audit.log(share, "exchange.share.exported", actor=user, data={"purpose": purpose})
    return {
        "id": share.pk,
        "title": share.title,
        "template": f"{share.template.slug}@{share.template.version}",
        "originating_state": share.originating_state.code,
        "tlp": share.tlp,
        "handling_codes": list(share.handling_codes or ()),
        "handling_note": share.handling_note,
        "evaluation": share.evaluation,
        "content": share.content,
        "content_hash": share.approval.content_hash if share.approval is not None else None,
        "purpose": purpose,
        "exported_by": user.get_username(),
        "exported_at": timezone.now().isoformat(),
    }
