"""Pages that keep the network alive: office rosters, notes verbales and account activation,
the yearly confirmation and communication tests. Authorise, call one service, respond."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cica_portal.errors import DomainError, act, show_on_form
from cica_portal.models import User
from cica_portal.roles import allowed_by, focal_point_required, network_member_required

from . import selectors, services
from .forms import ActingDeputyForm, ContactDetailsForm, DutyShiftForm
from .models import ActingDeputy, ConfirmationCampaign, DutyShift, FocalPoint, TestMessage

# --- offices: duty roster and acting deputies -------------------------------------------------


def _roster_entry(request, pk: int) -> FocalPoint:
    entry = selectors.entry_for(request.user, pk)
    if not selectors.may_keep_roster(request.user, entry):
        raise PermissionDenied
    return entry


@require_http_methods(["GET", "POST"])
@network_member_required
def roster(request, pk: int):
    """An entry's acting deputies and, for an office, its duty roster."""
    entry = _roster_entry(request, pk)
    which = request.POST.get("add") if request.method == "POST" else None
    shift_form = DutyShiftForm(
        request.POST if which == "shift" else None, zone=entry.zone, prefix="shift"
    )
    deputy_form = ActingDeputyForm(request.POST if which == "deputy" else None, prefix="deputy")
    form = {"shift": shift_form, "deputy": deputy_form}.get(which or "")
    if request.method == "POST" and form is None:
        return HttpResponse(_("Say what to add."), status=400, content_type="text/plain")
    if form is not None and form.is_valid():
        try:
            if form is shift_form:
                if not entry.is_office:
                    raise services.FocalPointError(_("Only an office has a duty roster."))
                services.add_duty_shift(entry, actor=request.user, **form.cleaned_data)
            else:
                services.add_acting_deputy(entry, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("focalpoints:roster", pk=entry.pk)
    now = timezone.now()
    return render(
        request,
        "focalpoints/roster.html",
        {
            "entry": entry,
            "shifts": entry.duty_shifts.filter(ends_at__gt=now),
            "deputies": entry.acting_deputies.filter(
                ends_on__gte=now.astimezone(entry.zone).date()
            ),
            "on_duty": selectors.on_duty(entry, now),
            "acting": selectors.acting_for(entry, now),
            "shift_form": shift_form,
            "deputy_form": deputy_form,
        },
    )


@require_POST
@network_member_required
def roster_remove(request, pk: int, kind: str, item: int):
    entry = _roster_entry(request, pk)
    model = {"shift": DutyShift, "deputy": ActingDeputy}.get(kind)
    if model is None:
        raise Http404
    row = get_object_or_404(model.objects.filter(entry=entry), pk=item)
    act(
        request, lambda: services.remove_roster_item(row, actor=request.user), success=_("Removed.")
    )
    return redirect("focalpoints:roster", pk=entry.pk)


# --- notes verbales and activation ------------------------------------------------------------


@require_GET
@network_member_required
def note_verbale(request, pk: int):
    """The scan, to the Secretariat and the state's approver only."""
    entry = selectors.entry_for(request.user, pk)
    if not selectors.may_read_note_verbale(request.user, entry) or not entry.note_verbale_scan:
        raise Http404
    try:
        handle = entry.note_verbale_scan.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"note-verbale-{entry.pk}",
        content_type=entry.note_verbale_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@allowed_by(selectors.may_verify_nominations)
def check_note_verbale(request, pk: int):
    entry = selectors.entry_for_secretariat(request.user, pk)
    act(
        request,
        lambda: services.check_note_verbale(entry, actor=request.user),
        success=_("The note verbale is marked as checked; the nomination can be verified."),
    )
    return redirect("focalpoints:detail", pk=entry.pk)


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request, token: str):
    """A verified nominee opens their account: they choose a password, nothing else; the role
    and state are the nomination's."""
    activation = selectors.activation_by_token(token)
    if activation is None:
        return render(request, "focalpoints/activation_invalid.html", status=404)
    entry = activation.entry
    person = User(username=entry.email, email=entry.email, full_name=entry.name)
    form = SetPasswordForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.activate(activation, password=form.cleaned_data["new_password1"])
        except DomainError as error:
            show_on_form(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Your account is open. Your user name is %(name)s. Set up two-factor "
                    "sign-in now."
                )
                % {"name": user.username},
            )
            return redirect("two-factor-setup")
    return render(request, "focalpoints/activate.html", {"form": form, "entry": entry})


# --- yearly confirmation ----------------------------------------------------------------------


@require_GET
@network_member_required
def confirmation(request):
    """The open campaign: the Secretariat's progress and button; each person's entries to
    confirm in one click."""
    campaign = selectors.open_campaign()
    user = request.user
    checks = selectors.may_run_network_checks(user)
    return render(
        request,
        "focalpoints/confirmation.html",
        {
            "campaign": campaign,
            "progress": selectors.campaign_progress(campaign) if campaign and checks else None,
            "to_confirm": selectors.to_confirm(user, campaign),
            "stale": selectors.stale_entries().select_related("state") if checks else None,
            "may_run": checks,
            "year": timezone.localdate().year,
        },
    )


@require_POST
@allowed_by(selectors.may_run_network_checks)
def campaign_open(request):
    act(
        request,
        lambda: services.open_campaign(actor=request.user),
        success=_("The confirmation campaign is open; every state is asked to confirm."),
    )
    return redirect("focalpoints:confirmation")


@require_http_methods(["GET", "POST"])
@allowed_by(selectors.may_run_network_checks)
def campaign_close(request, pk: int):
    """GET asks (how many entries are still waiting); POST closes. Closing twice is harmless."""
    campaign = get_object_or_404(ConfirmationCampaign, pk=pk)
    if request.method == "POST":
        if campaign.is_open:
            act(
                request,
                lambda: services.close_campaign(campaign, actor=request.user),
                success=_("The confirmation campaign is closed; its reminders stop."),
            )
        else:
            messages.info(request, _("This campaign was already closed."))
        return redirect("focalpoints:confirmation")
    return render(
        request,
        "focalpoints/campaign_close.html",
        {"campaign": campaign, "progress": selectors.campaign_progress(campaign)},
    )


@require_http_methods(["GET", "POST"])
@network_member_required
def campaign_correct(request, pk: int):
    """The state's approver corrects a current entry during the campaign; it counts as the
    entry's confirmation. Who the entry is for (state, role, areas) is not on the form."""
    entry = selectors.entry_for(request.user, pk)
    if not selectors.may_correct_in_campaign(request.user, entry):
        raise PermissionDenied
    form = ContactDetailsForm(request.POST or None, initial=ContactDetailsForm.initial_for(entry))
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.correct_in_campaign(entry, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            if entry.pending_changes:
                messages.success(
                    request,
                    _(
                        "Corrected and confirmed. The Secretariat will verify the changes to "
                        "verified details; until then the directory shows the verified ones."
                    ),
                )
            else:
                messages.success(request, _("Corrected and confirmed: thank you."))
            return redirect("focalpoints:confirmation")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "focalpoints/campaign_correct.html", {"form": form, "entry": entry}, status=status
    )


@require_POST
@network_member_required
def confirm(request, pk: int):
    """One click: the entry is right as it is."""
    entry = selectors.entry_for(request.user, pk)
    if not selectors.may_confirm(request.user, entry):
        raise PermissionDenied
    act(
        request,
        lambda: services.confirm_entry(entry, actor=request.user),
        success=_("Confirmed: thank you."),
    )
    if request.POST.get("next") == "list":
        return redirect("focalpoints:confirmation")
    return redirect("focalpoints:detail", pk=entry.pk)


# --- communication tests ----------------------------------------------------------------------


@require_GET
@allowed_by(selectors.may_run_network_checks)
def communication_tests(request):
    return render(
        request,
        "focalpoints/communication_tests.html",
        {"tests": selectors.communication_tests(request.user)[:50]},
    )


@require_POST
@allowed_by(selectors.may_run_network_checks)
def communication_test_start(request):
    try:
        test = services.start_communication_test(actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("focalpoints:communication-tests")
    messages.success(request, _("The test message is on its way to every focal point and office."))
    return redirect("focalpoints:communication-test", pk=test.pk)


def _report(request, pk: int):
    test = selectors.communication_test_for(request.user, pk)
    return test, selectors.communication_report(test)


@require_GET
@allowed_by(selectors.may_run_network_checks)
def communication_test(request, pk: int):
    """Per state and area: who answered and how fast."""
    test, lines = _report(request, pk)
    messages_sent = test.messages.count()
    answered = test.messages.filter(acknowledged_at__isnull=False).count()
    return render(
        request,
        "focalpoints/communication_test.html",
        {"test": test, "lines": lines, "sent": messages_sent, "answered": answered},
    )


def _minutes(delta) -> str:
    return "" if delta is None else str(round(delta.total_seconds() / 60))


@require_GET
@allowed_by(selectors.may_run_network_checks)
def communication_test_csv(request, pk: int):
    test, lines = _report(request, pk)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["state", "area", "focal point", "address", "sent", "answered", "minutes", "escalated"]
    )
    for line in lines:
        for message in line.messages:
            writer.writerow(
                [
                    line.state.code,
                    line.area.number,
                    message.entry.name,
                    message.address,
                    message.sent_at.isoformat() if message.sent_at else "",
                    message.acknowledged_at.isoformat() if message.acknowledged_at else "",
                    _minutes(message.latency),
                    message.escalated_at.isoformat() if message.escalated_at else "",
                ]
            )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="communication-test-{test.pk}.csv"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def acknowledge(request, token: str):
    """From the email: GET shows a button (mail scanners follow links), POST records."""
    message = selectors.message_by_token(token)
    if message is None:
        raise Http404
    if request.method == "POST":
        services.acknowledge(
            message,
            by=request.user if request.user.is_authenticated else None,
            channel=TestMessage.Channel.EMAIL,
        )
    return render(request, "focalpoints/acknowledge.html", {"message": message})


@require_http_methods(["GET", "POST"])
@focal_point_required
def test_message(request, pk: int):
    """In the portal: the focal point acknowledges a test to their own entry."""
    message = selectors.test_message_for(request.user, pk)
    acknowledged = request.method == "POST" and act(
        request,
        lambda: services.acknowledge(message, by=request.user, channel=TestMessage.Channel.PORTAL),
        success=_("Acknowledged: thank you."),
    )
    if acknowledged:
        return redirect("focalpoints:test-message", pk=message.pk)
    return render(
        request,
        "focalpoints/acknowledge.html",
        {"message": message, "in_portal": True},
    )
