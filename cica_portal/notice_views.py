"""The notification pages: the list (filtered, marked read in bulk), the preferences per kind,
and the unsubscribe link of a digest (no sign-in: the signed token says who and what)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import links, notice_preferences
from .errors import DomainError, show_on_form
from .models import Notification, User
from .notice_forms import MarkReadForm, NoticeFilterForm, NoticePreferencesForm


def _me(request: HttpRequest) -> User:
    """The signed-in person (every page here but the unsubscribe link requires a login)."""
    return cast(User, request.user)


def _list_context(request: HttpRequest, filters: NoticeFilterForm) -> dict[str, Any]:
    merged = Prefetch("merged", queryset=Notification.objects.order_by("-created_at"))
    notices = _me(request).notifications.filter(merged_into=None).prefetch_related(merged)
    if filters.is_valid():
        notices = filters.apply(notices)
    page = Paginator(notices, 25).get_page(request.GET.get("page"))
    for notice in page.object_list:  # a notice whose subject is gone for this reader says so
        notice.may_open = links.may_open(request.user, notice.url)
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "filters": filters, "query": query.urlencode()}


@login_required
def notifications_list(request: HttpRequest) -> HttpResponse:
    filters = NoticeFilterForm(request.GET or None)
    return render(request, "portal/notifications.html", _list_context(request, filters))


@login_required
@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark the ticked notices read (and those merged into them); only one's own."""
    form = MarkReadForm(request.POST, user=_me(request))
    if not form.is_valid():
        context = _list_context(request, NoticeFilterForm(request.GET or None))
        context["mark_form"] = form
        return render(request, "portal/notifications.html", context, status=400)
    chosen = [notice.pk for notice in form.cleaned_data["notice"]]
    done = (
        _me(request)
        .notifications.filter(Q(pk__in=chosen) | Q(merged_into_id__in=chosen), read_at=None)
        .update(read_at=timezone.now())
    )
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked as read.",
            "%(count)d notifications marked as read.",
            done,
        )
        % {"count": done},
    )
    # Back to the same filtered list: only the filter's own fields are carried over.
    back = QueryDict(request.POST.get("query", ""))
    kept = {name: back[name] for name in ("kind", "state", "page") if back.get(name)}
    return redirect(f"{reverse('notifications')}?{urlencode(kept)}" if kept else "notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notice_preferences_page(request: HttpRequest) -> HttpResponse:
    """How the person receives each kind of notice."""
    current = notice_preferences.choices_for(_me(request))
    data = request.POST if request.method == "POST" else None
    form = NoticePreferencesForm(data, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            chosen = {name: value for name, value in form.cleaned_data.items() if value}
            changed = notice_preferences.set_notice_preferences(
                _me(request), chosen, by=_me(request)
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("Your choices are saved.") if changed else _("Nothing was changed."),
            )
            return redirect("notice-preferences")
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/notice_preferences.html", {"form": form}, status=status)


@csrf_exempt  # the signed token is the credential; a mail client's one-click POST has no cookie
@never_cache
@require_http_methods(["GET", "POST"])
def notice_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (mail scanners follow links); POST stops that kind's emails: from the page's
    button or, without any page, from the mail client's one-click unsubscribe (RFC 8058: the
    email's List-Unsubscribe-Post header, a POST of "List-Unsubscribe=One-Click")."""
    found = notice_preferences.read_unsubscribe_token(token)
    if found is None:
        return render(request, "portal/notice_unsubscribe.html", {"invalid": True}, status=400)
    _user, kind = found
    if request.method == "POST":
        notice_preferences.unsubscribe(token)
        return render(request, "portal/notice_unsubscribe.html", {"kind": kind, "done": True})
    return render(request, "portal/notice_unsubscribe.html", {"kind": kind})
