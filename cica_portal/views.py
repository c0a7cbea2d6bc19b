"""Pages every role shares: the approvals inbox, notifications, error pages, the language switch."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults
from django.views import i18n as i18n_views
from django.views.decorators.http import require_http_methods, require_POST

from . import approvals, links
from .errors import DomainError, show_on_form
from .forms import AnswerForm, BreakSilenceForm
from .middleware import LANGUAGE_CHOSEN_KEY
from .roles import approver_required, network_member_required


@approver_required
def approvals_inbox(request):
    page = approvals.inbox_page(request.user, request.GET.get("page"))
    return render(request, "portal/approvals/inbox.html", {"page": page})


@network_member_required
def approvals_list(request):
    """Every approval the user may see, open first (counted fresh: what a person may see
    changes with every share that is released or withdrawn)."""
    queryset = approvals.requests_visible_to(request.user).order_by("status", "-opened_at")
    status = request.GET.get("status")
    if status:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    return render(request, "portal/approvals/list.html", {"page": page, "status": status})


@network_member_required
@require_http_methods(["GET", "POST"])
def approval_detail(request, pk: int):
    """The request and its subject, for people who may read the subject; the approver's form
    is bound to the version shown, and showing it is recorded by the view (never the page)."""
    approval = approvals.get_request_for(request.user, pk)
    my_answer = approvals.my_answer(request.user, approval)
    can_answer = approvals.may_answer(request.user, approval)
    form = _answer_form(request, approval)
    if request.method == "POST":
        if not can_answer:
            messages.error(request, _("Your state cannot answer this request now."))
            return redirect("approval-detail", pk=approval.pk)
        if form.is_valid():
            try:
                approvals.answer_request(
                    approval,
                    approver=request.user,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                    seen_hash=form.cleaned_data["seen_hash"],
                )
            except DomainError as error:
                show_on_form(form, error)
            else:
                messages.success(
                    request,
                    _("The silence is broken: every state is told the text was not adopted.")
                    if approval.is_silence
                    else _("Your state's answer is recorded."),
                )
                return redirect("approval-detail", pk=approval.pk)
    else:
        approvals.record_view(approval, user=request.user)
    summary_template, summary = approvals.summary_for(approval, request.user)
    context = {
        "approval": approval,
        "subject_template": summary_template,
        "summary": summary,
        "answers": approvals.answers_of(approval),
        "tally": approvals.tally(approval),
        "my_answer": my_answer,
        "can_answer": can_answer,
        "silence_ended": approvals.silence_has_ended(approval),
        "history": approvals.history_of(approval),
        "retabled_as": approval.retabled_as.first(),
        "may_retable": approvals.may_retable(request.user, approval),
        "form": form,
    }
    return render(request, "portal/approvals/detail.html", context)


@require_POST
@network_member_required
def approval_retable(request, pk: int):
    """Whoever opened a refused request tables it again: a new version, linked to this one."""
    approval = approvals.get_request_for(request.user, pk)
    if not approvals.may_retable(request.user, approval):
        raise PermissionDenied
    try:
        new = approvals.retable_request(approval, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("approval-detail", pk=approval.pk)
    messages.success(request, _("Tabled again: the member states are asked anew."))
    return redirect("approval-detail", pk=new.pk)


def _answer_form(request, approval):
    """Under silence a state may only break it; otherwise it answers by the request's rule."""
    initial = {"seen_hash": approval.content_hash}
    if approval.is_silence:
        return BreakSilenceForm(request.POST or None, initial=initial)
    return AnswerForm(
        request.POST or None, allows_abstention=approval.allows_abstention, initial=initial
    )


@login_required
@require_POST
def notification_open(request, pk: int):
    notice = get_object_or_404(request.user.notifications, pk=pk)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
        request.user.notifications.filter(merged_into=notice, read_at=None).update(
            read_at=notice.read_at
        )
    if not links.may_open(request.user, notice.url):
        if notice.url:
            messages.info(
                request,
                _(
                    "What this notice is about is no longer available to you: it was "
                    "withdrawn or is no longer shared with your state."
                ),
            )
        return redirect("notifications")
    return redirect(notice.url)


@login_required
@require_POST
def notifications_mark_all_read(request):
    request.user.notifications.filter(read_at=None).update(read_at=timezone.now())
    return redirect("notifications")


def _api_error(request, status: int, detail: str):
    """Under /api/, errors are JSON like the rest of the API, never an HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    return None


def page_not_found(request, exception=None):
    return _api_error(request, 404, "Not found.") or defaults.page_not_found(request, exception)


def permission_denied(request, exception=None):
    return _api_error(request, 403, "You do not have permission to perform this action.") or (
        defaults.permission_denied(request, exception)
    )


def bad_request(request, exception=None):
    return _api_error(request, 400, "Bad request.") or defaults.bad_request(request, exception)


def server_error(request):
    return _api_error(request, 500, "Server error.") or defaults.server_error(request)


@require_POST
def set_language(request):
    """Django's language switcher, which also remembers the choice on the signed-in person's
    account: notifications and emails are then written to them in that language."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if language not in dict(settings.LANGUAGES):
        return response
    if not user.is_authenticated:
        # Chosen on the login page: it becomes the account's choice at login (signals.py).
        request.session[LANGUAGE_CHOSEN_KEY] = language
    elif user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return response
