"""Audit the events that happen outside our services: logins, failed logins, logouts."""

import time
from importlib import import_module

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from . import audit, tokens
from .middleware import LANGUAGE_AT_LOGIN_KEY, LANGUAGE_CHOSEN_KEY, SESSION_STARTED_KEY
from .models import User


def _address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit.log(user, "auth.login", actor=user, ip_address=_address(request))


@receiver(user_logged_in)
def mark_session_start(sender, request, user, **kwargs):
    """The absolute lifetime (SessionLifetimeMiddleware) counts from here."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = int(time.time())


@receiver(user_logged_in)
def apply_account_language(sender, request, user, **kwargs):
    """The language chosen on the account applies from this login on (AccountLanguageMiddleware)."""
    if request is None or not hasattr(request, "session"):
        return
    chosen = request.session.pop(LANGUAGE_CHOSEN_KEY, None)
    if chosen in dict(settings.LANGUAGES) and chosen != user.language:
        user.language = chosen  # switched on the way in: that is the person's choice now
        user.save(update_fields=["language"])
    if user.language:
        request.session[LANGUAGE_AT_LOGIN_KEY] = user.language


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


@receiver(pre_save, sender=User)
def end_access_on_password_change_or_deactivation(sender, instance, **kwargs):
    """A new password or a deactivation ends the user's API tokens; sessions end with them
    (Django invalidates sessions whose password hash changed, and refuses inactive users)."""
    if not instance.pk:
        return
    before = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    password_changed = before["password"] != instance.password
    deactivated = before["is_active"] and not instance.is_active
    if password_changed or deactivated:
        deleted = tokens.revoke_all_tokens(instance.pk)
        Session = import_module(settings.SESSION_ENGINE).SessionStore
        if deactivated:
            _end_sessions_of(instance.pk, Session)
        audit.log(
            instance,
            "auth.deactivated" if deactivated else "auth.password_changed",
            data={"tokens_revoked": deleted},
        )


def _end_sessions_of(user_id: int, store) -> None:
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            store(session_key=session.session_key).delete()
