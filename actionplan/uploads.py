"""Check a report's attachment by what it is (its first bytes), not by what it is called."""

from __future__ import annotations

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .services.errors import ActionPlanError

# The extension filetype detects → the content type the file is served with.
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


def inspect_upload(upload) -> tuple[str, str]:
    """Return (extension, content type) of an acceptable upload, or raise ActionPlanError."""
    size = getattr(upload, "size", 0) or 0
    if size > settings.UPLOAD_MAX_BYTES:
        raise ActionPlanError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            field="file",
        )
    if size == 0:
        raise ActionPlanError(_("The file is empty."), field="file")
    upload.seek(0)
    kind = filetype.guess(upload.read(HEAD_BYTES))
    upload.seek(0)
    if kind is None or kind.extension not in ALLOWED:
        raise ActionPlanError(
            _(
                "This type of file is not accepted. Upload a PDF, Word, Excel, PowerPoint, "
                "OpenDocument text, PNG or JPEG file."
            ),
            field="file",
        )
    return kind.extension, ALLOWED[kind.extension]
