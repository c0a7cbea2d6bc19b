"""Two-factor authentication with TOTP (django-otp): required for the Secretariat and release
approvers, offered to focal points. A session counts as verified once a code was accepted."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .models import User


def is_required_for(user: User) -> bool:
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    return (
        user.is_staff
        or user.is_superuser
        or user.role in {User.Role.SECRETARIAT, User.Role.APPROVER}
    )


def needs_verification(user: User) -> bool:
    """Whether this authenticated session must pass a code before going further."""
    if not user.is_authenticated or user.is_verified():
        return False
    return is_required_for(user) or user_has_device(user, confirmed=True)


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up, made on first visit and kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def provisioning(device: TOTPDevice) -> dict[str, str]:
    """The secret as text and as a QR code drawn locally (no external service)."""
    return {
        "secret": b32encode(device.bin_key).decode().rstrip("="),
        "qr_data_uri": segno.make(device.config_url, error="m").svg_data_uri(scale=4),
    }


@transaction.atomic
def confirm_device(request, device: TOTPDevice, code: str) -> bool:
    if not device.verify_token(code):
        audit.log(request.user, "auth.2fa_setup_failed", actor=request.user)
        return False
    TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    audit.log(request.user, "auth.2fa_enabled", actor=request.user)
    return True


def verify_session(request, code: str) -> bool:
    device = match_token(request.user, code)
    if device is None:
        audit.log(request.user, "auth.2fa_failed", actor=request.user)
        return False
    otp_login(request, device)
    audit.log(request.user, "auth.2fa_verified", actor=request.user)
    return True


def token_code_ok(user: User, code: str | None) -> bool:
    """For the API token endpoint: a second factor where the user must have one."""
    if not (is_required_for(user) or user_has_device(user, confirmed=True)):
        return True
    return bool(code) and match_token(user, code) is not None
