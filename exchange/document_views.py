"""Pages of lost and stolen documents: the check, and the hits of both sides."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cica_portal.errors import DomainError, act, show_on_form
from cica_portal.roles import network_member_required

from . import document_import, document_services, services
from . import document_selectors as docs
from .forms import (
    DocumentCheckForm,
    DocumentImportForm,
    FoundDecisionForm,
    FoundDocumentForm,
    HitOutcomeForm,
)
from .models import DocumentHit


@network_member_required
@require_GET
def check(request):
    """Check a number or a machine-readable zone against the notices I may see."""
    form = DocumentCheckForm(request.GET or None)
    result = None
    if form.is_valid():
        [result] = document_services.check_documents(
            request.user, [form.cleaned_data["query"]], channel=DocumentHit.Channel.WEB
        )
    return render(request, "exchange/check.html", {"form": form, "result": result})


@network_member_required
@require_GET
def hits(request):
    """The hits on my state's notices (and their outcomes), and the hits of my state's checks
    still to close."""
    user = request.user
    mine = list(docs.hits_of_my_checks(user)[:200])
    return render(
        request,
        "exchange/hits.html",
        {
            "on_our_documents": list(docs.hits_on_my_documents(user)[:200]),
            "our_checks": [(hit, docs.may_close_hit(user, hit)) for hit in mine],
            "release_rights": {
                hit.pk
                for hit in docs.hits_on_my_documents(user)[:200]
                if docs.may_release_to_checker(user, hit)
            },
            "outcome_form": HitOutcomeForm(),
        },
    )


@network_member_required
@require_POST
def hit_outcome(request, pk: int):
    hit = docs.get_hit_for(request.user, pk)
    form = HitOutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the outcomes."))
        return redirect("exchange:hits")
    act(
        request,
        lambda: document_services.close_hit(
            hit,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        ),
        success=_("The outcome is recorded and the issuing state is told."),
    )
    return redirect("exchange:hits")


@network_member_required
@require_POST
def hit_release(request, pk: int):
    hit = docs.get_hit_for(request.user, pk)
    act(
        request,
        lambda: services.release_notice_to_checker(hit, by=request.user),
        success=_("The release of the notice to that state is put to your states' consent."),
    )
    return redirect("exchange:hits")


@network_member_required
@require_http_methods(["GET", "POST"])
def found_documents(request):
    """Found document reports of my state (found by it, or of documents it issued); a focal
    point reports one."""
    user = request.user
    form = FoundDocumentForm(request.POST or None) if user.is_focal_point else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                document_services.report_found_document(by=user, **form.cleaned_data)
            except DomainError as error:
                show_on_form(form, error)
            else:
                messages.success(request, _("The report is sent to the issuing state."))
                return redirect("exchange:found-documents")
    reports = list(docs.found_documents_for(user)[:200])
    return render(
        request,
        "exchange/found_documents.html",
        {
            "form": form,
            "reports": [(r, docs.may_decide_found_document(user, r)) for r in reports],
            "decision_form": FoundDecisionForm(),
        },
    )


@network_member_required
@require_POST
def found_document_decision(request, pk: int):
    report = docs.get_found_document_for(request.user, pk)
    form = FoundDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose confirm or reject."))
        return redirect("exchange:found-documents")
    act(
        request,
        lambda: document_services.decide_found_document(
            report,
            by=request.user,
            confirm=form.cleaned_data["decision"] == "confirm",
            note=form.cleaned_data["note"],
        ),
        success=_("The decision is recorded and the finding state is told."),
    )
    return redirect("exchange:found-documents")


@network_member_required
@require_http_methods(["GET", "POST"])
def import_documents(request):
    """A focal point checks (dry run) or imports its state's CSV list of lost and stolen
    documents: every wrong line is named, and nothing is imported while one is wrong."""
    if not request.user.is_focal_point:
        raise PermissionDenied
    form = DocumentImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document_import.refuse_too_big(data["file"].size)  # before reading it
            report = document_import.import_documents(
                data["file"].read(),
                by=request.user,
                dry_run="import" not in request.POST,
                recipient_states=data["recipient_states"],
                secretariat_may_read=data["secretariat_may_read"],
                encoding=data["encoding"],
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            if report.imported:
                messages.success(
                    request,
                    _(
                        "Imported: %(new)s new documents put to your state's consent, "
                        "%(changed)s notices changed, %(unchanged)s unchanged."
                    )
                    % {
                        "new": len(report.new),
                        "changed": len(report.changed),
                        "unchanged": len(report.unchanged),
                    },
                )
                return redirect("exchange:import-documents")
    return render(
        request,
        "exchange/import_documents.html",
        {"form": form, "report": report, "columns": document_import.COLUMNS},
    )
