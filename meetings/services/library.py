"""The document library: every meeting document gets a symbol (CICA/SWG/2027/DOC/3), a title in
both working languages, and language versions whose files are kept with their history."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cica_portal import audit
from cica_portal.models import User
from cica_portal.transactions import retry_on_deadlock
from cica_portal.uploads import refuse_unless_acceptable

from ..models import DocumentLanguage, DocumentVersion, LetterCounter, LibraryEntry, MeetingDocument
from .errors import MeetingError
from .letters import series_of
from .timetable import void_circulation_of_revised_minutes


def _next_symbol(document: MeetingDocument) -> str:
    """The next symbol of the meeting's series and year, under the counter's lock (documents
    are numbered apart from letters: CICA/SWG/2027/DOC/3 beside letter CICA/SWG/2027/3)."""
    meeting = document.meeting
    series, year = f"{series_of(meeting)}/DOC", meeting.local_start.year
    try:
        with transaction.atomic():  # a savepoint: a concurrent first document of the year wins
            LetterCounter.objects.get_or_create(series=series, year=year)
    except IntegrityError:
        pass
    counter = LetterCounter.objects.select_for_update().get(series=series, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"CICA/{series_of(meeting)}/{year}/DOC/{counter.last}"


def enter_in_library(
    document: MeetingDocument, *, by: User | None, language: str = "en", title_ru: str = ""
) -> LibraryEntry:
    """Give a new document its symbol and make its file the first version of its language
    (inside the upload's transaction)."""
    if language not in DocumentLanguage.values:
        raise MeetingError(_("Choose English or Russian."), field="language")
    entry = LibraryEntry.objects.create(
        document=document, symbol=_next_symbol(document), title_ru=title_ru
    )
    DocumentVersion.objects.create(
        document=document,
        language=language,
        number=1,
        file=document.file.name,
        original_name=document.original_name,
        content_type=document.content_type,
        size=document.size,
        uploaded_by=by,
    )
    return entry


@retry_on_deadlock
@transaction.atomic
def add_document_version(
    document: MeetingDocument,
    *,
    by: User,
    upload: UploadedFile,
    language: str,
    note: str = "",
    title_ru: str | None = None,
) -> DocumentVersion:
    """A new file of the document in one language (its Russian version, or a revision of
    either): numbered after that language's last; the earlier files stay in the history.
    Minutes under adoption are no longer what the states were shown: their request is
    withdrawn in this transaction and the Secretariat asked to circulate them again."""
    if not by.is_secretariat:
        raise MeetingError(_("Only the Secretariat attaches meeting documents."), code="forbidden")
    if language not in DocumentLanguage.values:
        raise MeetingError(_("Choose English or Russian."), field="language")
    _extension, content_type = refuse_unless_acceptable(upload, MeetingError)
    document = (
        MeetingDocument.objects.select_for_update(of=("self",), no_key=True)
        .select_related("meeting")
        .get(pk=document.pk)
    )
    entry = LibraryEntry.objects.filter(document=document).first() or enter_in_library(
        document, by=document.uploaded_by, language="en"
    )
    last = document.versions.filter(language=language).aggregate(last=Max("number"))["last"]
    version = DocumentVersion(
        document=document,
        language=language,
        number=(last or 0) + 1,
        original_name=(upload.name or "document")[:255],
        content_type=content_type,
        size=upload.size or 0,
        note=note,
        uploaded_by=by,
    )
    version.file.save(upload.name or "document", upload, save=False)
    version.save()
    if title_ru is not None and title_ru != entry.title_ru:
        entry.title_ru = title_ru
        entry.save(update_fields=["title_ru"])
    first = document.versions.order_by("number", "pk").first()
    if first is not None and first.language == language:
        # The document's own file is its first language's newest version.
        document.file.name, document.original_name = version.file.name, version.original_name
        document.content_type, document.size = version.content_type, version.size
        document.save(update_fields=["file", "original_name", "content_type", "size"])
    if document.kind == MeetingDocument.DocKind.MINUTES:
        void_circulation_of_revised_minutes(
            document, by=by, version=version.number, language=language
        )
    audit.log(
        document,
        "meetings.document.version_added",
        actor=by,
        data={
            "symbol": entry.symbol,
            "language": language,
            "version": version.number,
            "size": version.size,
            "note": note,
        },
    )
    return version
