"""The plan itself: loading it from the document, moving an item's status, asking for approval."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import approvals, audit, bilingual, decisions
from cica_portal.models import ApprovalRequest, Area, RegisteredDecision, State, User
from cica_portal.notifications import phrase
from cica_portal.transactions import retry_on_deadlock

from .. import selectors
from ..models import ItemStatusChange, PlanItem
from .errors import ActionPlanError

DATA_FILE = selectors.DATA_FILE
ITEM_PURPOSE = "actionplan.item"
APPROVAL_DAYS = 30

Status = PlanItem.Status


@retry_on_deadlock
@transaction.atomic
def load_plan(path: Path | str = DATA_FILE) -> dict[str, int]:
    """Load the plan's activities and numbered items word for word; running it again changes
    nothing (statuses set since then are kept)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    areas = {area.number: area for area in Area.objects.all()}
    created = updated = 0
    for area_data in data["areas"]:
        area = areas.get(area_data["number"])
        if area is None:
            raise ActionPlanError(
                _("Area %(n)s is missing from the reference data.") % {"n": area_data["number"]}
            )
        rows = [
            (
                PlanItem.Kind.ACTIVITY,
                1,
                area_data["activity"]["title"],
                area_data["activity"]["text"],
            )
        ]
        rows += [
            (PlanItem.Kind.ISSUE, entry["number"], "", entry["text"])
            for entry in area_data["items"]
        ]
        rows += [
            (PlanItem.Kind.TOPIC, entry["number"], "", entry["text"])
            for entry in area_data.get("topics", [])
        ]
        for kind, number, title, text in rows:
            item, was_created = PlanItem.objects.get_or_create(
                area=area, kind=kind, number=number, defaults={"title_en": title, "text_en": text}
            )
            if was_created:
                created += 1
                reason = bilingual.in_every_language(
                    lambda: _("Adopted in the Action Plan of %(date)s.") % {"date": data["adopted"]}
                )
                ItemStatusChange.objects.create(
                    item=item,
                    from_status="",
                    to_status=item.status,
                    via=ItemStatusChange.Via.PLAN,
                    reason_en=reason["en"],
                    reason_ru=reason["ru"],
                    ru_status=bilingual.LanguageStatus.OFFICIAL,
                )
            elif (
                bilingual.version(item, "title", "en"),
                bilingual.version(item, "text", "en"),
            ) != (title, text):
                # the English columns are modeltranslation's (actionplan/translation.py)
                setattr(item, "title_en", title)  # noqa: B010
                setattr(item, "text_en", text)  # noqa: B010
                item.save(update_fields=["title", "text", "title_en", "text_en"])
                updated += 1
    if created or updated:
        audit.log(None, "actionplan.plan.loaded", data={"created": created, "updated": updated})
    return {"created": created, "updated": updated}


RUSSIAN_FILE = selectors.RUSSIAN_FILE


@transaction.atomic
def load_plan_translation(
    path: Path | str = RUSSIAN_FILE, *, status: str | None = None, actor: User | None = None
) -> dict[str, int]:
    """Load the Russian version of the plan's texts, with its status: the portal's draft
    translation ships in `action-plan-2008.ru.json`; the Secretariat loads the official one
    the same way (`manage.py load_plan_translation FILE --status official`). Items with no
    entry in the file keep what they had; running it again changes nothing."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    status = status or data.get("status") or bilingual.LanguageStatus.DRAFT
    if status not in bilingual.LanguageStatus.values:
        raise ActionPlanError(_("Unknown status of a translation: %(s)s.") % {"s": status})
    items = {
        (item.area.number, item.kind, item.number): item
        for item in PlanItem.objects.select_related("area").select_for_update(of=("self",))
    }
    changed = 0
    for area_data in data["areas"]:
        number = area_data["number"]
        texts = [(PlanItem.Kind.ACTIVITY, 1, area_data.get("activity") or {})]
        for kind, key in ((PlanItem.Kind.ISSUE, "items"), (PlanItem.Kind.TOPIC, "topics")):
            texts += [(kind, int(n), {"text": t}) for n, t in area_data.get(key, {}).items()]
        for kind, n, text in texts:
            item = items.get((number, kind, n))
            if item is None or not text:
                continue
            wanted = {
                "title_ru": text.get("title", bilingual.version(item, "title", "ru") or ""),
                "text_ru": text.get("text", bilingual.version(item, "text", "ru") or ""),
                "ru_status": status,
            }
            if any(getattr(item, name) != value for name, value in wanted.items()):
                for name, value in wanted.items():
                    setattr(item, name, value)
                item.save(update_fields=list(wanted))
                changed += 1
    if changed:
        audit.log(
            None,
            "actionplan.plan.translation_loaded",
            actor=actor,
            data={"language": "ru", "status": status, "changed": changed},
        )
    return {"changed": changed}


def _record(
    item: PlanItem,
    to_status: str,
    *,
    actor: User | None,
    reason: str,
    via: str,
    approval: ApprovalRequest | None = None,
    basis: str = "",
    basis_meeting: Model | None = None,
) -> ItemStatusChange:
    change = ItemStatusChange.objects.create(
        item=item,
        from_status=item.status,
        to_status=to_status,
        via=via,
        by=actor,
        reason=reason,
        approval=approval,
        basis=basis,
        basis_meeting_id=basis_meeting.pk if basis_meeting else None,
    )
    audit.log(
        item,
        "actionplan.item.status_changed",
        actor=actor,
        data={
            "from": item.status,
            "to": to_status,
            "via": via,
            "reason": reason,
            "approval": approval.pk if approval else None,
            "basis": basis,
            "basis_meeting": basis_meeting.pk if basis_meeting else None,
        },
    )
    item.status = to_status
    item.save(update_fields=["status"])
    return change


@retry_on_deadlock
@transaction.atomic
def change_status(
    item: PlanItem,
    *,
    to_status: str,
    actor: User,
    reason: str,
    basis: str = "",
    basis_meeting: Model | None = None,
) -> PlanItem:
    """A Secretariat decision moves an item's status, with the reason recorded and what it rests
    on: the meeting that agreed it (`basis_meeting`), the decision's reference (`basis`), or
    both; one of them is required."""
    if not actor.is_secretariat:
        raise ActionPlanError(_("Only the Secretariat decides an item's status."), code="forbidden")
    item = PlanItem.objects.select_for_update(of=("self",), no_key=True).get(pk=item.pk)
    reason = (reason or "").strip()
    if to_status not in Status.values:
        raise ActionPlanError(_("Choose one of the statuses."), field="to_status")
    if to_status == Status.PROPOSED:
        raise ActionPlanError(
            _("An item in the plan cannot go back to proposed; defer it instead."),
            field="to_status",
        )
    if to_status == item.status:
        raise ActionPlanError(_("The item already has this status."), field="to_status")
    if not reason:
        raise ActionPlanError(_("Say why the status changes."), field="reason")
    basis = (basis or "").strip()
    if not (basis or basis_meeting):
        raise ActionPlanError(
            _("Name the meeting or the decision this status change rests on."), field="basis"
        )
    if selectors.open_request_of(item) is not None:
        raise ActionPlanError(
            _(
                "Member states are being asked to approve this item. Withdraw that request "
                "before deciding its status."
            ),
            code="conflict",
        )
    from_label = Status(item.status).label
    change = _record(
        item,
        to_status,
        actor=actor,
        reason=reason,
        via=ItemStatusChange.Via.DECISION,
        basis=basis,
        basis_meeting=basis_meeting,
    )
    decisions.record_decision(
        item,
        source=ITEM_PURPOSE,
        kind=RegisteredDecision.Kind.PLAN_DECISION,
        title=_("Action Plan %(label)s: from %(from)s to %(to)s")
        % {"label": item.label, "from": from_label, "to": Status(to_status).label},
        text=reason,
        origin=f"actionplan.status:{change.pk}",
        by=actor,
        basis="; ".join(part for part in (str(basis_meeting or ""), basis) if part),
    )
    return item


def item_content(item: PlanItem) -> dict:
    """An item's text as member states approve it (its hash is what a consent covers): both
    language versions, so a change to either is a new version."""
    return {
        "area": item.area.number,
        "kind": item.kind,
        "number": item.number,
        "title": bilingual.version(item, "title", "en") or "",
        "text": bilingual.version(item, "text", "en") or "",
        "ru": {
            "title": bilingual.version(item, "title", "ru") or "",
            "text": bilingual.version(item, "text", "ru") or "",
        },
    }


@retry_on_deadlock
@transaction.atomic
def put_to_approval(
    item: PlanItem,
    *,
    actor: User,
    deadline: datetime | None = None,
    silence_until: datetime | None = None,
) -> ApprovalRequest:
    """The Secretariat asks all member states to approve an item under consideration: by
    consensus before a deadline, or (with `silence_until`) under the silence procedure."""
    if not actor.is_secretariat:
        raise ActionPlanError(_("Only the Secretariat puts items to approval."), code="forbidden")
    item = (
        PlanItem.objects.select_for_update(of=("self",), no_key=True)
        .select_related("area")
        .get(pk=item.pk)
    )
    if item.status not in selectors.APPROVABLE_STATUSES:
        raise ActionPlanError(
            _("Only an item under consideration can be put to member states' approval."),
            code="conflict",
        )
    if selectors.open_request_of(item) is not None:
        raise ActionPlanError(
            _("Member states are already asked to approve this item."), code="conflict"
        )
    if silence_until is None:
        deadline = deadline or timezone.now() + timedelta(days=APPROVAL_DAYS)
    request = approvals.open_request(
        item,
        purpose=ITEM_PURPOSE,
        title=phrase(
            gettext_lazy("Action Plan %(label)s: %(text)s"),
            {"label": item.label, "text": bilingual.lazy_field(item, "text", 200)},
        ),
        content=item_content(item),
        states=State.objects.members(),
        opened_by=actor,
        deadline=deadline,
        rule=ApprovalRequest.Rule.SILENCE if silence_until else ApprovalRequest.Rule.CONSENSUS,
        silence_until=silence_until,
    )
    audit.log(item, "actionplan.item.put_to_approval", actor=actor, data={"approval": request.pk})
    return request


@retry_on_deadlock
@transaction.atomic
def withdraw_item_approval(item: PlanItem, *, actor: User) -> ApprovalRequest:
    """The Secretariat takes back an open request about an item."""
    if not actor.is_secretariat:
        raise ActionPlanError(_("Only the Secretariat withdraws a request."), code="forbidden")
    request = selectors.open_request_of(item)
    if request is None:
        raise ActionPlanError(_("No request about this item is open."), code="conflict")
    return approvals.withdraw_request(request, actor=actor)


def item_approval_closed(item: PlanItem, request: ApprovalRequest, *, actor: User | None) -> None:
    """Approval by every member state moves the item to approved; any other outcome leaves it."""
    item = PlanItem.objects.select_for_update(of=("self",), no_key=True).get(pk=item.pk)
    if request.status == ApprovalRequest.Status.APPROVED and item.status != Status.APPROVED:
        _record(
            item,
            Status.APPROVED,
            actor=actor,
            reason=_("Approved by the member states (request %(pk)s).") % {"pk": request.pk},
            via=ItemStatusChange.Via.APPROVAL,
            approval=request,
        )
    else:
        audit.log(
            item,
            "actionplan.item.approval_closed",
            actor=actor,
            data={"approval": request.pk, "outcome": request.status},
        )
