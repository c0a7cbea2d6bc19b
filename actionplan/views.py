"""Pages of the Action Plan: the plan, items, new measures, reports and the annual review."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cica_portal import approvals, audit, review_sections
from cica_portal.errors import DomainError, act, show_on_form
from cica_portal.roles import (
    allowed_by,
    network_member_required,
    role_required,
    secretariat_required,
)
from meetings import selectors as meeting_selectors

from . import consolidated, exports, selectors, services
from .forms import (
    ApprovalRequestForm,
    AttachmentForm,
    MeasureProposalForm,
    ReturnReportForm,
    ReviewTextForm,
    SilenceForm,
    StatusChangeForm,
    SwgConclusionsForm,
    entry_forms,
)
from .models import MeasureProposal, PlanItem, ReviewCycle

state_member_required = role_required("is_focal_point", "is_approver")


# --- The plan ----------------------------------------------------------------------------------


@require_GET
@network_member_required
def index(request):
    """The whole plan as the document has it: its Introduction, then per area its activity (with
    the topics it names), its numbered issues under the area's own heading, and its approved
    measures."""
    areas = list(selectors.plan_areas())
    document = selectors.plan_document()
    for area in areas:
        area.items_heading = document["headings"].get(area.number, "")
        for kind, name in (
            ("activity", "activities"),
            ("topic", "topics"),
            ("issue", "issues"),
            ("measure", "measures"),
        ):
            setattr(area, name, [item for item in area.plan if item.kind == kind])
    context = {
        "areas": areas,
        "introduction": document["introduction"],
        "introduction_ru": document["introduction_ru"],
        "introduction_is_official": selectors.plan_translation_is_official(),
        "may_propose": selectors.may_propose(request.user),
        "may_follow_reviews": selectors.may_follow_reviews(request.user),
    }
    return render(request, "actionplan/index.html", context)


@require_GET
@network_member_required
def item_detail(request, pk: int):
    item = selectors.get_item_for(request.user, pk)
    open_request = selectors.open_request_of(item)
    context = {
        "item": item,
        "rights": selectors.item_rights(request.user, item, open_request),
        "history": selectors.history_of(item),
        "approvals": selectors.approvals_of(type(item), [item.pk]),
        "open_request": open_request,
        "status_form": StatusChangeForm(initial={"to_status": item.status}, user=request.user),
        "approval_form": ApprovalRequestForm(),
        "silence_form": SilenceForm(zone=request.user.zone),
        # The meetings whose agenda took it up: the meetings app answers, for this reader.
        "meetings": meeting_selectors.meetings_discussing(request.user, item.pk),
    }
    return render(request, "actionplan/item_detail.html", context)


@require_http_methods(["GET", "POST"])
@network_member_required
def item_change_status(request, pk: int):
    item = selectors.get_item_for(request.user, pk)
    if not selectors.may_change_item_status(request.user):
        raise PermissionDenied
    form = StatusChangeForm(
        request.POST or None, initial={"to_status": item.status}, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_status(item, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The item's status is changed."))
            return redirect(item)
    return render(request, "actionplan/item_status_form.html", {"item": item, "form": form})


@require_POST
@network_member_required
def item_put_to_approval(request, pk: int):
    item = selectors.get_item_for(request.user, pk)
    if not request.user.is_secretariat:
        raise PermissionDenied
    form = ApprovalRequestForm(request.POST)
    if form.is_valid():
        try:
            approval = services.put_to_approval(
                item, actor=request.user, deadline=form.cleaned_data["deadline"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("All member states are asked to approve the item."))
            return redirect("approval-detail", pk=approval.pk)
    else:
        messages.error(request, _("Check the deadline: %(errors)s") % {"errors": form.errors})
    return redirect(item)


@require_POST
@network_member_required
def item_put_under_silence(request, pk: int):
    """The Secretariat puts the item's text under silence until an instant in its own zone."""
    item = selectors.get_item_for(request.user, pk)
    if not request.user.is_secretariat:
        raise PermissionDenied
    form = SilenceForm(request.POST, zone=request.user.zone)
    if form.is_valid():
        try:
            approval = services.put_to_approval(
                item, actor=request.user, silence_until=form.cleaned_data["silence_until"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The text is under silence."))
            return redirect("approval-detail", pk=approval.pk)
    else:
        errors = "; ".join(str(e) for e in form.errors.get("silence_until", []))
        messages.error(request, _("Check the instant: %(errors)s") % {"errors": errors})
    return redirect(item)


@require_POST
@network_member_required
def item_withdraw_approval(request, pk: int):
    item = selectors.get_item_for(request.user, pk)
    if not request.user.is_secretariat:
        raise PermissionDenied
    act(
        request,
        lambda: services.withdraw_item_approval(item, actor=request.user),
        success=_("The request is withdrawn."),
    )
    return redirect(item)


# --- New measures ------------------------------------------------------------------------------


@require_GET
@network_member_required
def proposals(request):
    queryset = selectors.proposals_visible_to(request.user)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    context = {"page": page, "may_propose": selectors.may_propose(request.user)}
    return render(request, "actionplan/proposals.html", context)


@require_http_methods(["GET", "POST"])
@state_member_required
def propose(request):
    form = MeasureProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.propose_measure(proposer=request.user, **form.cleaned_data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request, _("Your proposal is sent to every member state for approval.")
            )
            return redirect(proposal)
    return render(request, "actionplan/propose.html", {"form": form})


@require_GET
@network_member_required
def proposal_detail(request, pk: int):
    proposal = selectors.get_proposal_for(request.user, pk)
    approvals = selectors.approvals_of(MeasureProposal, [proposal.pk])
    may_withdraw = selectors.may_withdraw_proposal(request.user, proposal)
    return render(
        request,
        "actionplan/proposal_detail.html",
        {"proposal": proposal, "approvals": approvals, "may_withdraw": may_withdraw},
    )


@require_POST
@network_member_required
def proposal_withdraw(request, pk: int):
    proposal = selectors.get_proposal_for(request.user, pk)
    if not selectors.is_proposing_state(request.user, proposal):
        raise PermissionDenied
    act(
        request,
        lambda: services.withdraw_proposal(proposal, actor=request.user),
        success=_("Your proposal is withdrawn."),
    )
    return redirect(proposal)


# --- Implementation reports --------------------------------------------------------------------


@require_GET
@network_member_required
def reports(request):
    """The Secretariat's list of every report; a state's own reports and the cycle to report on."""
    queryset = selectors.reports_visible_to(request.user)
    year = request.GET.get("year")
    if year and year.isascii() and year.isdigit():  # "²" is a digit to isdigit(), not to int()
        queryset = queryset.filter(cycle__year=int(year))
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    cycle = selectors.current_cycle()
    mine = None
    if cycle and request.user.state_id:
        mine = queryset.filter(cycle=cycle).first()
    context = {
        "page": page,
        "cycle": cycle,
        "mine": mine,
        "may_start_report": selectors.may_start_report(request.user),
        # A report returned for correction stays in view whatever cycle is open now.
        "returned": list(
            selectors.returned_reports_of(request.user).exclude(pk=getattr(mine, "pk", None))
        ),
        "year": year,
        "years": ReviewCycle.objects.values_list("year", flat=True),
    }
    return render(request, "actionplan/reports.html", context)


@require_POST
@network_member_required
def report_start(request, year: int):
    cycle = get_object_or_404(selectors.cycles_visible_to(request.user), year=year)
    if not selectors.may_start_report(request.user):
        raise PermissionDenied
    try:
        report = services.start_report(cycle, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("actionplan:reports")
    return redirect(report)


def _report_context(request, report, forms=None, attachment_form=None):
    entries = list(selectors.entries_of(report))
    editable = selectors.may_edit_report(request.user, report)
    may_return = selectors.may_return_report(request.user, report)
    return {
        "report": report,
        "editable": editable,
        "may_return": may_return,
        "entries": entries,
        "forms": forms or (entry_forms(entries) if editable else []),
        "attachments": selectors.attachments_of(report),
        "attachment_form": attachment_form
        or (AttachmentForm(items=_report_items(report)) if editable else None),
        "return_form": ReturnReportForm() if may_return else None,
    }


def _report_items(report):
    return PlanItem.objects.filter(report_entries__report=report).select_related("area")


def _posted_entry_forms(report, data):
    """The entries' forms bound to the post; entries it does not mention stay as they are
    (and their forms unbound)."""
    entries = list(selectors.entries_of(report))
    return [
        (entry, bound if f"{bound.prefix}-progress" in data else unbound)
        for (entry, bound), (_e, unbound) in zip(
            entry_forms(entries, data), entry_forms(entries), strict=True
        )
    ]


def _save_posted_entries(request, report, forms) -> str | None:
    """Save what the post carries; the error to show, or None when it is saved."""
    posted = [(e, f) for e, f in forms if f.is_bound]
    if not all(form.is_valid() for _entry, form in posted):
        return _("The draft is not saved: correct the marked fields.")
    data = {entry.item_id: form.cleaned_data for entry, form in posted}
    try:
        services.save_report(report, actor=request.user, entries=data)
    except DomainError as error:
        return error.message
    return None


def _attach(request, report, form) -> bool:
    if not form.is_valid():
        return False
    try:
        services.add_attachment(
            report,
            actor=request.user,
            upload=form.cleaned_data["file"],
            item=form.cleaned_data["item"],
        )
    except DomainError as error:
        show_on_form(form, error)
        return False
    return True


class _NotAttached(Exception):
    """Undo the draft's save when its file is refused: a refusal writes nothing."""


def _save_and_attach(request, report, forms):
    """Save the entries and attach the file, both or neither; a refusal renders the page with
    every typed text and the file's error, at the report's address."""
    form = AttachmentForm(request.POST, request.FILES, items=_report_items(report))
    try:
        with transaction.atomic():
            error = _save_posted_entries(request, report, forms)
            if error or not _attach(request, report, form):
                raise _NotAttached(error)
    except _NotAttached as refused:
        messages.error(
            request,
            refused.args[0] or _("Nothing is saved yet: the file is not attached (see below)."),
        )
        context = _report_context(request, report, forms=forms, attachment_form=form)
        return render(request, "actionplan/report.html", context, status=400)
    messages.success(request, _("The draft is saved and the file is attached."))
    return redirect(report)


@require_http_methods(["GET", "POST"])
@network_member_required
def report_detail(request, pk: int):
    """Read a report; its state's focal point edits the draft here. One form carries the
    entries and the file to attach, so a refused file or a refused save comes back with every
    typed text in the page, and every answer renders at this address, so the next save posts
    here. `then=autosave` (the page's script, a minute after the last change) saves the draft
    and answers JSON."""
    report = selectors.get_report_for(request.user, pk)
    if request.method == "GET":
        return render(request, "actionplan/report.html", _report_context(request, report))
    if not selectors.is_report_author(request.user, report):
        raise PermissionDenied
    then = request.POST.get("then", "")
    forms = _posted_entry_forms(report, request.POST)
    if then == "attach":
        return _save_and_attach(request, report, forms)
    error = _save_posted_entries(request, report, forms)
    if then == "autosave":
        if error:
            return JsonResponse({"saved": False, "error": error}, status=400)
        return JsonResponse({"saved": True, "at": timezone.localtime().strftime("%H:%M")})
    if error:
        messages.error(request, error)
        context = _report_context(request, report, forms=forms)
        return render(request, "actionplan/report.html", context, status=400)
    if then == "submit":
        return redirect("actionplan:report-submit", pk=report.pk)
    messages.success(request, _("The draft is saved."))
    return redirect(report)


@require_http_methods(["GET", "POST"])
@network_member_required
def report_submit(request, pk: int):
    report = selectors.get_report_for(request.user, pk)
    if not selectors.is_report_author(request.user, report):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.submit_report(report, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The report is submitted to the Secretariat."))
        return redirect(report)
    empty = [e for e in selectors.entries_of(report) if not e.narrative.strip()]
    return render(request, "actionplan/report_submit.html", {"report": report, "empty": empty})


@require_http_methods(["GET", "POST"])
@network_member_required
def report_return(request, pk: int):
    report = selectors.get_report_for(request.user, pk)
    if not request.user.is_secretariat:
        raise PermissionDenied
    form = ReturnReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_report(report, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The report is returned to the state for correction."))
            return redirect(report)
    return render(request, "actionplan/report_return.html", {"report": report, "form": form})


@require_GET
@network_member_required
def attachment_download(request, pk: int):
    """Files are served only here, after the rights check, always as a download."""
    attachment = selectors.get_attachment_for(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@network_member_required
def attachment_delete(request, pk: int):
    attachment = selectors.get_attachment_for(request.user, pk)
    report = attachment.report
    try:
        services.remove_attachment(attachment, actor=request.user)
    except DomainError as error:
        if error.code == "forbidden":
            raise PermissionDenied from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("The file is removed."))
    return redirect(report)


# --- The annual review -------------------------------------------------------------------------


@require_GET
@allowed_by(selectors.may_follow_reviews)
def review_list(request):
    cycles = ReviewCycle.objects.all()
    return render(request, "actionplan/review_list.html", {"cycles": cycles})


def _review_context(cycle: ReviewCycle, user) -> dict:
    summary = selectors.review_summary(cycle, user=user)
    open_approvals = list(selectors.open_approvals())
    body = consolidated.consolidated(cycle)
    soc_requests = list(selectors.review_requests(cycle))
    open_request = next((r for r in soc_requests if r.is_open), None)
    seq, head = audit.current_head()
    return {
        **summary,
        **body,
        "open_approvals": open_approvals,
        "stages": ReviewCycle.Stage.choices,
        "stage_index": ReviewCycle.Stage.values.index(cycle.stage),
        "rights": selectors.review_rights(user, cycle, open_request),
        "soc_request": open_request,
        "soc_requests": soc_requests,
        "content_hash": approvals.content_hash(consolidated.review_content(cycle, body["entries"])),
        "head_seq": seq,
        "head_hash": head,
        # What the other apps count for the year (document checks, answer times, attendance).
        "review_sections": review_sections.sections_for(cycle.year),
    }


def _readable_cycle(request, year: int) -> ReviewCycle:
    """404 for a year without a review; 403 to a network member who may not read it yet."""
    cycle = get_object_or_404(selectors.cycles_visible_to(request.user), year=year)
    if not selectors.may_read_review(request.user, cycle):
        raise PermissionDenied
    return cycle


@require_GET
@network_member_required
def review_detail(request, year: int):
    """The consolidated review: per area and activity what each state wrote, the year's
    figures beside the previous years', the Secretariat's and the SWG's words, the stages;
    printable, with charts."""
    cycle = _readable_cycle(request, year)
    context = _review_context(cycle, request.user)
    if context["rights"]["write"]:
        context["text_form"] = ReviewTextForm(cycle=cycle)
    if context["rights"]["swg"]:
        context["swg_form"] = SwgConclusionsForm(cycle=cycle)
    if context["rights"]["to_soc"]:
        context["soc_form"] = ApprovalRequestForm()
        context["silence_form"] = SilenceForm(zone=request.user.zone)
    return render(request, "actionplan/review.html", context)


@require_GET
@network_member_required
def review_export(request, year: int):
    cycle = _readable_cycle(request, year)
    content = exports.review_workbook(cycle, _review_context(cycle, request.user))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="cica-review-{cycle.year}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@network_member_required
def review_pdf(request, year: int):
    """The consolidated review as PDF, in the reader's language, citing the audit chain's head
    and the text's hash so anyone can check which version was issued."""
    cycle = _readable_cycle(request, year)
    content = exports.review_pdf(cycle, _review_context(cycle, request.user))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="cica-review-{cycle.year}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _managed_cycle(request, year: int) -> ReviewCycle:
    return get_object_or_404(ReviewCycle, year=year)


@require_POST
@secretariat_required
def review_text(request, year: int):
    """The Secretariat's summary and conclusions, written on the review page."""
    cycle = _managed_cycle(request, year)
    form = ReviewTextForm(request.POST, cycle=cycle)
    if form.is_valid():
        try:
            services.write_review_text(cycle, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The Secretariat's summary and conclusions are saved."))
            return redirect(cycle)
    return render(
        request, "actionplan/review_text_form.html", {"cycle": cycle, "form": form}, status=400
    )


@require_POST
@secretariat_required
def review_swg(request, year: int):
    """The SWG's conclusions, recorded while the text is before it."""
    cycle = _managed_cycle(request, year)
    form = SwgConclusionsForm(request.POST, cycle=cycle)
    if form.is_valid():
        try:
            services.record_swg_conclusions(
                cycle, actor=request.user, conclusions=form.cleaned_data["swg_conclusions"]
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The SWG's conclusions are recorded."))
            return redirect(cycle)
    return render(
        request, "actionplan/review_text_form.html", {"cycle": cycle, "form": form}, status=400
    )


STAGE_STEPS = {
    "consolidate": (services.begin_consolidation, _lazy("The Secretariat's consolidation began.")),
    "swg": (services.send_to_swg, _lazy("The consolidated review is before the SWG.")),
}


@require_POST
@secretariat_required
def review_stage(request, year: int):
    """The next stage: consolidation, then the SWG (the SOC is asked through `review_soc`)."""
    cycle = _managed_cycle(request, year)
    step = STAGE_STEPS.get(request.POST.get("step", ""))
    if step is None:
        messages.error(request, _("Choose the next stage of the review."))
        return redirect(cycle)
    action, success = step
    act(request, lambda: action(cycle, actor=request.user), success=success)
    return redirect(cycle)


@require_POST
@secretariat_required
def review_soc(request, year: int):
    """Ask the SOC (every member state) to adopt the review: by consensus before a deadline, or
    under silence until an instant (`rule=silence`)."""
    cycle = _managed_cycle(request, year)
    silence = request.POST.get("rule") == "silence"
    form = (
        SilenceForm(request.POST, zone=request.user.zone)
        if silence
        else (ApprovalRequestForm(request.POST))
    )
    if not form.is_valid():
        errors = "; ".join(str(e) for field in form.errors.values() for e in field)
        messages.error(request, _("Check the form: %(errors)s") % {"errors": errors})
        return redirect(cycle)
    when = form.cleaned_data
    try:
        approval = services.put_review_to_soc(
            cycle,
            actor=request.user,
            deadline=when.get("deadline"),
            silence_until=when.get("silence_until"),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(cycle)
    messages.success(request, _("Every member state is asked to adopt the review."))
    return redirect("approval-detail", pk=approval.pk)


@require_POST
@secretariat_required
def review_open(request, year: int):
    cycle = get_object_or_404(ReviewCycle, year=year)
    if services.open_cycle(cycle, actor=request.user):
        messages.success(request, _("The review cycle is open; focal points are told."))
    else:
        messages.info(request, _("This review cycle was already open or closed."))
    return redirect(cycle)
