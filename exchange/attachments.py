"""Attachments on shares: checked like every upload, sealed with the share's data key on disk.

Called by the share's services inside their transaction (an attachment is part of an edit: a
new file on a pending share asks every state again, as any change does)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.core.files.base import ContentFile

from cica_portal import envelope
from cica_portal.errors import DomainError
from cica_portal.models import User
from cica_portal.uploads import refuse_unless_acceptable

from .models import Share, ShareAttachment

MAX_NAME = 200


def check(upload: Any, error_class: type[DomainError]) -> tuple[str, str]:
    """The uploads' one content check (cica_portal/uploads.py): (extension, content type)."""
    return refuse_unless_acceptable(upload, error_class)


def attach(
    share: Share, upload: Any, *, actor: User, error_class: type[DomainError]
) -> ShareAttachment:
    """Seal the upload with the share's data key and keep it; the share must be locked and
    saved (it has its data key)."""
    extension, content_type = check(upload, error_class)
    data = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    key = envelope.unwrap(share.data_key)
    attachment = ShareAttachment(
        share=share,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    attachment.seal_name(str(getattr(upload, "name", "") or f"file.{extension}")[:MAX_NAME], key)
    sealed = envelope.seal(key, data, context=ShareAttachment.FILE_CONTEXT)
    # A random name on disk: the file's own name is sealed in the row.
    attachment.file.save(f"{uuid.uuid4().hex}.sealed", ContentFile(sealed.encode()), save=False)
    attachment.save(force_insert=True)
    return attachment


def read(attachment: ShareAttachment) -> bytes:
    """The file as uploaded; EnvelopeError without the master key or when changed on disk."""
    with attachment.file.open("rb") as handle:
        sealed = handle.read().decode()
    key = envelope.unwrap(attachment.share.data_key)
    return envelope.unseal(key, sealed, context=ShareAttachment.FILE_CONTEXT)
