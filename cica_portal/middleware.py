"""Hold a session that still owes its second factor at the two-factor pages."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from .twofactor import needs_verification

EXEMPT_PREFIXES = (
    "/account/two-factor/",
    "/accounts/logout/",
    "/static/",
    "/i18n/",
    "/healthz",
    "/jsi18n/",
)


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and not request.path.startswith(EXEMPT_PREFIXES)
            and needs_verification(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "This session has not passed two-factor authentication."},
                    status=403,
                )
            name = (
                "two-factor-verify" if user_has_device(user, confirmed=True) else "two-factor-setup"
            )
            return redirect(f"{reverse(name)}?next={request.get_full_path()}")
        return self.get_response(request)
