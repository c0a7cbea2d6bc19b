"""The decision register's pages: the list with search and filters, an entry, the exports."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cica_portal import rights
from cica_portal.models import Area, RegisteredDecision
from cica_portal.roles import allowed_by

from . import exports, selectors

reader_required = allowed_by(rights.may_read_decisions)


@reader_required
@require_GET
def register_list(request):
    queryset, used = selectors.search_register(request.user, request.GET)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "used": used,
        "kinds": RegisteredDecision.Kind.choices,
        "years": selectors.years_in_register(request.user),
        "areas": Area.objects.order_by("number"),
        "query": request.GET.urlencode(),
    }
    return render(request, "portal/decisions/list.html", context)


@reader_required
@require_GET
def register_detail(request, pk: int):
    entry = selectors.get_decision_for(request.user, pk)
    context = {
        "entry": entry,
        "subject_url": selectors.subject_url(entry),
        "approval_url": selectors.approval_url(entry),
    }
    return render(request, "portal/decisions/detail.html", context)


@reader_required
@require_GET
def register_csv(request):
    queryset, _used = selectors.search_register(request.user, request.GET)
    return exports.csv_response(queryset[: exports.LIMIT])


@reader_required
@require_GET
def register_xlsx(request):
    queryset, _used = selectors.search_register(request.user, request.GET)
    return exports.xlsx_response(queryset[: exports.LIMIT])
