"""Pages of the meetings app: authorise, call one service or selector, respond."""

from __future__ import annotations

import calendar as pycalendar
import zoneinfo
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cica_portal.errors import DomainError, act, show_on_form
from cica_portal.roles import (
    allowed_by,
    focal_point_required,
    network_member_required,
    secretariat_required,
)

from . import selectors, services
from .badges import badge_code, badge_qr_svg
from .exports import participants_response
from .filters import MeetingFilter
from .forms import (
    AcceptForm,
    CheckInForm,
    CirculateMinutesForm,
    CredentialsForm,
    DeclineForm,
    DocumentForm,
    DocumentVersionForm,
    InvitationAnswerForm,
    InvitationLetterForm,
    InviteForm,
    LettersForm,
    LibrarySearchForm,
    MeetingDecisionForm,
    NeedsAnswerForm,
    NeedsQuestionnaireForm,
    OccurrencesForm,
    RegistrationDecisionForm,
    ScheduleForm,
    TrainingRequestForm,
    delegate_formset,
)
from .ics import calendar_for
from .letters import render_pdf
from .models import LetterKind, Meeting, MeetingSeries

ICS = "text/calendar; charset=utf-8"


def _month(value: str | None) -> date:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if not 1 < year < 9999:  # the grid shows the months either side
            raise ValueError(year)
        return date(year, month, 1)
    except (TypeError, ValueError, OverflowError):  # OverflowError: a year past C's long
        return today.replace(day=1)


@network_member_required
@require_GET
def calendar(request):
    """The month grid, filtered by area and kind."""
    first = _month(request.GET.get("month"))
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    zone = timezone.get_current_timezone()
    grid_start = datetime.combine(weeks[0][0], datetime.min.time(), tzinfo=zone)
    grid_end = datetime.combine(weeks[-1][-1] + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    filters = MeetingFilter(
        request.GET,
        queryset=selectors.meetings_in_range(request.user, grid_start, grid_end).order_by("start"),
    )
    by_day: dict[date, list[Meeting]] = {}
    for meeting in filters.qs:
        day = max(timezone.localtime(meeting.start).date(), weeks[0][0])
        last = min(timezone.localtime(meeting.end).date(), weeks[-1][-1])
        while day <= last:
            by_day.setdefault(day, []).append(meeting)
            day += timedelta(days=1)
    today = timezone.localdate()
    grid = [
        [
            {
                "date": d,
                "meetings": by_day.get(d, []),
                "other": d.month != first.month,
                "today": d == today,
            }
            for d in week
        ]
        for week in weeks
    ]
    previous_month = (first - timedelta(days=1)).replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    query = request.GET.copy()
    query.pop("month", None)
    context = {
        "first": first,
        "weeks": grid,
        "filter": filters,
        "previous_month": previous_month,
        "next_month": next_month,
        "filter_query": query.urlencode(),
        "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
        "zone": zone,
    }
    return render(request, "meetings/calendar.html", context)


@network_member_required
@require_GET
def meeting_list(request):
    """Every meeting as a list: upcoming first, or the past ones."""
    past = request.GET.get("when") == "past"
    now = timezone.now()
    year = _year(request.GET.get("year"))
    queryset = selectors.meetings_visible_to(request.user)
    if year:
        # A whole year on one page (a few hundred meetings at most), to print or to scan.
        queryset = selectors.meetings_of_year(request.user, year)
    elif past:
        queryset = queryset.filter(end__lt=now).order_by("-start")
    else:
        queryset = queryset.filter(end__gte=now).order_by("start")
    filters = MeetingFilter(request.GET, queryset=queryset)
    per_page = selectors.YEAR_LIMIT if year else 25
    page = Paginator(filters.qs, per_page).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filter": filters,
        "past": past,
        "year": year,
        "years": [now.year, now.year + 1],
    }
    return render(request, "meetings/list.html", context)


def _year(value: str | None) -> int | None:
    """A year the calendar can hold (1992, CICA's first summit, to a century ahead), or None."""
    if not value or not value.isdigit() or len(value) != 4:
        return None
    year = int(value)
    return year if 1992 <= year <= timezone.now().year + 100 else None


@network_member_required
@require_GET
def meeting_detail(request, pk: int):
    user = request.user
    meeting = selectors.get_meeting_for(user, pk)
    adoptions = selectors.adoptions_of(meeting)
    documents = list(
        selectors.documents_readable_by(user).filter(meeting=meeting).select_related("entry")
    )
    for document in documents:
        document.adoption = adoptions.get(document.pk)
        document.may_circulate = selectors.may_circulate_minutes(user, document, document.adoption)
    context = {
        "meeting": meeting,
        "documents": documents,
        "own_registration": selectors.own_registration(user, meeting),
        "invitations": selectors.invitations_of(meeting),
    }
    own = context["own_registration"]
    context["rights"] = {
        "register": selectors.may_register(user, meeting),
        "withdraw_registration": bool(own) and selectors.may_withdraw_registration(user, own),
        "see_delegation": user.is_focal_point,
        "see_registrations": user.is_secretariat,
        "letters": selectors.may_read_letters(user),
        "record_decision": selectors.may_record_decision(user, meeting),
        "official_list": selectors.may_read_official_list(user, meeting),
        "validate": bool(own)
        and not own.validated_at
        and selectors.may_validate_delegation(user, own),
        "upload_credentials": bool(own) and selectors.may_upload_credentials(user, own),
    }
    if context["rights"]["upload_credentials"]:
        context["credentials_form"] = CredentialsForm()
    if user.is_secretariat:
        registrations = list(selectors.registrations_answered(meeting))
        for registration in registrations:
            registration.may_confirm = selectors.may_confirm_registration(user, registration)
            registration.may_decide = selectors.may_decide_registration(user, registration)
        invitations = list(context["invitations"])
        for invitation in invitations:
            invitation.may_send = selectors.may_send_invitation_letter(user, invitation)
            invitation.may_answer = selectors.may_record_invitation_answer(user, invitation)
            invitation.may_register = selectors.may_register_body(user, invitation)
            invitation.may_propose_again = selectors.may_propose_again(user, invitation)
        context["invitations"] = invitations
        context.update(
            registrations=registrations,
            invite_form=InviteForm(),
            decision_form=MeetingDecisionForm(),
            document_form=DocumentForm(),
            circulate_form=CirculateMinutesForm(zone=user.zone, prefix="minutes"),
        )
    return render(request, "meetings/detail.html", context)


@network_member_required
@require_GET
def meeting_ics(request, pk: int):
    meeting = selectors.get_meeting_for(request.user, pk)
    response = HttpResponse(calendar_for([meeting], name=meeting.title), content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@require_GET
def feed(request, token: str):
    """The personal calendar feed: the secret address is the only credential."""
    user = selectors.feed_user(token)
    if user is None:
        raise Http404
    response = HttpResponse(
        calendar_for(selectors.feed_meetings(user), name=_("CICA meetings")), content_type=ICS
    )
    response["Cache-Control"] = "private, max-age=900"
    response["Referrer-Policy"] = "no-referrer"
    return response


@network_member_required
@require_http_methods(["GET", "POST"])
def feed_settings(request):
    """Show the personal feed address; POST makes a new one (the old one stops working)."""
    if request.method == "POST":
        services.reset_calendar_token(request.user)
        messages.success(request, _("Your calendar address is new; the old one no longer works."))
        return redirect("meetings:feed-settings")
    token = request.user.calendar_token
    url = request.build_absolute_uri(reverse("meetings:feed", args=[token])) if token else ""
    return render(request, "meetings/feed_settings.html", {"feed_url": url})


@focal_point_required
@require_http_methods(["GET", "POST"])
def register(request, pk: int):
    """The focal point registers or changes their state's delegation."""
    meeting = selectors.get_meeting_for(request.user, pk)
    registration = selectors.own_registration(request.user, meeting)
    if not selectors.may_register(request.user, meeting):
        # A closed, past or declined meeting shows why, and no form to fill in vain.
        closed = selectors.why_registration_is_closed(meeting) or selectors.DECLINED_IS_FINAL
        context = {"meeting": meeting, "closed": closed, "registration": registration}
        status = 409 if request.method == "POST" else 200
        return render(request, "meetings/register.html", context, status=status)
    previous = None if registration else selectors.previous_registration(request.user, meeting)
    formset = delegate_formset(
        request.POST if request.method == "POST" else None,
        registration=registration,
        previous=previous,
        rows=selectors.delegate_rows(meeting, registration or previous),
        cap=meeting.max_delegates_per_state,
    )
    error = None
    if request.method == "POST" and formset.is_valid():
        try:
            registered = services.register_delegation(
                meeting,
                by=request.user,
                delegates=[f.cleaned_data for f in formset.forms if f.cleaned_data],
            )
        except DomainError as domain_error:
            error = domain_error.message
        else:
            if registered.status == registered.Status.WAITLISTED:
                messages.info(
                    request,
                    _(
                        "Every seat is taken: your delegation is on the waiting list and is "
                        "admitted in order when a seat frees."
                    ),
                )
            else:
                messages.success(
                    request, _("Your delegation is registered; the Secretariat will confirm it.")
                )
            return redirect(meeting)
    context = {
        "meeting": meeting,
        "formset": formset,
        "error": error,
        "registration": registration,
        "previous": previous if request.method == "GET" else None,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/register.html", context, status=status)


@focal_point_required
@require_http_methods(["GET", "POST"])
def registration_withdraw(request, pk: int):
    """Asks first (GET), then withdraws (POST): the seats go and the Secretariat is told."""
    registration = selectors.get_registration_for(request.user, pk)
    if not selectors.may_withdraw_registration(request.user, registration):
        messages.info(request, _("This delegation is already withdrawn."))
        return redirect(registration.meeting)
    if request.method == "GET":
        return render(
            request, "meetings/registration_withdraw.html", {"registration": registration}
        )
    try:
        services.withdraw_registration(registration, by=request.user)
    except DomainError as error:
        raise PermissionDenied(error.message) from error
    messages.success(request, _("Your delegation is withdrawn; the Secretariat is told."))
    return redirect(registration.meeting)


@secretariat_required
@require_http_methods(["GET", "POST"])
def registration_decide(request, pk: int):
    """The Secretariat returns a delegation for changes or declines it, with a reason."""
    registration = selectors.get_registration_for(request.user, pk)
    if not selectors.may_decide_registration(request.user, registration):
        raise Http404
    form = RegistrationDecisionForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        decide = (
            services.return_registration
            if form.cleaned_data["action"] == RegistrationDecisionForm.RETURN
            else services.decline_registration
        )
        try:
            decide(registration, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The state's focal point is told."))
            return redirect(registration.meeting)
    context = {"registration": registration, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/registration_decide.html", context, status=status)


@secretariat_required
@require_POST
def registration_confirm(request, pk: int):
    registration = selectors.get_registration_for(request.user, pk)
    act(
        request,
        lambda: services.confirm_registration(registration, by=request.user),
        success=_("Registration confirmed."),
    )
    return redirect(registration.meeting)


@secretariat_required
@require_GET
def participants(request, pk: int):
    """The list of delegates and their badges, ready to print."""
    meeting = selectors.get_meeting_for(request.user, pk)
    registrations = list(selectors.participants_of(meeting))
    for registration in registrations:
        if registration.status == registration.Status.CONFIRMED:
            for delegate in registration.delegates.all():
                # segno's own SVG of our own code: no user text in it.
                delegate.qr = mark_safe(badge_qr_svg(delegate))  # noqa: S308
                delegate.code = badge_code(delegate)
    return render(
        request,
        "meetings/participants.html",
        {"meeting": meeting, "registrations": registrations},
    )


@secretariat_required
@require_GET
def participants_xlsx(request, pk: int):
    meeting = selectors.get_meeting_for(request.user, pk)
    return participants_response([meeting])


@network_member_required
@require_GET
def document_download(request, pk: int):
    """The only way to a stored document: 404 unless the user may read it."""
    document = selectors.get_document_for(request.user, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name or f"document-{document.pk}",
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@secretariat_required
@require_POST
def document_upload(request, pk: int):
    meeting = selectors.get_meeting_for(request.user, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.upload_document(
                meeting,
                by=request.user,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                access=form.cleaned_data["access"],
                language=form.cleaned_data["language"] or "en",
                title_ru=form.cleaned_data["title_ru"],
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Document attached."))
            return redirect(meeting)
    return render(
        request, "meetings/document_upload.html", {"meeting": meeting, "form": form}, status=400
    )


@secretariat_required
@require_POST
def invite(request, pk: int):
    """Propose an international body; the member states are asked to agree."""
    meeting = selectors.get_meeting_for(request.user, pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.invite_organisation(
                meeting,
                form.cleaned_data["organisation"],
                by=request.user,
                message=form.cleaned_data["message"],
                contact_name=form.cleaned_data["contact_name"],
                contact_email=form.cleaned_data["contact_email"],
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "The member states are asked to agree; the invitation goes out when "
                    "every one of them has approved."
                ),
            )
            return redirect(meeting)
    return render(request, "meetings/invite.html", {"meeting": meeting, "form": form}, status=400)


@secretariat_required
@require_POST
def record_decision(request, pk: int):
    """A decision taken at this meeting enters the register (and may move a plan item)."""
    meeting = selectors.get_meeting_for(request.user, pk)
    form = MeetingDecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.record_meeting_decision(
                meeting,
                by=request.user,
                title=data["title"],
                text=data["text"],
                token=str(data["token"]),
                item=data["item"],
                to_status=data["to_status"],
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("Decision %(number)s is entered in the register.") % {"number": entry.number},
            )
            return redirect(meeting)
    return render(
        request, "meetings/record_decision.html", {"meeting": meeting, "form": form}, status=400
    )


# --- Training seminars upon request -----------------------------------------------------------


@allowed_by(selectors.may_follow_training_requests)
@require_GET
def training_list(request):
    queryset = selectors.training_requests_visible_to(request.user)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    return render(request, "meetings/training_list.html", {"page": page})


@focal_point_required
@require_http_methods(["GET", "POST"])
def training_new(request):
    form = TrainingRequestForm(request.POST or None, initial=_training_initial(request.GET))
    if request.method == "POST" and form.is_valid():
        try:
            training = services.request_training(by=request.user, **form.cleaned_data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Your request is sent to the Secretariat."))
            return redirect(training)
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/training_new.html", {"form": form}, status=status)


def _training_initial(query) -> dict:
    """What a link from a state's training needs fills in; the form checks it when sent."""
    fields = ("area", "topic", "preferred_period", "expected_participants", "needs")
    return {name: query[name][:300] for name in fields if query.get(name)}


@allowed_by(selectors.may_follow_training_requests)
@require_GET
def training_detail(request, pk: int):
    training = selectors.get_training_request_for(request.user, pk)
    context = {"training": training, "rights": selectors.training_rights(request.user, training)}
    if context["rights"]["decide"]:
        context.update(
            accept_form=AcceptForm(),
            decline_form=DeclineForm(),
            schedule_form=ScheduleForm(
                initial={"title": _("Training seminar: %(topic)s") % {"topic": training.topic}}
            ),
        )
    return render(request, "meetings/training_detail.html", context)


@secretariat_required
@require_POST
def training_decide(request, pk: int, action: str):
    """Accept, decline with a reason, or schedule as a meeting."""
    training = selectors.get_training_request_for(request.user, pk)
    forms = {"accept": AcceptForm, "decline": DeclineForm, "schedule": ScheduleForm}
    if action not in forms:
        raise Http404
    form = forms[action](request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "accept":
                services.accept_training_request(training, by=request.user, note=data["note"])
            elif action == "decline":
                services.decline_training_request(training, by=request.user, reason=data["reason"])
            else:
                meeting = services.schedule_training_request(training, by=request.user, **data)
                messages.success(request, _("The seminar is scheduled."))
                return redirect(meeting)
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The requesting state is told."))
            return redirect(training)
    context = {
        "training": training,
        "rights": selectors.training_rights(request.user, training),
        "accept_form": AcceptForm(),
        "decline_form": DeclineForm(),
        "schedule_form": ScheduleForm(),
    }
    context[f"{action}_form"] = form
    return render(request, "meetings/training_detail.html", context, status=400)


# --- Series -----------------------------------------------------------------------------------


@secretariat_required
@require_http_methods(["GET", "POST"])
def series_generate(request, pk: int):
    """Show the dates the portal proposes for a series; create the ones confirmed."""
    series = get_object_or_404(MeetingSeries, pk=pk)
    existing = {
        timezone.localtime(s, zoneinfo.ZoneInfo(series.time_zone)).date()
        for s in series.meetings.values_list("start", flat=True)
    }
    proposed = [
        (start, end)
        for start, end in services.propose_occurrences(series)
        if start.date() not in existing
    ]
    form = OccurrencesForm(request.POST or None, proposed=proposed)
    if request.method == "POST" and form.is_valid():
        chosen = {date.fromisoformat(value) for value in form.cleaned_data["dates"]}
        created = services.generate_occurrences(series, by=request.user, only=chosen)
        messages.success(request, _("%(n)d meetings created.") % {"n": len(created)})
        return redirect("admin:meetings_meeting_changelist")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "meetings/series_generate.html",
        {"series": series, "form": form, "proposed": proposed, "existing": sorted(existing)},
        status=status,
    )


# --- Letters ----------------------------------------------------------------------------------


def _make_letters(request, meeting: Meeting, form: LettersForm) -> bool:
    """Make the letters the form asks for; a refusal is shown on the form."""
    kind, languages = form.cleaned_data["kind"], form.cleaned_data["languages"]
    try:
        if kind == LetterKind.VISA_SUPPORT:
            made = services.generate_visa_letters(meeting, by=request.user, languages=languages)
        else:
            made = services.generate_state_letters(
                meeting, by=request.user, kind=kind, languages=languages
            )
    except DomainError as error:
        show_on_form(form, error)
        return False
    messages.success(
        request,
        ngettext("%(n)d letter made.", "%(n)d letters made.", len(made)) % {"n": len(made)}
        if made
        else _("Every letter asked for was made already: nothing new."),
    )
    return True


@allowed_by(selectors.may_read_letters)
@require_http_methods(["GET", "POST"])
def meeting_letters(request, pk: int):
    """The meeting's letters: the Secretariat makes and sends them, a focal point downloads
    their state's."""
    meeting = selectors.get_meeting_for(request.user, pk)
    may_make = selectors.may_make_letters(request.user)
    if request.method == "POST" and not may_make:
        raise PermissionDenied
    form = LettersForm(request.POST or None) if may_make else None
    status = 200
    if form is not None and request.method == "POST":
        if form.is_valid() and _make_letters(request, meeting, form):
            return redirect("meetings:letters", pk=meeting.pk)
        status = 400
    letters = selectors.letters_of(request.user, meeting).select_related("delegate")
    context = {"meeting": meeting, "letters": letters, "form": form, "may_make": may_make}
    return render(request, "meetings/letters.html", context, status=status)


@network_member_required
@require_GET
def letter_pdf(request, pk: int):
    """The letter's PDF, drawn from its kept text; 404 unless the user may read it."""
    letter = selectors.get_letter_for(request.user, pk)
    response = HttpResponse(render_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@allowed_by(selectors.may_make_letters)
@require_POST
def letter_send(request, pk: int):
    """Email the letter to its state's focal points (logged and audited)."""
    letter = selectors.get_letter_for(request.user, pk)
    act(
        request,
        lambda: services.send_letter(letter, by=request.user),
        success=_("The letter %(reference)s is sent to the focal points of %(state)s.")
        % {"reference": letter.reference, "state": letter.state.name},
    )
    return redirect("meetings:letters", pk=letter.meeting_id)


# --- Delegations: the state's validation, credentials, the official list ----------------------


@network_member_required
@require_POST
def registration_validate(request, pk: int):
    """The state's approver or focal point validates its own line (another state's is 404)."""
    registration = selectors.get_registration_for(request.user, pk)
    act(
        request,
        lambda: services.validate_delegation(registration, by=request.user),
        success=_("Your state's delegation is validated for the official list."),
    )
    return redirect(registration.meeting)


@network_member_required
@require_http_methods(["GET", "POST"])
def registration_credentials(request, pk: int):
    """GET: the credentials letter (the state's people and the Secretariat); POST: the state's
    focal point files it."""
    registration = selectors.get_registration_for(request.user, pk)
    if request.method == "GET":
        if not registration.credentials:
            raise Http404
        try:
            handle = registration.credentials.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=registration.credentials_name or f"credentials-{registration.pk}",
            content_type=registration.credentials_type or "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
    if not selectors.may_upload_credentials(request.user, registration):
        raise PermissionDenied
    form = CredentialsForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.upload_credentials(
                registration, by=request.user, upload=form.cleaned_data["file"]
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The credentials are filed with the delegation."))
            return redirect(registration.meeting)
    return render(
        request,
        "meetings/credentials_upload.html",
        {"registration": registration, "form": form},
        status=400,
    )


def _official_list_meeting(request, pk: int) -> Meeting:
    meeting = selectors.get_meeting_for(request.user, pk)
    if not selectors.may_read_official_list(request.user, meeting):
        raise Http404
    return meeting


def _official_list_source(request, meeting: Meeting) -> tuple[list[dict] | None, Any]:
    """Which list is asked for: a publication (`?version=3`, else the latest), or the list as
    it stands now (`?draft=1`, the Secretariat's only; also before any publication)."""
    wanted = request.GET.get("version", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        version = selectors.published_official_list(meeting, int(wanted))
        if version is None:
            raise Http404
        return version.lines, version
    version = selectors.published_official_list(meeting)
    if version is None or (request.GET.get("draft") and request.user.is_secretariat):
        return None, None
    return version.lines, version


def _list_query(version) -> str:
    return f"version={version.number}" if version is not None else "draft=1"


@network_member_required
@require_GET
def official_list(request, pk: int):
    """The official list of participants: a publication as it was published (the latest by
    default, earlier ones from the history), or for the Secretariat the list as it stands."""
    meeting = _official_list_meeting(request, pk)
    lines, version = _official_list_source(request, meeting)
    latest = selectors.published_official_list(meeting)
    is_secretariat = request.user.is_secretariat
    context = {
        "meeting": meeting,
        "groups": selectors.official_list_groups(meeting, lines),
        "version": version,
        "latest": latest,
        "versions": selectors.official_list_versions(meeting),
        "list_query": _list_query(version),
        "may_publish": selectors.may_publish_participants(request.user),
        "show_attendance": True,
        "changed_since": is_secretariat
        and latest is not None
        and selectors.official_list_hash(selectors.official_list_lines(meeting)) != latest.sha256,
    }
    return render(request, "meetings/official_list.html", context)


@network_member_required
@require_GET
def official_list_pdf(request, pk: int):
    from .official_list import render_pdf as render_list

    meeting = _official_list_meeting(request, pk)
    _lines, version = _official_list_source(request, meeting)
    language = request.GET.get("lang") or (request.LANGUAGE_CODE or "en")[:2]
    if language not in ("en", "ru"):
        language = "en"
    response = HttpResponse(render_list(meeting, language, version), content_type="application/pdf")
    label = f"v{version.number}" if version else "draft"
    response["Content-Disposition"] = (
        f'attachment; filename="participants-{meeting.pk}-{label}-{language}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@network_member_required
@require_GET
def official_list_csv(request, pk: int):
    from .official_list import render_csv

    meeting = _official_list_meeting(request, pk)
    lines, version = _official_list_source(request, meeting)
    response = HttpResponse(render_csv(meeting, lines), content_type="text/csv; charset=utf-8")
    label = f"v{version.number}" if version else "draft"
    response["Content-Disposition"] = (
        f'attachment; filename="participants-{meeting.pk}-{label}.csv"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@secretariat_required
@require_POST
def official_list_publish(request, pk: int):
    meeting = selectors.get_meeting_for(request.user, pk)
    act(
        request,
        lambda: services.publish_participants(meeting, by=request.user),
        success=_(
            "The official list is published as a new version: the member states' people read "
            "it as it is now, whatever changes later."
        ),
    )
    return redirect("meetings:official-list", pk=meeting.pk)


# --- Check-in at the door ---------------------------------------------------------------------


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@allowed_by(selectors.may_check_in)
@require_http_methods(["GET", "POST"])
def check_in(request, pk: int):
    """The Secretariat's phone page at the door: a badge's code scanned or typed checks its
    delegate in; a second time only says when."""
    meeting = selectors.get_meeting_for(request.user, pk)
    form = CheckInForm(request.POST if request.method == "POST" else None)
    result, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = services.check_in(meeting, form.cleaned_data["code"], by=request.user)
            except DomainError as error:
                show_on_form(form, error)
            else:
                status = 200
                form = CheckInForm()
        if _wants_json(request):
            if result is None:
                return JsonResponse({"ok": False, "errors": form.errors}, status=400)
            return JsonResponse(
                {
                    "ok": True,
                    "first_time": result.first_time,
                    "name": result.delegate.name,
                    "delegation": str(result.delegate.registration.participant_name),
                }
            )
    present, total = selectors.attendance_of_meeting(meeting)
    context = {
        "meeting": meeting,
        "form": form,
        "result": result,
        "present": present,
        "total": total,
    }
    return render(request, "meetings/check_in.html", context, status=status)


# --- International bodies: the letter, the answer, the delegation, a new proposal -------------


@secretariat_required
@require_http_methods(["GET", "POST"])
def invitation_send(request, pk: int):
    invitation = selectors.get_invitation_for(request.user, pk)
    if not selectors.may_send_invitation_letter(request.user, invitation):
        raise Http404
    form = InvitationLetterForm(
        request.POST if request.method == "POST" else None,
        initial={
            "contact_name": invitation.contact_name,
            "contact_email": invitation.contact_email,
            "language": "en",
        },
    )
    if form.is_valid():
        try:
            services.send_invitation_letter(invitation, by=request.user, **form.cleaned_data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The letter is sent to the body's contact point."))
            return redirect(invitation.meeting)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "meetings/invitation_form.html",
        {"invitation": invitation, "form": form, "action": "send"},
        status=status,
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def invitation_answer(request, pk: int):
    invitation = selectors.get_invitation_for(request.user, pk)
    if not selectors.may_record_invitation_answer(request.user, invitation):
        raise Http404
    form = InvitationAnswerForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.record_invitation_answer(
                invitation,
                by=request.user,
                accepted=form.cleaned_data["answer"] == InvitationAnswerForm.ACCEPTED,
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The body's answer is recorded."))
            return redirect(invitation.meeting)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "meetings/invitation_form.html",
        {"invitation": invitation, "form": form, "action": "answer"},
        status=status,
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def invitation_delegation(request, pk: int):
    """The Secretariat registers the delegation of a body that accepted."""
    invitation = selectors.get_invitation_for(request.user, pk)
    if not selectors.may_register_body(request.user, invitation):
        raise Http404
    meeting = invitation.meeting
    registration = (
        meeting.registrations.filter(organisation_id=invitation.organisation_id)
        .prefetch_related("delegates")
        .first()
    )
    previous = None if registration else selectors.previous_registration(request.user, meeting)
    formset = delegate_formset(
        request.POST if request.method == "POST" else None,
        registration=registration,
        previous=previous,
        rows=selectors.delegate_rows(meeting, registration or previous),
        cap=meeting.max_delegates_per_state,
    )
    error = None
    if request.method == "POST" and formset.is_valid():
        try:
            services.register_body_delegation(
                invitation,
                by=request.user,
                delegates=[f.cleaned_data for f in formset.forms if f.cleaned_data],
            )
        except DomainError as domain_error:
            error = domain_error.message
        else:
            messages.success(request, _("The body's delegation is registered."))
            return redirect(meeting)
    context = {
        "meeting": meeting,
        "invitation": invitation,
        "formset": formset,
        "error": error,
        "registration": registration,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/body_delegation.html", context, status=status)


@secretariat_required
@require_POST
def invitation_propose_again(request, pk: int):
    """A body the member states refused (or that declined) is proposed again: a new request."""
    invitation = selectors.get_invitation_for(request.user, pk)
    if not selectors.may_propose_again(request.user, invitation):
        raise Http404
    act(
        request,
        lambda: services.invite_organisation(
            invitation.meeting,
            invitation.organisation,
            by=request.user,
            message=invitation.message,
            contact_name=invitation.contact_name,
            contact_email=invitation.contact_email,
        ),
        success=_("Proposed again: the member states are asked to agree with a new request."),
    )
    return redirect(invitation.meeting)


# --- Needs assessment for "training of the trainers" -------------------------------------------


@allowed_by(selectors.may_follow_needs)
@require_GET
def needs_list(request):
    """The questionnaires on training needs: the Secretariat's to follow, a state's to answer."""
    questionnaires = selectors.questionnaires_visible_to(request.user)
    context = {
        "questionnaires": questionnaires,
        "may_send": selectors.may_send_needs_questionnaire(request.user),
    }
    return render(request, "meetings/needs_list.html", context)


@secretariat_required
@require_http_methods(["GET", "POST"])
def needs_new(request):
    form = NeedsQuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire = services.send_needs_questionnaire(by=request.user, **form.cleaned_data)
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The questionnaire is sent to the member states."))
            missing = selectors.states_without_focal_point_for(questionnaire)
            if missing:
                messages.warning(
                    request,
                    _("No focal point for this area in the directory, so not asked: %(states)s.")
                    % {"states": ", ".join(str(state.name) for state in missing)},
                )
            return redirect(questionnaire)
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/needs_new.html", {"form": form}, status=status)


def _training_link(questionnaire, need) -> str:
    """The training request form, filled in from one need of the user's state."""
    query = urlencode(
        {
            "area": questionnaire.area_id,
            "topic": need.topic,
            "expected_participants": need.trainees,
            "needs": _("Training of the trainers (%(title)s).") % {"title": questionnaire.title},
        }
    )
    return f"{reverse('meetings:training-new')}?{query}"


@allowed_by(selectors.may_follow_needs)
@require_http_methods(["GET", "POST"])
def needs_detail(request, pk: int):
    """A state's focal point saves a draft or submits; the Secretariat reads the consolidated
    needs per topic and state."""
    user = request.user
    questionnaire = selectors.get_questionnaire_for(user, pk)
    answer = selectors.own_needs_answer(user, questionnaire)
    may_answer = selectors.may_answer_needs(user, questionnaire) and not (
        answer and answer.status == answer.Status.SUBMITTED
    )
    if request.method == "POST" and not may_answer:
        raise PermissionDenied
    form = None
    if may_answer:
        form = NeedsAnswerForm(request.POST or None, questionnaire=questionnaire, answer=answer)
    if request.method == "POST" and form is not None and form.is_valid():
        submit = "submit" in request.POST
        try:
            services.save_needs_answer(
                questionnaire,
                by=user,
                institutional_capacity=form.cleaned_data["institutional_capacity"],
                trainers_available=form.cleaned_data["trainers_available"],
                other_needs=form.cleaned_data["other_needs"],
                needs=form.needs(),
                submit=submit,
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                _("Your state's answer is submitted to the Secretariat.")
                if submit
                else _("Your state's answer is saved as a draft."),
            )
            return redirect(questionnaire)
    context = {"questionnaire": questionnaire, "answer": answer, "form": form}
    if answer is not None and answer.status == answer.Status.SUBMITTED:
        context["training_links"] = [
            (need, _training_link(questionnaire, need)) for need in answer.topics.all()
        ]
    if user.is_secretariat:
        context.update(
            consolidated=selectors.consolidated_needs(
                selectors.questionnaires_visible_to(user).filter(pk=questionnaire.pk)
            ),
            answers=selectors.needs_answers_visible_to(user).filter(questionnaire=questionnaire),
            may_close=questionnaire.is_open,
            without_focal_point=selectors.states_without_focal_point_for(questionnaire),
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/needs_detail.html", context, status=status)


@allowed_by(selectors.may_follow_needs)
@require_GET
def needs_answer(request, pk: int):
    """One state's answer: its own focal points' and the Secretariat's; 404 to anyone else."""
    answer = selectors.get_needs_answer_for(request.user, pk)
    return render(request, "meetings/needs_answer.html", {"answer": answer})


@secretariat_required
@require_POST
def needs_close(request, pk: int):
    questionnaire = selectors.get_questionnaire_for(request.user, pk)
    act(
        request,
        lambda: services.close_needs_questionnaire(questionnaire, by=request.user),
        success=_("The questionnaire is closed."),
    )
    return redirect(questionnaire)


# --- Minutes circulated for adoption -----------------------------------------------------------


@secretariat_required
@require_POST
def minutes_circulate(request, pk: int):
    """Circulate a meeting's draft minutes to the member states, by consensus or silence."""
    document = selectors.get_document_for(request.user, pk)
    form = CirculateMinutesForm(request.POST, zone=request.user.zone, prefix="minutes")
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}: {' '.join(errors)}")
        return redirect(document.meeting)
    until = form.ends_at()
    silence = form.cleaned_data["rule"] == form.SILENCE
    act(
        request,
        lambda: services.circulate_minutes(
            document,
            by=request.user,
            deadline=None if silence else until,
            silence_until=until if silence else None,
        ),
        success=_("The minutes are circulated to the member states for adoption."),
    )
    return redirect(document.meeting)


# --- The document library ----------------------------------------------------------------------


@network_member_required
@require_GET
def library(request):
    """Every meeting document the reader may read, searched in English and Russian."""
    form = LibrarySearchForm(request.GET or None)
    found = form.cleaned_data if form.is_valid() else {}
    documents = selectors.library_documents(
        request.user,
        text=found.get("q", ""),
        kind=found.get("kind", ""),
        language=found.get("language", ""),
    )
    page = Paginator(documents, 25).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "searched": bool(found.get("q"))}
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "meetings/library.html", context, status=status)


def _versions_page(request, document, form, status=200):
    context = {
        "document": document,
        "versions": selectors.versions_of(document),
        "form": form,
        "under_adoption": form is not None and selectors.is_under_adoption(document),
    }
    return render(request, "meetings/document_versions.html", context, status=status)


@network_member_required
@require_http_methods(["GET", "POST"])
def document_versions(request, pk: int):
    """A document's symbol, language versions and history; the Secretariat adds a file."""
    document = selectors.get_document_for(request.user, pk)
    may_add = request.user.is_secretariat
    if request.method == "POST" and not may_add:
        raise PermissionDenied
    if not may_add:
        return _versions_page(request, document, None)
    entry = getattr(document, "entry", None)
    form = DocumentVersionForm(
        request.POST or None,
        request.FILES or None,
        initial={"title_ru": entry.title_ru if entry else ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        was_circulated = selectors.is_under_adoption(document)
        try:
            services.add_document_version(
                document,
                by=request.user,
                upload=data["file"],
                language=data["language"],
                note=data["note"],
                title_ru=data["title_ru"] or None,
            )
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("The new version is kept; the earlier ones stay."))
            if was_circulated:
                messages.warning(
                    request,
                    _(
                        "The request to adopt these minutes is withdrawn: circulate the new "
                        "version from the meeting page."
                    ),
                )
            return redirect("meetings:document-versions", document.pk)
    return _versions_page(request, document, form, 400 if request.method == "POST" else 200)


@network_member_required
@require_GET
def document_version_download(request, pk: int):
    """One kept file of a document: 404 unless the user may read the document."""
    version = selectors.get_version_for(request.user, pk)
    try:
        handle = version.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=version.original_name or f"document-{version.document_id}-{version.language}",
        content_type=version.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
