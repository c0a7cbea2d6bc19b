"""Audit the events that happen outside our services: logins, failed logins, logouts."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit


def _address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit.log(user, "auth.login", actor=user, ip_address=_address(request))


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.log(user, "auth.logout", actor=user, ip_address=_address(request))


@receiver(user_login_failed)
def audit_failed_login(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; we keep only the username.
    audit.log(
        None,
        "auth.login_failed",
        ip_address=_address(request),
        data={"username": str(credentials.get("username", ""))[:150]},
    )


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    audit.log(
        None, "auth.locked_out", ip_address=ip_address, data={"username": str(username or "")[:150]}
    )
