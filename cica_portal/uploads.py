"""Check an uploaded file by what it is (its first bytes), not by what it is called: the one
check of meeting documents and report attachments, in forms, the admin and the services."""

from __future__ import annotations

from typing import Any

import filetype  # type: ignore[import-untyped]  # ships no type information
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

# The extension filetype detects → the content type we serve it with.
ALLOWED = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "png": "image/png",
    "jpg": "image/jpeg",
}
HEAD_BYTES = 8192


def inspect_upload(upload: Any) -> tuple[str, str]:
    """Return (extension, content type) of an allowed upload; raise ValidationError otherwise."""
    size = getattr(upload, "size", 0) or 0
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            params={
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.UPLOAD_MAX_BYTES),
            },
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    # filetype reads only the head: magic numbers, and for office formats the zip member names.
    kind = filetype.guess(upload.read(HEAD_BYTES))
    upload.seek(0)
    if kind is None or kind.extension not in ALLOWED:
        raise ValidationError(
            _(
                "This type of file is not accepted. Upload a PDF, Word, Excel, PowerPoint, "
                "OpenDocument text, PNG or JPEG file."
            ),
            code="file_type",
        )
    return kind.extension, ALLOWED[kind.extension]


def refuse_unless_acceptable(upload: Any, error_class: type[DomainError]) -> tuple[str, str]:
    """`inspect_upload` for a service: a refusal is the app's domain error on the field "file"."""
    try:
        return inspect_upload(upload)
    except ValidationError as error:
        raise error_class(error.messages[0], field="file") from error


def validate_upload(upload: Any) -> None:
    """Field validator: the same check, for forms and the admin."""
    if hasattr(upload, "seek") and not getattr(upload, "_committed", False):
        inspect_upload(upload)
