"""Hold a session that still owes its second factor, end sessions past their absolute
lifetime, and answer 503 when the database is down."""

import logging
import sys
import time

from django.conf import settings
from django.contrib.auth import logout
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse

from . import audit, twofactor

logger = logging.getLogger(__name__)

# Reachable by a session that still owes its code. The set-up page is not among them: it is
# reachable only where twofactor.may_change_device says so (no device yet, or verified).
EXEMPT_PREFIXES = (
    "/account/two-factor/verify/",
    "/account/two-factor/recovery/",
    "/accounts/logout/",
    "/static/",
    "/i18n/",
    "/healthz",
    "/jsi18n/",
)
SETUP_PATH = "/account/two-factor/setup/"


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and not self._may_pass(request, user):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "This session has not passed two-factor authentication."},
                    status=403,
                )
            name = "two-factor-verify" if twofactor.has_device(user) else "two-factor-setup"
            return redirect(f"{reverse(name)}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def _may_pass(request, user) -> bool:
        if request.path.startswith(EXEMPT_PREFIXES) or not twofactor.needs_verification(user):
            return True
        return request.path.startswith(SETUP_PATH) and twofactor.may_change_device(user)


SESSION_STARTED_KEY = "cica_session_started_at"  # set at login by signals.py
LANGUAGE_AT_LOGIN_KEY = "cica_language_at_login"  # set at login by signals.py
LANGUAGE_CHOSEN_KEY = "cica_language_chosen"  # set by the switcher before login (views.py)


class AccountLanguageMiddleware:
    """From each login on, the portal speaks the language the person chose on their account.

    The language switcher keeps the choice in a cookie (for this browser) and on the account
    (for emails). At login the account's choice wins over a cookie left in the browser (unless the
    person switched language on the way in, which then becomes the account's choice): the login's
    response sets the cookie, so the next page, on any browser, is in their language. Put it after
    SessionMiddleware (it reads the mark that the login left in the session).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        language = session.pop(LANGUAGE_AT_LOGIN_KEY, None) if session is not None else None
        if language in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


class SessionLifetimeMiddleware:
    """Log out a session older than SESSION_MAX_SECONDS, however active it has been.

    The idle timeout is Django's own (SESSION_COOKIE_AGE, renewed on every request); this one is
    counted from the login. A signed-in session without a start time is not one this portal's
    login made, and ends too. Put it right after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            if not isinstance(started, int) or time.time() - started > settings.SESSION_MAX_SECONDS:
                audit.log(user, "auth.session_expired", actor=user, data={"started": started})
                logout(request)
        return self.get_response(request)


DATABASE_ERRORS = (OperationalError, InterfaceError)


def _database_unavailable(request) -> HttpResponse:
    """503 that says the portal is briefly unavailable and shows nothing of the error."""
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "The service is temporarily unavailable. Try again in a minute."},
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    response.setdefault("Cache-Control", "no-store")
    return response


def _remember_database_error(sender, request=None, **kwargs):
    """Mark a request whose unhandled exception was the database's (raised in any layer)."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        request._cica_database_error = error


got_request_exception.connect(_remember_database_error, dispatch_uid="cica-database-unavailable")


class DatabaseUnavailableMiddleware:
    """Answer 503 quickly when PostgreSQL is down, instead of a 500 or a hung request.

    A view's database error comes to `process_exception`. One raised in a middleware below
    this one (loading the session or the user) became a 500 there already; the signal above
    marks it and this middleware turns that 500 into the same 503. Put it high in MIDDLEWARE,
    right after SecurityMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, "_cica_database_error", None)
        if error is not None and response.status_code == 500:
            return _database_unavailable(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error(
                "Database unavailable on %s %s: %s: %s",
                request.method,
                request.path,
                type(exception).__name__,
                exception,
            )
            return _database_unavailable(request)
        return None
