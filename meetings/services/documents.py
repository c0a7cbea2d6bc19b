"""Documents of a meeting: checked by content and size, stored under an unguessable name."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from cica_portal import audit
from cica_portal.models import User
from cica_portal.transactions import retry_on_deadlock
from cica_portal.uploads import refuse_unless_acceptable

from ..models import DocumentLanguage, Meeting, MeetingDocument
from .errors import MeetingError
from .library import enter_in_library


@retry_on_deadlock
@transaction.atomic
def upload_document(
    meeting: Meeting,
    *,
    by: User,
    upload: UploadedFile,
    kind: str,
    title: str,
    access: str,
    language: str = "en",
    title_ru: str = "",
) -> MeetingDocument:
    """Attach a document to a meeting with who may read it; it enters the library with its
    symbol, its file the first version of its language."""
    if not by.is_secretariat:
        raise MeetingError(_("Only the Secretariat attaches meeting documents."), code="forbidden")
    if kind not in MeetingDocument.DocKind.values:
        raise MeetingError(_("Choose what kind of document this is."), field="kind")
    if access not in MeetingDocument.Access.values:
        raise MeetingError(_("Choose who may read it."), field="access")
    if language not in DocumentLanguage.values:
        raise MeetingError(_("Choose English or Russian."), field="language")
    _extension, content_type = refuse_unless_acceptable(upload, MeetingError)
    document = MeetingDocument(
        meeting=meeting,
        kind=kind,
        title=title or upload.name or "",
        access=access,
        original_name=(upload.name or "document")[:255],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=by,
    )
    document.file.save(upload.name or "document", upload, save=False)
    document.save()
    entry = enter_in_library(document, by=by, language=language, title_ru=title_ru)
    audit.log(
        document,
        "meetings.document.uploaded",
        actor=by,
        data={
            "meeting": meeting.pk,
            "kind": kind,
            "access": access,
            "size": upload.size,
            "symbol": entry.symbol,
            "language": language,
        },
    )
    return document


@retry_on_deadlock
@transaction.atomic
def change_document(
    document: MeetingDocument, *, by: User, kind: str, title: str, access: str
) -> MeetingDocument:
    """Rename or reclassify a document, or change who may read it (its file stays)."""
    if not by.is_secretariat:
        raise MeetingError(_("Only the Secretariat attaches meeting documents."), code="forbidden")
    if kind not in MeetingDocument.DocKind.values:
        raise MeetingError(_("Choose what kind of document this is."), field="kind")
    if access not in MeetingDocument.Access.values:
        raise MeetingError(_("Choose who may read it."), field="access")
    document = MeetingDocument.objects.select_for_update(of=("self",), no_key=True).get(
        pk=document.pk
    )
    wanted = {"kind": kind, "title": title or document.title, "access": access}
    changes = {
        key: {"before": getattr(document, key), "after": value}
        for key, value in wanted.items()
        if getattr(document, key) != value
    }
    if not changes:
        return document
    for key in changes:
        setattr(document, key, wanted[key])
    document.save(update_fields=list(changes))
    audit.log(
        document,
        "meetings.document.changed",
        actor=by,
        data={"meeting": document.meeting_id, **changes},
    )
    return document
