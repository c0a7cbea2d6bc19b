"""A badge's code: the meeting and the delegate's numbers and a keyed signature, nothing
personal. Short enough to type at the door when the camera fails (e.g. 12-345-k3v9q2m7w4xt8)."""

from __future__ import annotations

import base64

import segno
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "meetings.badge"


def _signature(meeting_pk: int, delegate_pk: int) -> str:
    digest = salted_hmac(SALT, f"{meeting_pk}-{delegate_pk}", algorithm="sha256").digest()
    return base64.b32encode(digest[:10]).decode().lower()


def badge_code(delegate) -> str:
    """The code printed on the delegate's badge, as text and as a QR code."""
    meeting_pk = delegate.registration.meeting_id
    return f"{meeting_pk}-{delegate.pk}-{_signature(meeting_pk, delegate.pk)}"


def read_badge_code(code: str) -> tuple[int, int] | None:
    """(meeting, delegate) of a genuine code; None for anything else, forged or mistyped."""
    parts = (code or "").strip().lower().replace(" ", "").split("-")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    if len(parts[0]) > 12 or len(parts[1]) > 12:
        return None
    meeting_pk, delegate_pk = int(parts[0]), int(parts[1])
    if not constant_time_compare(parts[2], _signature(meeting_pk, delegate_pk)):
        return None
    return meeting_pk, delegate_pk


def badge_qr_svg(delegate) -> str:
    """The QR code of the badge's code, as inline SVG (no script, no external image)."""
    return segno.make(badge_code(delegate), error="m").svg_inline(scale=3, border=2)
