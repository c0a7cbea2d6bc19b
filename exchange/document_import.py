"""Import of a state's list of lost and stolen documents from a CSV file (for border systems).

Each line goes through the services a focal point uses for one document: a new document is a
lost/stolen share drafted and put to its own state's consent (`services.create_share`,
`services.submit_share`), whose notice is made when it is released; a document already
noticed is changed (`document_services.change_notice`). There is no second path.

The whole file is one transaction, each line a savepoint, so that every wrong line is named at
once. A dry run, or a file with any wrong line, is rolled back: nothing is written. The issuing
state is always the importing user's state, never a column of the file.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cica_portal.errors import DomainError
from cica_portal.models import State, User

from . import document_selectors as docs
from . import document_services, services
from .forms import DOCUMENT_TYPES
from .models import LOST_STOLEN_SLUG, DocumentNotice, ShareTemplate
from .validation import ContentErrors, normalise_document_number, validate_content

REQUIRED_COLUMNS = (
    "document_number",
    "document_type",
    "lost_or_stolen",
    "date_lost_or_stolen",
    "reported_to_interpol",
)
OPTIONAL_COLUMNS = (
    "place_lost_or_stolen",
    "reported_to_interpol_on",
    "remarks",
    "status",
    "recovered_on",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
ENCODINGS = ("utf-8", "windows-1251")
_TRUE = {"yes", "true", "1", "y", "да", "д"}
_FALSE = {"no", "false", "0", "n", "нет", "н", ""}
# The statuses a new document may start with (the others are changes of a noticed one).
_NEW_STATUSES = {"", "lost", "stolen", "stolen_blank"}
_DOCUMENT_TYPES = {name.lower(): name for name in DOCUMENT_TYPES}


class DocumentImportError(DomainError):
    """The file as a whole cannot be read (too big, not text, no header): field "file"."""


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class ImportReport:
    dry_run: bool
    lines: int = 0
    new: list[int] = field(default_factory=list)  # line numbers
    changed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    share_ids: list[int] = field(default_factory=list)  # of the new documents, once imported

    @property
    def imported(self) -> bool:
        return not self.dry_run and not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "imported": self.imported,
            "lines": self.lines,
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "errors": [e.as_dict() for e in self.errors],
            "shares": self.share_ids if self.imported else [],
        }


class _RollBack(Exception):
    pass


# --- reading the file --------------------------------------------------------------------------


def refuse_too_big(size: int) -> None:
    """A file over DOCUMENT_IMPORT_MAX_BYTES is refused before it is read."""
    if size > settings.DOCUMENT_IMPORT_MAX_BYTES:
        raise DocumentImportError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.DOCUMENT_IMPORT_MAX_BYTES),
            },
            field="file",
        )


def decode(data: bytes, encoding: str = "utf-8") -> str:
    """The file's text: UTF-8 (with or without the byte order mark Excel writes), UTF-16 when
    it starts with its byte order mark, or Windows-1251 when the user says so."""
    refuse_too_big(len(data))
    if not data.strip():
        raise DocumentImportError(_("The file is empty."), field="file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if encoding not in ENCODINGS:
        raise DocumentImportError(_("Choose UTF-8 or Windows-1251."), field="encoding")
    try:
        return data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as error:
        raise DocumentImportError(
            _(
                'The file is not UTF-8 text (byte %(position)s). Save it as "CSV UTF-8", or '
                "choose the Windows-1251 encoding."
            )
            % {"position": error.start + 1},
            field="file",
        ) from error


def _delimiter(header_line: str) -> str:
    # Excel writes ";" where the decimal mark is a comma (Russian settings), "," elsewhere.
    return max((",", ";", "\t"), key=header_line.count)


def _header_errors(header: list[str]) -> list[LineError]:
    errors = []
    for name in header:
        if name == "issuing_state":
            errors.append(
                LineError(
                    1,
                    name,
                    _(
                        "Leave this column out: the issuing state is always your own state, "
                        "and only its documents are imported."
                    ),
                )
            )
        elif name not in COLUMNS:
            errors.append(
                LineError(1, name, _("Unknown column. The columns are: %s.") % ", ".join(COLUMNS))
            )
    for name in REQUIRED_COLUMNS:
        if name not in header:
            errors.append(LineError(1, name, _("This column is missing.")))
    seen: set[str] = set()
    for name in header:
        if name in seen:
            errors.append(LineError(1, name, _("This column is given twice.")))
        seen.add(name)
    return errors


def read_rows(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[LineError]]:
    """(line number, {column: value}) for each non-blank line after the header, and the errors
    of the header and of lines with the wrong number of values."""
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise DocumentImportError(_("The file is empty."), field="file") from None
    except csv.Error as error:
        raise DocumentImportError(str(error), field="file") from error
    errors = _header_errors(header)
    if errors:
        return [], errors
    rows: list[tuple[int, dict[str, str]]] = []
    line = reader.line_num + 1
    try:
        for values in reader:
            start, line = line, reader.line_num + 1
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                errors.append(
                    LineError(
                        start,
                        "",
                        _("This line has %(given)s values; the header has %(expected)s.")
                        % {"given": len(values), "expected": len(header)},
                    )
                )
                continue
            rows.append((start, {k: v.strip() for k, v in zip(header, values, strict=True)}))
    except csv.Error as error:
        errors.append(LineError(line, "", str(error)))
    limit = settings.DOCUMENT_IMPORT_MAX_ROWS
    if len(rows) + len(errors) > limit:
        raise DocumentImportError(
            _("The file has %(count)s documents; import at most %(limit)s at a time.")
            % {"count": len(rows) + len(errors), "limit": limit},
            field="file",
        )
    return rows, errors


# --- one line ----------------------------------------------------------------------------------


def _boolean(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise DocumentImportError(_("Write yes or no."), field=name)


def _date(value: str, name: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise DocumentImportError(_("Write the date as YYYY-MM-DD."), field=name) from None


def _content(row: dict[str, str], state: State, template: ShareTemplate) -> dict[str, Any]:
    """The share's content of a line; every wrong value of the line named at once."""
    errors = ContentErrors()
    try:
        reported: bool | None = _boolean(row["reported_to_interpol"], "reported_to_interpol")
    except DocumentImportError as error:
        errors.add("reported_to_interpol", str(error.message))
        reported = None
    content: dict[str, Any] = {
        "document_number": row["document_number"],
        "document_type": row["document_type"],
        "issuing_state": state.code,  # from the user, never from the file
        "lost_or_stolen": row["lost_or_stolen"].capitalize(),
        "date_lost_or_stolen": row["date_lost_or_stolen"],
        "reported_to_interpol": bool(reported),
    }
    for name in ("place_lost_or_stolen", "reported_to_interpol_on", "remarks"):
        if row.get(name):
            content[name] = row[name]
    _clean, more = validate_content(template, content)
    for name, messages in more.items():
        for message in messages:
            errors.add(name, message)
    if errors:
        raise services.ShareContentError(errors)
    return content


def _change(notice: DocumentNotice, row: dict[str, str], *, by: User) -> bool:
    """Change a noticed document as its line says; False when the line says what it is."""
    status = row.get("status", "").lower() or None
    recovered_on = _date(row.get("recovered_on", ""), "recovered_on")
    reported = _boolean(row["reported_to_interpol"], "reported_to_interpol")
    changes: dict[str, Any] = {}
    if status is not None and status != notice.status:
        changes.update(status=status, recovered_on=recovered_on)
    if reported != notice.reported_to_sltd:
        changes["reported_to_sltd"] = reported
    if not changes:
        return False
    document_services.change_notice(notice, by=by, **changes)
    return True


@dataclass
class _Batch:
    by: User
    template: ShareTemplate
    recipient_states: list[State]
    secretariat_may_read: bool
    report: ImportReport
    seen: dict[tuple[str, str], int] = field(default_factory=dict)  # document -> its line


def _import_line(batch: _Batch, line: int, row: dict[str, str]) -> None:
    by, report = batch.by, batch.report
    # "passport" is "Passport": the template's choices, whatever the case in the file.
    row["document_type"] = _DOCUMENT_TYPES.get(row["document_type"].lower(), row["document_type"])
    number = normalise_document_number(row["document_number"])
    key = (row["document_type"], number)
    if number and key in batch.seen:
        raise DocumentImportError(
            _("The same document is on line %(line)s.") % {"line": batch.seen[key]},
            field="document_number",
        )
    batch.seen[key] = line
    notice = (
        docs.existing_notice(by.national_state_id, row["document_type"], number) if number else None
    )
    if notice is not None:
        (report.changed if _change(notice, row, by=by) else report.unchanged).append(line)
        return
    if row.get("status", "").lower() not in _NEW_STATUSES:
        raise DocumentImportError(
            _("This document has no notice yet: a new document is lost, stolen or stolen_blank."),
            field="status",
        )
    content = _content(row, by.national_state, batch.template)
    share = services.create_share(
        author=by,
        template=batch.template,
        title=f"{content['lost_or_stolen']} {row['document_type']} {row['document_number']}",
        content=content,
        recipient_states=batch.recipient_states,
        secretariat_may_read=batch.secretariat_may_read,
    )
    services.submit_share(share, actor=by)
    report.new.append(line)
    report.share_ids.append(share.pk)


def _line_errors(line: int, error: DomainError) -> list[LineError]:
    content_errors = getattr(error, "errors", None)
    if content_errors:
        return [
            LineError(line, name, str(message))
            for name, messages in content_errors.items()
            for message in messages
        ]
    return [LineError(line, error.field or "", str(error.message))]


# --- the import --------------------------------------------------------------------------------


def import_documents(
    data: bytes,
    *,
    by: User,
    dry_run: bool,
    recipient_states: Iterable[State] = (),
    secretariat_may_read: bool = False,
    encoding: str = "utf-8",
) -> ImportReport:
    """Import a focal point's CSV list of its own state's lost and stolen documents: every wrong
    line is reported (line, column, message); a dry run, or any wrong line, writes nothing."""
    if not by.is_focal_point:
        raise DocumentImportError(
            _("Only a focal point imports its state's documents."), code="forbidden"
        )
    recipient_states = list(recipient_states)
    if not recipient_states and not secretariat_may_read:
        raise DocumentImportError(
            _("Name at least one recipient state before asking for consent."),
            field="recipient_states",
        )
    rows, errors = read_rows(decode(data, encoding))
    report = ImportReport(dry_run=dry_run, lines=len(rows) + len(errors), errors=errors)
    if report.errors and not rows:
        return report
    batch = _Batch(
        by=by,
        template=ShareTemplate.objects.get(slug=LOST_STOLEN_SLUG, is_current=True),
        recipient_states=list(recipient_states),
        secretariat_may_read=secretariat_may_read,
        report=report,
    )
    try:
        with transaction.atomic():
            for line, row in rows:
                try:
                    with transaction.atomic():  # a savepoint: a wrong line leaves no trace
                        _import_line(batch, line, row)
                except DomainError as error:
                    if error.code == "forbidden":
                        raise
                    report.errors.extend(_line_errors(line, error))
            if dry_run or report.errors:
                raise _RollBack
    except _RollBack:
        pass
    report.errors.sort(key=lambda e: e.line)
    return report
