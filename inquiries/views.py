"""Pages of requests for information: authorise, call one service or selector, respond."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cica_portal.errors import DomainError, show_on_form
from cica_portal.roles import allowed_by, network_member_required

from . import selectors, services
from .forms import AnswerForm, FilterForm, RequestForm

PAGE_SIZE = 25


@require_GET
@network_member_required
def index(request):
    """The requests the user's state sent or was sent (the Secretariat: those it may read)."""
    filters = FilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    queryset = selectors.requests_for_list(
        request.user,
        box=chosen.get("box", ""),
        status=chosen.get("status", ""),
        urgency=chosen.get("urgency", ""),
    )
    if filters.is_bound and not filters.is_valid():
        queryset = queryset.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.attach_parts(request.user, list(page.object_list))
    return render(
        request,
        "inquiries/index.html",
        {
            "filters": filters,
            "page": page,
            "rows": rows,
            "may_send": selectors.may_send(request.user),
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
@allowed_by(selectors.may_send)
def new(request):
    form = RequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.send_request(by=request.user, **form.service_arguments())
        except DomainError as error:
            if error.code == "forbidden":
                raise PermissionDenied from error
            show_on_form(form, error)
        else:
            messages.success(request, _("The request was sent; each state is told at once."))
            return redirect(sent)
    return render(request, "inquiries/form.html", {"form": form})


@require_GET
@network_member_required
def detail(request, pk: int):
    inquiry = selectors.get_request_for(request.user, pk)
    parts = selectors.parts_for(request.user, inquiry)
    shown = [
        {"part": part, "may_read_answer": selectors.may_read_answer(request.user, part)}
        for part in parts
    ]
    return render(
        request,
        "inquiries/detail.html",
        {
            "inquiry": inquiry,
            "parts": shown,
            "rights": selectors.rights_on(request.user, inquiry, parts),
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
@network_member_required
def answer(request, pk: int):
    part = selectors.part_to_answer(request.user, pk)
    if not selectors.may_send(request.user):
        raise PermissionDenied
    if not selectors.may_answer(request.user, part):
        messages.info(request, _("This request was answered already."))
        return redirect(part.request)
    form = AnswerForm(request.POST or None, part=part)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_request(part, by=request.user, **form.service_arguments())
        except DomainError as error:
            if error.code == "forbidden":
                raise PermissionDenied from error
            if error.code == "conflict":
                messages.error(request, error.message)
                return redirect(part.request)
            show_on_form(form, error)
        else:
            messages.success(request, _("Your answer was recorded."))
            return redirect(part.request)
    return render(
        request,
        "inquiries/answer.html",
        {"form": form, "part": part, "inquiry": part.request, "late": timezone.now() > part.due_at},
    )
