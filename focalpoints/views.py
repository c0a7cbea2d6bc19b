"""Pages of the focal-point network: authorise, call one service or selector, respond."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cica_portal import spreadsheets
from cica_portal.errors import DomainError, act, show_on_form
from cica_portal.roles import (
    allowed_by,
    approver_required,
    focal_point_required,
    network_member_required,
    role_required,
    secretariat_required,
)

from . import selectors, services, vcard
from .filters import FocalPointFilter
from .forms import AreaPrefill, ContactDetailsForm, NominationForm, ReturnForm, WithdrawForm
from .models import EXPIRY_WINDOW_DAYS, stale_cutoff

PAGE_SIZE = 25


def _filtered(request):
    return FocalPointFilter(request.GET or None, queryset=selectors.directory_entries(request.user))


def _valid(filterset) -> bool:
    """No filters at all is valid; a bad one (an unknown state code) selects nothing."""
    return not filterset.is_bound or filterset.is_valid()


@require_GET
@network_member_required
def directory(request):
    """The directory: search, filters, pages of contact cards, organisations' contact points."""
    filterset = _filtered(request)
    queryset = filterset.qs if _valid(filterset) else filterset.queryset.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "focalpoints/directory.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "contacts": selectors.organisation_contacts(request.user),
            "expiry_days": EXPIRY_WINDOW_DAYS,
            "stale_before": stale_cutoff(timezone.now()),
            "may": selectors.directory_rights(request.user),
        },
    )


@require_GET
@network_member_required
def detail(request, pk: int):
    """One contact card; its status and history for those who manage the entry."""
    entry = selectors.entry_for(request.user, pk)
    rights = selectors.rights_on(request.user, entry)
    transitions, changes = selectors.history_of(entry) if rights["manage"] else ([], [])
    now = timezone.now()
    return render(
        request,
        "focalpoints/detail.html",
        {
            "entry": entry,
            "stale": entry.is_current and entry.is_stale(now),
            "on_duty": selectors.on_duty(entry, now) if entry.is_office else [],
            "acting": selectors.acting_for(entry, now),
            "rights": rights,
            "transitions": transitions,
            "changes": changes,
            "return_form": ReturnForm(),
            "withdraw_form": WithdrawForm(),
        },
    )


def _vcard_version(request) -> str:
    """?version=4.0 for vCard 4.0; anything else is the 3.0 that most address books read."""
    version = request.GET.get("version", "3.0")
    return version if version in vcard.VERSIONS else "3.0"


def _vcard_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@network_member_required
def entry_vcard(request, pk: int):
    entry = selectors.entry_for(request.user, pk)
    return _vcard_response(
        vcard.focal_point_card(entry, _vcard_version(request)), f"focal-point-{entry.pk}.vcf"
    )


@require_GET
@network_member_required
def directory_vcard(request):
    """Every entry the current filters select, as one vCard file."""
    filterset = _filtered(request)
    if not _valid(filterset):
        return HttpResponse(_("Invalid filters."), status=400, content_type="text/plain")
    return _vcard_response(
        vcard.cards(filterset.qs, _vcard_version(request)), "cica-focal-points.vcf"
    )


@require_GET
@network_member_required
def contact_vcard(request, pk: int):
    from django.shortcuts import get_object_or_404

    contact = get_object_or_404(selectors.organisation_contacts(request.user), pk=pk)
    return _vcard_response(
        vcard.organisation_contact_card(contact, _vcard_version(request)),
        f"contact-point-{contact.pk}.vcf",
    )


EXPORT_COLUMNS = [
    ("state", lambda e: e.state.code),
    ("state name", lambda e: e.state.name_en),
    ("name", lambda e: e.name),
    ("organisation", lambda e: e.organisation),
    ("position", lambda e: e.position),
    ("role", lambda e: e.role),
    ("areas", lambda e: " ".join(str(a.number) for a in e.areas.all())),
    ("languages", lambda e: " ".join(e.language_codes)),
    ("email", lambda e: e.email),
    ("phone", lambda e: e.phone),
    ("address", lambda e: e.address),
    ("term start", lambda e: e.term_start.isoformat()),
    ("term end", lambda e: e.term_end.isoformat() if e.term_end else ""),
    ("status", lambda e: e.status),
]


def _export_rows(request):
    filterset = _filtered(request)
    if not _valid(filterset):
        return None
    return (
        spreadsheets.row(str(get(entry) or "") for _, get in EXPORT_COLUMNS)
        for entry in filterset.qs
    )


@require_GET
@allowed_by(selectors.may_export_directory)
def export_csv(request):
    rows = _export_rows(request)
    if rows is None:
        return HttpResponse(_("Invalid filters."), status=400, content_type="text/plain")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([name for name, _ in EXPORT_COLUMNS])
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="cica-focal-points-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    return response


@require_GET
@allowed_by(selectors.may_export_directory)
def export_xlsx(request):
    from openpyxl import Workbook

    rows = _export_rows(request)
    if rows is None:
        return HttpResponse(_("Invalid filters."), status=400, content_type="text/plain")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Focal points")
    sheet.append([name for name, _ in EXPORT_COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="cica-focal-points-{timezone.localdate():%Y-%m-%d}.xlsx"'
    )
    return response


@require_GET
@network_member_required
def nominations(request):
    """The Secretariat's queue; an approver's own state's entries; a focal point's own entries."""
    user = request.user
    verifies = selectors.may_verify_nominations(user)
    queue = selectors.to_verify(user) if verifies else None
    entries = None if verifies else selectors.entries_manageable_by(user)
    context = {
        "queue": queue,
        "entries": entries,
        "may_nominate": selectors.may_nominate(user),
        "test_messages": selectors.my_test_messages(user),
    }
    return render(request, "focalpoints/nominations.html", context)


@require_http_methods(["GET", "POST"])
@approver_required
def nominate(request):
    """A release approver nominates a focal point for their own state."""
    prefill = AreaPrefill(request.GET)  # from a gap in the coverage matrix: the area only
    initial = {"areas": [prefill.cleaned_data["area"]]} if prefill.is_valid() else {}
    form = NominationForm(
        request.POST or None, request.FILES or None, state=request.user.state, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        areas = data.pop("areas")
        try:
            entry = services.nominate(approver=request.user, areas=areas, **data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request, _("The nomination was sent to the Secretariat for verification.")
            )
            return redirect("focalpoints:detail", pk=entry.pk)
    return render(request, "focalpoints/nomination_form.html", {"form": form, "entry": None})


@require_http_methods(["GET", "POST"])
@approver_required
def edit_nomination(request, pk: int):
    entry = selectors.nomination_for_approver(request.user, pk)
    if not selectors.may_correct_nomination(request.user, entry):
        raise PermissionDenied
    form = NominationForm(
        request.POST or None, request.FILES or None, instance=entry, state=request.user.state
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        areas = data.pop("areas")
        try:
            services.update_nomination(entry, approver=request.user, areas=areas, **data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The nomination was updated."))
            return redirect("focalpoints:detail", pk=entry.pk)
    return render(request, "focalpoints/nomination_form.html", {"form": form, "entry": entry})


@require_POST
@secretariat_required
def verify(request, pk: int):
    entry = selectors.entry_for_secretariat(request.user, pk)
    act(
        request,
        lambda: services.verify(entry, actor=request.user),
        success=_("Verified: the entry is in the directory."),
    )
    return redirect("focalpoints:detail", pk=entry.pk)


@require_http_methods(["GET", "POST"])
@secretariat_required
def return_entry(request, pk: int):
    entry = selectors.entry_for_secretariat(request.user, pk)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_entry(entry, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Returned with your reason."))
            return redirect("focalpoints:detail", pk=entry.pk)
    return render(request, "focalpoints/return_form.html", {"form": form, "entry": entry})


@require_POST
@role_required("is_secretariat", "is_approver")
def withdraw(request, pk: int):
    user = request.user
    entry = (
        selectors.entry_for_secretariat(user, pk)
        if user.is_secretariat
        else selectors.nomination_for_approver(user, pk)
    )
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    act(
        request,
        lambda: services.withdraw(entry, actor=user, reason=reason),
        success=_("Withdrawn: the entry left the directory and stays in the history."),
    )
    return redirect("focalpoints:detail", pk=entry.pk)


@require_http_methods(["GET", "POST"])
@focal_point_required
def my_details(request, pk: int):
    """A focal point updates their own contact details."""
    entry = selectors.own_entry_for(request.user, pk)
    if not selectors.may_update_own_details(request.user, entry):
        raise PermissionDenied
    form = ContactDetailsForm(request.POST or None, initial=ContactDetailsForm.initial_for(entry))
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.update_contact_details(entry, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            if entry.pending_changes:
                messages.success(
                    request,
                    _(
                        "Saved. The Secretariat will verify the changes to "
                        "verified details; until then the directory shows "
                        "the verified ones."
                    ),
                )
            else:
                messages.success(request, _("Your details were updated."))
            return redirect("focalpoints:detail", pk=entry.pk)
    return render(request, "focalpoints/my_details.html", {"form": form, "entry": entry})


def _gaps_only(request) -> bool:
    """?gaps=1 keeps the states with a gap: the Secretariat's filter."""
    return request.GET.get("gaps") == "1" and selectors.may_verify_nominations(request.user)


@require_GET
@network_member_required
def coverage(request):
    """Member states by areas: who covers each cell; gaps, expiring terms, stale entries and
    the latest communication test marked; totals per state and per area."""
    matrix = selectors.coverage_matrix(request.user, gaps_only=_gaps_only(request))
    return render(
        request,
        "focalpoints/coverage.html",
        {
            "areas": matrix.areas,
            "rows": matrix.rows,
            "matrix": matrix,
            "gaps_only": _gaps_only(request),
            "expiry_days": EXPIRY_WINDOW_DAYS,
            "may": selectors.directory_rights(request.user),
            "own_state_id": request.user.state_id if request.user.is_approver else None,
        },
    )


@require_GET
@allowed_by(selectors.may_verify_nominations)
def coverage_csv(request):
    """The matrix as CSV, one line per state and area (?gaps=1: the gaps only)."""
    matrix = selectors.coverage_matrix(request.user, gaps_only=_gaps_only(request))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["state", "state name", "area", "focal points", "gap", "expiring", "stale", "test answered"]
    )
    for row in matrix.rows:
        for cell in row.cells:
            if _gaps_only(request) and not cell.empty:
                continue
            writer.writerow(
                spreadsheets.row(
                    [
                        row.state.code,
                        row.state.name_en,
                        str(cell.area.number),
                        "; ".join(entry.name for entry in cell.entries),
                        "yes" if cell.empty else "no",
                        "yes" if cell.expiring else "no",
                        "yes" if cell.stale else "no",
                        "" if cell.answered is None else ("yes" if cell.answered else "no"),
                    ]
                )
            )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="cica-coverage-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    return response


@require_GET
@allowed_by(selectors.may_verify_nominations)
def coverage_cell(request, code: str, number: int):
    state, area, entries = selectors.cell_entries(request.user, code, number)
    return render(
        request,
        "focalpoints/coverage_cell.html",
        {
            "state": state,
            "area": area,
            "entries": entries,
        },
    )
