"""A meeting's timetable (its sessions) and its minutes, adopted by the member states."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cica_portal import approvals, audit
from cica_portal.models import ApprovalRequest, State, User
from cica_portal.notifications import Notice, notify, secretariat_users
from cica_portal.transactions import retry_on_deadlock

from ..models import Meeting, MeetingDocument, MinutesAdoption, Session
from .errors import MeetingError

MINUTES_PURPOSE = "meetings.minutes"


def _check_secretariat(by: User | None) -> None:
    if by is None or not by.is_secretariat:
        raise MeetingError(_("Only the Secretariat keeps the timetable."), code="forbidden")


@retry_on_deadlock
@transaction.atomic
def save_timetable(meeting: Meeting, *, by: User, sessions: list[dict]) -> None:
    """Make the meeting's timetable these sessions: each a dict of title, start, end, chair,
    speakers, agenda_items and the pk of an existing session to change; others go."""
    _check_secretariat(by)
    meeting = Meeting.objects.select_for_update(of=("self",), no_key=True).get(pk=meeting.pk)
    existing = {session.pk: session for session in meeting.sessions.all()}
    own_items = set(meeting.agenda_items.values_list("pk", flat=True))
    for data in sessions:
        if not Meeting.ends_after_start(data.get("start"), data.get("end")):
            raise MeetingError(_("A session must end after it starts."), field="end")
        if any(item.pk not in own_items for item in data.get("agenda_items", [])):
            raise MeetingError(_("Choose agenda items of this meeting."), field="agenda_items")
    kept = {data["pk"] for data in sessions if data.get("pk") in existing}
    removed = sorted(set(existing) - kept)
    meeting.sessions.filter(pk__in=removed).delete()
    for data in sessions:
        pk = data.get("pk")
        session = (existing.get(pk) if pk is not None else None) or Session(meeting=meeting)
        for name in ("title", "start", "end"):
            setattr(session, name, data[name])
        session.chair = data.get("chair", "")
        session.speakers = data.get("speakers", "")
        session.save()
        session.agenda_items.set(data.get("agenda_items", []))
    audit.log(
        meeting,
        "meetings.timetable.changed",
        actor=by,
        data={
            "sessions": [
                {"title": d["title"], "start": d["start"].isoformat(), "end": d["end"].isoformat()}
                for d in sessions
            ],
            "removed": removed,
        },
    )


def _file_hash(document: MeetingDocument) -> str:
    digest = hashlib.sha256()
    with document.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


@retry_on_deadlock
@transaction.atomic
def circulate_minutes(
    document: MeetingDocument,
    *,
    by: User,
    deadline: datetime | None = None,
    silence_until: datetime | None = None,
) -> MinutesAdoption:
    """Circulate draft minutes to every member state for adoption: by consensus before a
    deadline, or (with `silence_until`) adopted then unless a state breaks the silence. The
    draft is readable by every network member while it is circulated."""
    if not by.is_secretariat:
        raise MeetingError(_("Only the Secretariat circulates minutes."), code="forbidden")
    document = (
        MeetingDocument.objects.select_for_update(of=("self",), no_key=True)
        .select_related("meeting")
        .get(pk=document.pk)
    )
    if document.kind != MeetingDocument.DocKind.MINUTES:
        raise MeetingError(_("Only minutes are circulated for adoption."), field="document")
    if document.adoptions.filter(
        status__in=[MinutesAdoption.Status.CIRCULATED, MinutesAdoption.Status.ADOPTED]
    ).exists():
        raise MeetingError(_("These minutes are already circulated or adopted."), code="conflict")
    adoption = MinutesAdoption.objects.create(
        document=document, file_hash=_file_hash(document), circulated_by=by
    )
    rule = ApprovalRequest.Rule.SILENCE if silence_until else ApprovalRequest.Rule.CONSENSUS
    request = approvals.open_request(
        adoption,
        purpose=MINUTES_PURPOSE,
        title=_("Adopt the minutes: %(title)s") % {"title": document.title},
        content=adoption.approval_content(),
        states=State.objects.members(),
        opened_by=by,
        deadline=deadline,
        rule=rule,
        silence_until=silence_until,
    )
    adoption.approval = request
    adoption.save(update_fields=["approval"])
    if document.access != MeetingDocument.Access.ALL_MEMBERS:
        document.access = MeetingDocument.Access.ALL_MEMBERS
        document.save(update_fields=["access"])
    audit.log(
        adoption,
        "meetings.minutes.circulated",
        actor=by,
        data={"document": document.pk, "approval": request.pk, "rule": rule},
    )
    return adoption


def minutes_decided(
    adoption: MinutesAdoption, request: ApprovalRequest, *, actor: User | None = None
) -> None:
    """Called by the approval mechanism, in its transaction, when the request closes: adopted
    minutes are the meeting's published minutes, read by every network member."""
    adoption = (
        MinutesAdoption.objects.select_for_update(of=("self",), no_key=True)
        .select_related("document__meeting")
        .get(pk=adoption.pk)
    )
    if adoption.status != MinutesAdoption.Status.CIRCULATED:
        return
    adopted = request.status == ApprovalRequest.Status.APPROVED
    adoption.status = (
        MinutesAdoption.Status.ADOPTED if adopted else MinutesAdoption.Status.NOT_ADOPTED
    )
    adoption.decided_at = timezone.now()
    adoption.save(update_fields=["status", "decided_at"])
    audit.log(
        adoption,
        f"meetings.minutes.{adoption.status}",
        actor=actor,
        data={"approval": request.pk, "approval_status": request.status},
    )
    meeting = adoption.document.meeting
    notify(
        secretariat_users(),
        key=f"meetings:minutes:{adoption.pk}:{adoption.status}",
        notice=Notice(
            gettext_lazy("Minutes adopted: %(meeting)s")
            if adopted
            else gettext_lazy("Minutes not adopted: %(meeting)s"),
            gettext_lazy("The member states adopted the minutes “%(title)s”; they are published.")
            if adopted
            else gettext_lazy(
                "The member states did not adopt the minutes “%(title)s”; revise and circulate "
                "them again."
            ),
            {"meeting": meeting.title, "title": adoption.document.title},
        ),
        url=meeting.get_absolute_url(),
    )


def void_circulation_of_revised_minutes(
    document: MeetingDocument, *, by: User, version: int, language: str
) -> MinutesAdoption | None:
    """A new version of minutes under adoption voids the consent asked for the old file: the
    open request is withdrawn (in the caller's transaction, through the approvals core) and
    the Secretariat is asked to circulate the new version again."""
    adoption = (
        MinutesAdoption.objects.filter(document=document, status=MinutesAdoption.Status.CIRCULATED)
        .select_related("approval")
        .first()
    )
    if adoption is None:
        return None
    if adoption.approval is not None:
        approvals.withdraw_request(adoption.approval, actor=by)
    # Without a request (or if its callback did not run) the adoption ends here all the same.
    MinutesAdoption.objects.filter(pk=adoption.pk, status=MinutesAdoption.Status.CIRCULATED).update(
        status=MinutesAdoption.Status.WITHDRAWN, decided_at=timezone.now()
    )
    adoption.refresh_from_db(fields=["status", "decided_at"])
    audit.log(
        adoption,
        "meetings.minutes.revised",
        actor=by,
        data={
            "document": document.pk,
            "approval": adoption.approval_id,
            "language": language,
            "version": version,
            "withdrawn_hash": adoption.file_hash,
        },
    )
    meeting = document.meeting
    notify(
        secretariat_users(),
        key=f"meetings:minutes:{adoption.pk}:revised",
        notice=Notice(
            gettext_lazy("Minutes revised, circulate them again: %(meeting)s"),
            gettext_lazy(
                "A new version of the minutes “%(title)s” was uploaded while the member states "
                "were asked to adopt them, so that request is withdrawn and its answers no "
                "longer count. Circulate the new version for adoption."
            ),
            {"meeting": meeting.title, "title": document.title},
        ),
        url=meeting.get_absolute_url(),
    )
    return adoption


def minutes_withdrawn(request: ApprovalRequest, *, actor: User | None = None) -> None:
    """The request was withdrawn: the minutes are no longer circulated."""
    MinutesAdoption.objects.filter(
        approval=request, status=MinutesAdoption.Status.CIRCULATED
    ).update(status=MinutesAdoption.Status.WITHDRAWN, decided_at=timezone.now())
