"""Two-factor authentication with TOTP (django-otp): required for the Secretariat and release
approvers, offered to focal points. A session counts as verified once a code was accepted.

The rules, each written once here and used by the middleware, the views and the services:
- an account with a confirmed device is verified only by that device's code or by one of its
  recovery codes; a session that has not given one may not set up, replace or remove a device
  (`may_change_device`);
- recovery codes (ten, made when a device is confirmed, shown once, stored as SHA-256) each open
  one session and then never again;
- wrong codes are counted per account on the device (django-otp's own counter, with its delay
  turned off by `OTP_TOTP_THROTTLE_FACTOR = 0`): the first `TWO_FACTOR_FAILURE_LIMIT` in a row
  cost nothing, so a correct code right after a typo passes; after that each further attempt
  waits `TWO_FACTOR_LOCK_SECONDS`, doubling with each wrong one up to
  `TWO_FACTOR_MAX_LOCK_SECONDS`; a correct code resets the count.
Every event is audited, never with a code or a secret.
"""

from __future__ import annotations

import hashlib
import secrets
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime, timedelta

import segno
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .errors import DomainError
from .models import RecoveryCode, User

PENDING_DEVICE_SESSION_KEY = "cica_2fa_pending_device"
RECOVERY_CODE_COUNT = 10
# 31 characters that cannot be mistaken for one another; 16 of them are about 79 bits.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_CODE_LENGTH = 16


@dataclass(frozen=True)
class Check:
    """What a code did: the device that accepted it, or the time until which codes are refused."""

    device: TOTPDevice | None = None
    locked_until: datetime | None = None

    @property
    def passed(self) -> bool:
        return self.device is not None


# --- who must, who may ------------------------------------------------------------------------


def is_required_for(user: User) -> bool:
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    return (
        user.is_staff
        or user.is_superuser
        or user.role in {User.Role.SECRETARIAT, User.Role.APPROVER}
    )


def has_device(user: User) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


def needs_verification(user: User) -> bool:
    """Whether this authenticated session must pass a code before going further."""
    if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]  # set by OTPMiddleware
        return False
    return is_required_for(user) or has_device(user)


def may_change_device(user: User) -> bool:
    """Set up, replace or remove a device: a first one freely, otherwise only once verified."""
    verified = user.is_verified()  # type: ignore[attr-defined]  # set by OTPMiddleware
    return user.is_authenticated and (verified or not has_device(user))


def needs_code_for_token(user: User) -> bool:
    """For the API token endpoint: whether a six-digit code must come with the password."""
    return is_required_for(user) or has_device(user)


# --- setting up -------------------------------------------------------------------------------


def pending_device(request) -> TOTPDevice:
    """The unconfirmed device this session is setting up, made on its first visit.

    It belongs to the session, not only to the account: a secret shown to one session (say, to
    someone who has only the password) can never become the device another session confirms.
    """
    user = request.user
    pk = request.session.get(PENDING_DEVICE_SESSION_KEY)
    device = TOTPDevice.objects.filter(pk=pk, user=user, confirmed=False).first() if pk else None
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
        request.session[PENDING_DEVICE_SESSION_KEY] = device.pk
    return device


def provisioning(device: TOTPDevice) -> dict[str, str]:
    """The secret as text and as a QR code drawn locally (no external service)."""
    return {
        "secret": b32encode(device.bin_key).decode().rstrip("="),
        "qr_data_uri": segno.make(device.config_url, error="m").svg_data_uri(scale=4),
    }


def confirm_device(request, code: str) -> list[str] | None:
    """Confirm the session's pending device with its first code; it replaces any other device.

    Returns the new recovery codes (to be shown once), or None when the code is wrong. Refused
    (DomainError, and audited) to a session that has not verified an account that already has
    a device.
    """
    user = request.user
    if not may_change_device(user):
        audit.log(user, "auth.2fa_setup_refused", actor=user, ip_address=_address(request))
        raise DomainError(
            _("Enter a code from your current authenticator first."), code="forbidden"
        )
    return _confirm_device(request, code)


@transaction.atomic
def _confirm_device(request, code: str) -> list[str] | None:
    user = request.user
    User.objects.select_for_update(of=("self",), no_key=True).filter(
        pk=user.pk
    ).first()  # one change at a time
    if not may_change_device(user):  # again, under the lock: a device may have come meanwhile
        raise DomainError(
            _("Enter a code from your current authenticator first."), code="forbidden"
        )
    pk = request.session.get(PENDING_DEVICE_SESSION_KEY)
    device = TOTPDevice.objects.select_for_update(of=("self",), no_key=True).filter(
        pk=pk, user=user, confirmed=False
    )
    device = device.first() if pk else None
    if device is None:
        raise DomainError(_("This set-up has expired. Scan the new code and try again."))
    if not device.verify_token(code):
        audit.log(user, "auth.2fa_setup_failed", actor=user, ip_address=_address(request))
        return None
    replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _replace_recovery_codes(user)
    del request.session[PENDING_DEVICE_SESSION_KEY]
    _mark_verified(request, device)
    audit.log(
        user,
        "auth.2fa_replaced" if replaced else "auth.2fa_enabled",
        actor=user,
        ip_address=_address(request),
        data={"recovery_codes": len(codes)},
    )
    return codes


# --- verifying --------------------------------------------------------------------------------


def verify_session(request, code: str, *, recovery: bool = False) -> Check:
    """Check a six-digit code (or a recovery code) and mark the session verified if it passes."""
    check = check_code(request.user, code, recovery=recovery, ip_address=_address(request))
    if check.passed:
        _mark_verified(request, check.device)
    return check


@transaction.atomic
def check_code(
    user: User, code: str, *, recovery: bool = False, ip_address: str | None = None
) -> Check:
    """One attempt at the account's second factor, counted against its limit."""
    User.objects.select_for_update(of=("self",), no_key=True).filter(
        pk=user.pk
    ).first()  # serialise a user's attempts
    devices = list(
        TOTPDevice.objects.select_for_update(of=("self",), no_key=True)
        .filter(user=user, confirmed=True)
        .order_by("pk")
    )
    method = "recovery_code" if recovery else "totp"
    if not devices:
        _log_attempt(user, "auth.2fa_failed", ip_address, method=method, reason="no device")
        return Check()
    until = max((t for t in map(locked_until, devices) if t is not None), default=None)
    if until is not None:
        _log_attempt(user, "auth.2fa_locked", ip_address, method=method, until=until)
        return Check(locked_until=until)
    if recovery:
        device = devices[-1] if _use_recovery_code(user, code) else None
        if device is None:
            devices[-1].throttle_increment(commit=True)
    else:
        device = next((d for d in devices if d.verify_token(code)), None)
    if device is None:
        failures = max(d.throttling_failure_count for d in devices)
        _log_attempt(user, "auth.2fa_failed", ip_address, method=method, in_a_row=failures)
        return Check(locked_until=max(filter(None, map(locked_until, devices)), default=None))
    for other in devices:
        if other.throttling_failure_count:
            other.throttle_reset(commit=True)
    left = {"recovery_codes_left": recovery_codes_left(user)} if recovery else {}
    _log_attempt(user, "auth.2fa_verified", ip_address, method=method, **left)
    return Check(device=device)


def _log_attempt(user: User, action: str, ip_address: str | None, **data) -> None:
    audit.log(user, action, actor=user, ip_address=ip_address, data=data)


def locked_until(device: TOTPDevice) -> datetime | None:
    """Until when the device refuses every code, after too many wrong ones in a row."""
    over = device.throttling_failure_count - settings.TWO_FACTOR_FAILURE_LIMIT
    if over < 0 or device.throttling_failure_timestamp is None:
        return None
    wait = min(
        settings.TWO_FACTOR_LOCK_SECONDS * 2 ** min(over, 32), settings.TWO_FACTOR_MAX_LOCK_SECONDS
    )
    until = device.throttling_failure_timestamp + timedelta(seconds=wait)
    return until if until > timezone.now() else None


def _mark_verified(request, device: TOTPDevice) -> None:
    otp_login(request, device)
    request.session.cycle_key()  # a new session id once the session is worth more


# --- recovery codes ---------------------------------------------------------------------------


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def regenerate_recovery_codes(request) -> list[str]:
    """New recovery codes for a verified session; the old ones stop working at once."""
    user = request.user
    User.objects.select_for_update(of=("self",), no_key=True).filter(pk=user.pk).first()
    if not (has_device(user) and user.is_verified()):
        raise DomainError(
            _("Recovery codes belong to a verified session with an authenticator."),
            code="forbidden",
        )
    codes = _replace_recovery_codes(user)
    audit.log(
        user,
        "auth.2fa_recovery_codes_regenerated",
        actor=user,
        ip_address=_address(request),
        data={"recovery_codes": len(codes)},
    )
    return codes


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in str(code).lower() if ch.isalnum())[:64]


def _hash_recovery_code(code: str) -> str:
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()


def _replace_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    raw = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _char in range(RECOVERY_CODE_LENGTH))
        for _code in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_hash_recovery_code(code)) for code in raw
    )
    return ["-".join(code[i : i + 4] for i in range(0, len(code), 4)) for code in raw]


def _use_recovery_code(user: User, code: str) -> bool:
    """Spend one unused code; a conditional UPDATE, so two requests cannot both spend it."""
    if len(normalise_recovery_code(code)) != RECOVERY_CODE_LENGTH:
        return False
    spent = RecoveryCode.objects.filter(
        user=user, code_hash=_hash_recovery_code(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    return spent == 1


def _address(request) -> str | None:
    return get_client_ip_address(request) if request is not None else None
