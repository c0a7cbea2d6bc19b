"""The doors of an account: two-factor authentication, API tokens, password reset requests."""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import audit, ratelimit, tokens, twofactor
from .errors import DomainError
from .forms import ApiTokenForm, RecoveryCodeForm, TwoFactorCodeForm


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


def _refusal(check: twofactor.Check, wrong: str) -> str:
    if check.locked_until is None:
        return wrong
    until = date_format(timezone.localtime(check.locked_until), "TIME_FORMAT")
    return _("Too many wrong codes in a row. Try again after %(time)s.") % {"time": until}


# --- two-factor -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def two_factor(request):
    """Where the account stands: its authenticator, its recovery codes, what can be done."""
    user = request.user
    context = {
        "has_device": twofactor.has_device(user),
        "required": twofactor.is_required_for(user),
        "codes_left": twofactor.recovery_codes_left(user),
    }
    return render(request, "portal/two_factor.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Link an authenticator app (or replace the linked one, from a verified session)."""
    if not twofactor.may_change_device(request.user):
        return redirect(f"{reverse('two-factor-verify')}?next={reverse('two-factor-setup')}")
    replacing = twofactor.has_device(request.user)
    device = twofactor.pending_device(request)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.confirm_device(request, form.cleaned_data["code"])
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("two-factor-setup")
        if codes is not None:
            messages.success(request, _("Two-factor authentication is on for your account."))
            return _show_recovery_codes(request, codes, first=True)
        form.add_error("code", _("That code is not right. Check your app's clock and try again."))
    context = {
        "form": form,
        "required": twofactor.is_required_for(request.user),
        "replacing": replacing,
        "next": _safe_next(request),
        **twofactor.provisioning(device),
    }
    return render(request, "portal/two_factor_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = twofactor.verify_session(request, form.cleaned_data["code"])
        if check.passed:
            return redirect(_safe_next(request))
        form.add_error(
            "code", _refusal(check, _("That code is not right. Try the next one your app shows."))
        )
    return render(
        request, "portal/two_factor_verify.html", {"form": form, "next": _safe_next(request)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_recovery(request):
    """Pass the second factor with a recovery code when the authenticator is lost."""
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = twofactor.verify_session(request, form.cleaned_data["code"], recovery=True)
        if check.passed:
            left = twofactor.recovery_codes_left(request.user)
            messages.warning(
                request,
                ngettext(
                    "You have %(count)d recovery code left. Link a new authenticator now "
                    "if your phone is lost, and make new codes.",
                    "You have %(count)d recovery codes left. Link a new authenticator now "
                    "if your phone is lost, and make new codes.",
                    left,
                )
                % {"count": left},
            )
            return redirect("two-factor")
        form.add_error("code", _refusal(check, _("That recovery code is not right or was used.")))
    return render(
        request, "portal/two_factor_recovery.html", {"form": form, "next": _safe_next(request)}
    )


@login_required
@never_cache
@require_POST
def two_factor_recovery_codes(request):
    """Make new recovery codes (the old ones stop working) and show them, this once."""
    try:
        codes = twofactor.regenerate_recovery_codes(request)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("two-factor")
    return _show_recovery_codes(request, codes, first=False)


def _show_recovery_codes(request, codes: list[str], *, first: bool):
    context = {"codes": codes, "first": first, "next": _safe_next(request)}
    return render(request, "portal/two_factor_recovery_codes.html", context)


# --- API tokens -------------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """The user's API tokens: list them, make a new one (its key shown once), revoke one."""
    form = ApiTokenForm()
    new_key = None
    if request.method == "POST":
        if request.POST.get("action") != "create":
            return HttpResponseBadRequest(_("Unknown action."))
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            _token, new_key = tokens.issue_token(request.user, name=form.cleaned_data["name"])
            form = ApiTokenForm()
    context = {
        "tokens": tokens.tokens_of(request.user),
        "form": form,
        "new_key": new_key,
        "days": settings.API_TOKEN_DAYS,
        "now": timezone.now(),
    }
    return render(request, "portal/api_tokens.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def api_token_revoke(request, pk: int):
    """Ask before revoking one of the user's own tokens; another user's token is a 404."""
    token = tokens.get_token_for(request.user, pk)
    if request.method == "POST":
        tokens.revoke_token(token, by=request.user)
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
        return redirect("api-tokens")
    return render(request, "portal/api_token_revoke.html", {"token": token})


# --- password reset ---------------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, at most PASSWORD_RESETS_PER_HOUR per address and per email.

    Beyond the limit the answer is the same page as ever (so it tells nothing about the
    account) and no email is sent.
    """

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        address = get_client_ip_address(self.request) or "unknown"
        limit = settings.PASSWORD_RESETS_PER_HOUR
        by_address = ratelimit.allow("reset-address", address, limit=limit, window_seconds=3600)
        by_email = ratelimit.allow("reset-email", email, limit=limit, window_seconds=3600)
        if by_address and by_email:
            return super().form_valid(form)
        audit.log(
            None,
            "auth.password_reset_throttled",
            ip_address=None if address == "unknown" else address,
            data={"per_address": not by_address, "per_email": not by_email},
        )
        return HttpResponseRedirect(self.get_success_url())
