"""The Secretariat runs the calendar here: meetings with their agenda, delegations and documents.

Every save goes through the meetings services, as in the portal, each audited: a meeting's
details (`update_meeting`), its agenda (`save_agenda`), its status (the actions, through
`change_status`, which tell the registered states), documents (`upload_document`,
`change_document`), series. What states write in the portal (registrations and delegates,
training requests, invitations agreed by the member states) is read-only here. Nothing the
portal keeps in its history is deleted here: a meeting with delegations or letters is
cancelled, not deleted (`delete_meeting` refuses it); only one made by mistake can go.
"""

import zoneinfo

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from cica_portal.admin_services import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    ServiceAdminMixin,
    nothing_saved,
)
from cica_portal.bilingual_services import save_language_versions
from cica_portal.errors import DomainError, show_on_form
from cica_portal.uploads import inspect_upload

from . import services
from .exports import participants_response
from .models import (
    AgendaItem,
    Delegate,
    DocumentVersion,
    Invitation,
    Letter,
    LetterTemplate,
    Meeting,
    MeetingDocument,
    MeetingSeries,
    MinutesAdoption,
    NeedsAnswer,
    NeedsQuestionnaire,
    NeedsTopic,
    OfficialListVersion,
    Registration,
    Session,
    TrainingRequest,
    validate_time_zone,
)


class StatusReasonForm(forms.Form):
    """What the registered delegations are told when a meeting is cancelled."""

    reason = forms.CharField(
        label=_("Reason, for the registered delegations"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
    )


class DateInput(forms.DateInput):
    input_type = "date"


class PostponeForm(StatusReasonForm):
    """A delay with its reason and the new dates, saved on the meeting (same times of day)."""

    new_start = forms.DateField(label=_("New start date"), widget=DateInput)
    new_end = forms.DateField(
        label=_("New end date"),
        widget=DateInput,
        help_text=_("The meeting keeps its times of day, in the venue's time zone."),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("new_start"), data.get("new_end")
        if start and end and end < start:
            self.add_error("new_end", _("The new end date cannot be before the new start date."))
        if start and start <= timezone.localdate():
            self.add_error("new_start", _("The new start date must be in the future."))
        return data


def _venue_zone(request, meeting) -> zoneinfo.ZoneInfo:
    """The venue's zone for the meeting form: as posted if it is a real zone, else the
    meeting's, else the default of a new meeting."""
    name = request.POST.get("time_zone") if request.method == "POST" else None
    for candidate in (name, getattr(meeting, "time_zone", None)):
        if candidate:
            try:
                validate_time_zone(candidate)
            except ValidationError:
                continue
            return zoneinfo.ZoneInfo(candidate)
    return zoneinfo.ZoneInfo(Meeting._meta.get_field("time_zone").get_default())


def _cleaned(form, names) -> dict:
    """The form's values for the fields a service takes (those the form has)."""
    return {key: form.cleaned_data[key] for key in names if key in form.cleaned_data}


def _english_beside_russian(form, names: tuple[str, ...]) -> None:
    """`title` (and the like) is the English version, in an admin in any language; a Russian
    version or a status left out stays as it is."""
    for name in ("en_status", "ru_status", *(f"{n}_ru" for n in names)):
        if name in form.fields:
            form.fields[name].required = False
    if form.instance.pk:
        for name in names:
            if name in form.fields:
                form.initial[name] = getattr(form.instance, f"{name}_en") or ""


def _keep_statuses(form, cleaned: dict) -> None:
    for name in ("en_status", "ru_status"):
        if name in form.fields and not cleaned.get(name):
            default = form._meta.model._meta.get_field(name).get_default()
            cleaned[name] = getattr(form.instance, name, "") or default


def _changed_languages(obj, form, names: tuple[str, ...]) -> dict:
    """The Russian versions and statuses the form changes, for `save_language_versions`."""
    wanted = _cleaned(form, (*(f"{n}_ru" for n in names), "en_status", "ru_status"))
    return {
        name: value or ""
        for name, value in wanted.items()
        if (value or name.endswith("_ru")) and (value or "") != (getattr(obj, name) or "")
    }


class AgendaItemForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _english_beside_russian(self, ("title", "description"))

    def clean(self):
        cleaned = super().clean()
        _keep_statuses(self, cleaned)
        return cleaned


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    form = AgendaItemForm
    extra = 0
    # The English and the Russian side by side, with their statuses.
    fields = [
        "position",
        ("title", "title_ru"),
        ("description", "description_ru"),
        ("en_status", "ru_status"),
        "plan_items",
    ]
    autocomplete_fields = []
    filter_horizontal = ["plan_items"]


class SessionInline(admin.StackedInline):
    """The timetable: its times are read and shown in the venue's zone, as the meeting's."""

    model = Session
    extra = 0
    fields = ["title", "start", "end", "chair", "speakers", "agenda_items"]
    filter_horizontal = ["agenda_items"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "agenda_items":
            # Only this meeting's agenda (saved first: add items, save, then build sessions).
            meeting_id = request.resolver_match.kwargs.get("object_id") if request else None
            kwargs["queryset"] = AgendaItem.objects.filter(meeting_id=meeting_id or 0)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _sessions(formset) -> list[dict]:
    """The timetable the formset describes, in the shape `save_timetable` takes."""
    sessions = []
    for session_form in formset.forms:
        data = getattr(session_form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        if session_form.instance.pk is None and not session_form.has_changed():
            continue
        sessions.append(
            {
                "pk": session_form.instance.pk,
                **{name: data.get(name) for name in ("title", "start", "end")},
                "chair": data.get("chair", ""),
                "speakers": data.get("speakers", ""),
                "agenda_items": list(data.get("agenda_items", [])),
            }
        )
    return sessions


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = [
        "state",
        "organisation",
        "status",
        "delegate_count",
        "registered_by",
        "confirmed_at",
        "validated_at",
        "open_link",
    ]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # delegations are registered by their state's focal point

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("state", "organisation", "registered_by")
        )

    @admin.display(description=_("delegates"))
    def delegate_count(self, obj):
        return obj.delegates.count()

    @admin.display(description=_("details"))
    def open_link(self, obj):
        url = reverse("admin:meetings_registration_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Delegates"))


class PrivateFileInput(forms.ClearableFileInput):
    """Uploads have no public URL (MEDIA_URL is None): never link to the stored file."""

    def is_initial(self, value):
        return False


class DocumentAdminForm(forms.ModelForm):
    class Meta:
        model = MeetingDocument
        fields = ["kind", "title", "access", "file"]
        widgets = {"file": PrivateFileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _english_beside_russian(self, ("title",))

    def clean(self):
        cleaned = super().clean()
        _keep_statuses(self, cleaned)
        return cleaned

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # A new upload (the stored file of an existing document is never replaced here): the
        # check `upload_document` makes, as a form error.
        if isinstance(upload, UploadedFile):
            inspect_upload(upload)
        return upload


class DocumentInline(admin.TabularInline):
    """New documents are attached here (`upload_document`); an attached one is changed on its
    own page (`change_document`): its file stays as it was uploaded."""

    model = MeetingDocument
    form = DocumentAdminForm
    extra = 0
    fields = ["kind", "title", "access", "file", "size", "download"]
    readonly_fields = ["size", "download"]
    can_delete = False
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("download"))
    def download(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("meetings:document", args=[obj.pk]), obj.original_name
        )


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    fields = ["organisation", "status", "sent_at", "approval"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # proposed from the meeting page, which asks the member states


class OfficialListVersionInline(admin.TabularInline):
    """Each publication of the official list, as published (made by publishing, never here)."""

    model = OfficialListVersion
    extra = 0
    fields = ["number", "published_at", "published_by", "sha256"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("publications of the official list")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "venue_start", "time_zone", "host_state", "status", "series"]
    list_filter = ["status", "kind", "areas", "format"]
    search_fields = ["title", "venue"]
    date_hierarchy = "start"
    list_select_related = ["host_state", "series"]
    filter_horizontal = ["areas"]
    readonly_fields = [
        "status",
        "created_at",
        "updated_at",
        "portal_link",
        "participants_published_at",
    ]
    inlines = [
        AgendaItemInline,
        SessionInline,
        RegistrationInline,
        DocumentInline,
        InvitationInline,
        OfficialListVersionInline,
    ]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = [
        "confirm",
        "cancel",
        "postpone",
        "mark_held",
        "mark_report_published",
        "export_participants",
        "publish_official_list",
    ]
    fieldsets = [
        # The English (`title`) and the Russian side by side, with their statuses (README).
        (
            None,
            {
                "fields": [
                    ("title", "title_ru"),
                    ("en_status", "ru_status"),
                    "kind",
                    "areas",
                    "status",
                    "portal_link",
                ]
            },
        ),
        (
            _("When and where"),
            {
                "fields": [
                    "start",
                    "end",
                    "time_zone",
                    "host_state",
                    "venue",
                    "online_link",
                    "format",
                    "languages",
                ],
                "description": _(
                    "Every time of the meeting (start, end, registration deadline) is entered "
                    "and shown in the venue's time zone, as on the portal's pages; a new zone "
                    "takes effect with the times entered beside it."
                ),
            },
        ),
        (
            _("Registration"),
            {
                "fields": [
                    "registration_deadline",
                    "max_delegates_per_state",
                    "max_delegations",
                    "participants_published_at",
                ]
            },
        ),
        (
            _("Outcome"),
            {"fields": [("outcome", "outcome_ru"), "series", "created_at", "updated_at"]},
        ),
    ]

    @admin.display(description=_("starts (venue's time)"), ordering="start")
    def venue_start(self, obj):
        return timezone.localtime(obj.start, obj.zone).strftime("%Y-%m-%d %H:%M")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form reads and shows the meeting's times in the venue's zone: the one posted with
        # them, else the meeting's own. Rendered here, while that zone is the current one.
        meeting = self.get_object(request, object_id) if object_id else None
        with timezone.override(_venue_zone(request, meeting)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        return response

    @admin.display(description=_("portal page"))
    def portal_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', obj.get_absolute_url(), pgettext_lazy("link", "Open")
        )

    def has_delete_permission(self, request, obj=None):
        # Only one meeting at a time, from its own page (no bulk action), and only one made by
        # mistake: a meeting with delegations or letters is cancelled and stays in the history
        # (the delete view says so).
        return obj is not None and super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        meeting = self.get_object(request, object_id)
        if meeting is not None and not services.may_be_deleted(meeting):
            self.message_user(
                request,
                _(
                    "%(title)s has registered delegations or letters: it cannot be deleted, "
                    "only cancelled (the Cancel action tells the delegations)."
                )
                % {"title": meeting.title},
                messages.ERROR,
            )
            return redirect("admin:meetings_meeting_change", meeting.pk)
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        services.delete_meeting(obj, by=request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class EnglishBesideRussian(form):  # type: ignore[misc, valid-type]
            """`title` and `outcome` are the English version, in an admin in any language; a
            status left out stays as it is."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name in ("en_status", "ru_status"):
                    if name in self.fields:
                        self.fields[name].required = False
                if self.instance.pk:
                    for name in ("title", "outcome"):
                        if name in self.fields:
                            self.initial[name] = getattr(self.instance, f"{name}_en") or ""

            def clean(self):
                cleaned = super().clean()
                defaults = {"en_status": "original", "ru_status": "draft"}
                for name, default in defaults.items():
                    if name in self.fields and not cleaned.get(name):
                        cleaned[name] = getattr(self.instance, name, "") or default
                return cleaned

        return EnglishBesideRussian

    def save_model(self, request, obj, form, change):
        fields = _cleaned(form, services.MEETING_FIELDS)
        areas = form.cleaned_data.get("areas", [])
        # The services write the English version (`title`, `outcome`), whatever the admin's
        # language; the Russian and the statuses are saved beside it as language versions.
        with translation.override("en"):
            if change:
                saved = services.update_meeting(obj, by=request.user, areas=areas, **fields)
            else:
                saved = services.create_meeting(by=request.user, areas=areas, **fields)
        wanted = _cleaned(form, ("title_ru", "outcome_ru", "en_status", "ru_status"))
        languages = {
            name: value or ""
            for name, value in wanted.items()
            if (value or name in ("title_ru", "outcome_ru"))
            and (value or "") != (getattr(saved, name) or "")
        }
        if languages:
            save_language_versions(saved, by=request.user, values=languages)
        # The admin's inlines, messages and redirects then speak of the saved meeting.
        obj.pk, obj.status, obj._state = saved.pk, saved.status, saved._state

    def save_related(self, request, form, formsets, change):
        # The areas were set by the service; each inline is written by its own service.
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        meeting = form.instance
        nothing_saved(formset)
        if formset.model is AgendaItem:
            if formset.has_changed():
                with translation.override("en"):  # `title` is the English version
                    services.save_agenda(meeting, by=request.user, items=_agenda_items(formset))
        elif formset.model is Session:
            if formset.has_changed():
                services.save_timetable(meeting, by=request.user, sessions=_sessions(formset))
        elif formset.model is MeetingDocument:
            for document_form in formset.extra_forms:
                if document_form.has_changed() and document_form.cleaned_data:
                    data = document_form.cleaned_data
                    document = services.upload_document(
                        meeting,
                        by=request.user,
                        upload=data["file"],
                        kind=data["kind"],
                        title=data["title"],
                        access=data["access"],
                    )
                    formset.new_objects.append(document)
        # Registrations and invitations are read-only here: nothing to save.

    def _move(self, request, queryset, status, note: str = ""):
        done = 0
        for meeting in queryset:
            try:
                services.change_status(meeting, status, by=request.user, note=note)
            except DomainError as error:
                self.message_user(request, f"{meeting}: {error.message}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(n)d meeting is now %(status)s.",
                    "%(n)d meetings are now %(status)s.",
                    done,
                )
                % {"n": done, "status": Meeting.Status(status).label.lower()},
            )

    def _reason_page(self, request, queryset, form, title):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "meetings": list(queryset),
            "action": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/meetings/status_reason.html", context)

    def _answers(self, request, form_class):
        return form_class(request.POST if "apply" in request.POST else None)

    @admin.action(description=_("Confirm the selected meetings"))
    def confirm(self, request, queryset):
        self._move(request, queryset, Meeting.Status.CONFIRMED)

    @admin.action(description=_("Cancel (tells the registered states)"))
    def cancel(self, request, queryset):
        """Cancel only with a reason, asked on a page of its own: the registered delegations
        read it in their notice."""
        form = self._answers(request, StatusReasonForm)
        if form.is_valid():
            note = form.cleaned_data["reason"].strip()
            self._move(request, queryset, Meeting.Status.CANCELLED, note=note)
            return None
        return self._reason_page(request, queryset, form, _("Cancel these meetings"))

    @admin.action(description=_("Postpone to new dates (tells the registered states)"))
    def postpone(self, request, queryset):
        """Postpone one meeting to new dates, with a reason; both go to its delegations."""
        if queryset.count() != 1:
            self.message_user(
                request,
                _("Postpone one meeting at a time: each has its own new dates."),
                messages.WARNING,
            )
            return None
        form = self._answers(request, PostponeForm)
        if form.is_valid():
            meeting, data = queryset.get(), form.cleaned_data
            try:
                services.postpone_meeting(
                    meeting,
                    by=request.user,
                    reason=data["reason"],
                    new_start=data["new_start"],
                    new_end=data["new_end"],
                )
            except DomainError as error:
                show_on_form(form, error)
            else:
                self.message_user(
                    request,
                    _("%(title)s is now postponed; its delegations are told the new dates.")
                    % {"title": meeting.title},
                )
                return None
        return self._reason_page(request, queryset, form, _("Postpone this meeting"))

    @admin.action(description=_("Mark as held"))
    def mark_held(self, request, queryset):
        self._move(request, queryset, Meeting.Status.HELD)

    @admin.action(description=_("Mark the report as published"))
    def mark_report_published(self, request, queryset):
        self._move(request, queryset, Meeting.Status.REPORT_PUBLISHED)

    @admin.action(description=_("Export participants (spreadsheet)"))
    def export_participants(self, request, queryset):
        return participants_response(list(queryset.order_by("start")[:50]))

    @admin.action(description=_("Publish the official list of participants"))
    def publish_official_list(self, request, queryset):
        done = 0
        for meeting in queryset:
            try:
                services.publish_participants(meeting, by=request.user)
            except DomainError as error:
                self.message_user(request, f"{meeting}: {error.message}", messages.WARNING)
            else:
                done += 1
        self.message_user(
            request,
            ngettext("%(n)d official list published.", "%(n)d official lists published.", done)
            % {"n": done},
        )


def _agenda_items(formset) -> list[dict]:
    """The agenda the formset describes, in the shape `save_agenda` takes."""
    items = []
    for item_form in formset.forms:
        data = getattr(item_form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        if item_form.instance.pk is None and not item_form.has_changed():
            continue
        items.append(
            {
                "pk": item_form.instance.pk,
                "position": data.get("position"),
                "title": data["title"],
                "description": data.get("description", ""),
                "plan_items": list(data.get("plan_items", [])),
                **_cleaned(item_form, ("title_ru", "description_ru", "en_status", "ru_status")),
            }
        )
    return items


class DelegateInline(ReadOnlyInline):
    """A delegation is written by its state's focal point, in the portal."""

    model = Delegate
    fields = [
        "order",
        "name",
        "position",
        "role",
        "interpretation",
        "dietary",
        "access",
        "checked_in_at",
    ]
    readonly_fields = fields


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    """Confirmed by the action; written, and withdrawn, by the state in the portal."""

    list_display = [
        "meeting",
        "state",
        "organisation",
        "status",
        "registered_by",
        "created_at",
        "confirmed_at",
        "validated_at",
    ]
    list_filter = ["status", "meeting__kind", "state"]
    search_fields = ["meeting__title", "state__name_en", "organisation__code", "delegates__name"]
    list_select_related = ["meeting", "state", "organisation", "registered_by"]
    readonly_fields = [
        "meeting",
        "state",
        "organisation",
        "status",
        "waitlisted_at",
        "registered_by",
        "created_at",
        "confirmed_by",
        "confirmed_at",
        "validated_by",
        "validated_at",
        "credentials_name",
    ]
    # The credentials file is read on the portal (its state's people and the Secretariat), never
    # through a storage address here.
    exclude = ["credentials", "credentials_type"]
    inlines = [DelegateInline]
    actions = ["confirm"]

    @admin.action(description=_("Confirm the selected registrations"))
    def confirm(self, request, queryset):
        done = 0
        for registration in queryset:
            try:
                services.confirm_registration(registration, by=request.user)
            except DomainError as error:
                self.message_user(request, f"{registration}: {error.message}", messages.WARNING)
            else:
                done += 1
        self.message_user(
            request,
            ngettext("%(n)d registration confirmed.", "%(n)d registrations confirmed.", done)
            % {"n": done},
        )


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "first_date", "interval_months", "occurrences", "time_zone"]
    list_filter = ["kind"]
    search_fields = ["title"]
    filter_horizontal = ["areas"]
    actions = ["generate"]

    def has_delete_permission(self, request, obj=None):
        return False  # its meetings point at it

    def save_model(self, request, obj, form, change):
        fields = _cleaned(form, services.SERIES_FIELDS)
        areas = form.cleaned_data.get("areas", [])
        if change:
            saved = services.update_series(obj, by=request.user, areas=areas, **fields)
        else:
            saved = services.create_series(by=request.user, areas=areas, **fields)
        obj.pk, obj._state = saved.pk, saved._state

    def save_related(self, request, form, formsets, change):
        pass  # the areas were set by the service; a series has no inline

    @admin.action(description=_("Propose and create the occurrences"))
    def generate(self, request, queryset):
        series = queryset.first()
        if queryset.count() != 1 or series is None:
            self.message_user(request, _("Choose exactly one series."), messages.WARNING)
            return None
        return redirect("meetings:series-generate", pk=series.pk)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    """Proposed on the meeting page, which asks the member states, who decide it."""

    list_display = ["organisation", "meeting", "status", "sent_at", "answered_at", "approval"]
    list_filter = ["status", "organisation"]
    list_select_related = ["organisation", "meeting", "approval"]
    search_fields = ["meeting__title", "organisation__code"]
    readonly_fields = [
        "meeting",
        "organisation",
        "message",
        "status",
        "approval",
        "previous",
        "invited_by",
        "created_at",
        "contact_name",
        "contact_email",
        "letter",
        "sent_at",
        "answer_due",
        "answered_at",
        "answer_note",
    ]


@admin.register(TrainingRequest)
class TrainingRequestAdmin(ReadOnlyAdmin):
    """A focal point requests it in the portal; it is decided on its portal page."""

    list_display = ["topic", "state", "area", "preferred_period", "status", "created_at"]
    list_filter = ["status", "area", "state"]
    list_select_related = ["state", "area"]
    search_fields = ["topic", "state__name_en"]
    readonly_fields = [
        "state",
        "requested_by",
        "area",
        "topic",
        "preferred_period",
        "expected_participants",
        "needs",
        "status",
        "decision_reason",
        "decided_by",
        "decided_at",
        "meeting",
        "created_at",
    ]


@admin.register(MeetingDocument)
class MeetingDocumentAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Attached through `upload_document`, changed through `change_document`; its file is kept
    as uploaded (attach a new document instead)."""

    form = DocumentAdminForm
    fields = ["meeting", "kind", "title", "access", "file"]
    # On an attached document's page: the English title and the Russian side by side.
    change_fields = [
        "meeting",
        "kind",
        ("title", "title_ru"),
        ("en_status", "ru_status"),
        "access",
        "original_name",
        "size",
        "uploaded_by",
    ]
    list_display = ["title", "meeting", "kind", "access", "size", "uploaded_at"]
    list_filter = ["kind", "access"]
    list_select_related = ["meeting"]
    search_fields = ["title", "meeting__title"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["meeting", "file", "size", "original_name", "uploaded_by", "uploaded_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return self.change_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            with translation.override("en"):  # `title` is the English version
                saved = services.change_document(
                    obj,
                    by=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    access=data["access"],
                )
            languages = _changed_languages(saved, form, ("title",))
            if languages:
                save_language_versions(saved, by=request.user, values=languages)
        else:
            saved = services.upload_document(
                data["meeting"],
                by=request.user,
                upload=data["file"],
                kind=data["kind"],
                title=data["title"],
                access=data["access"],
            )
        obj.pk, obj._state = saved.pk, saved._state


@admin.register(LetterTemplate)
class LetterTemplateAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """The wording of the letters, one per kind and language, saved by `change_letter_template`
    (audited); letters already made keep their text."""

    list_display = ["kind", "language", "subject", "updated_at"]
    list_filter = ["kind", "language"]
    fields = ["kind", "language", "subject", "body"]
    readonly_fields = ["kind", "language"]

    def has_add_permission(self, request):
        return False  # one per kind and language, made by the migration

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.change_letter_template(
            obj, by=request.user, subject=data["subject"], body=data["body"]
        )


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    """Letters as issued; made and sent on the meeting's Letters page in the portal."""

    list_display = ["reference", "meeting", "kind", "state", "delegate", "language", "sent_at"]
    list_filter = ["kind", "language", "state"]
    list_select_related = ["meeting", "state", "delegate"]
    search_fields = ["reference", "meeting__title", "delegate__name"]
    readonly_fields = [
        "reference",
        "meeting",
        "kind",
        "language",
        "state",
        "delegate",
        "subject",
        "body",
        "created_at",
        "created_by",
        "sent_at",
        "sent_to",
        "emailed_at",
    ]


# --- Issue 23: the library, minutes adoptions, needs assessment (written in the portal) ---------


class NeedsTopicInline(ReadOnlyInline):
    model = NeedsTopic
    fields = ["topic", "trainees", "language"]


@admin.register(NeedsAnswer)
class NeedsAnswerAdmin(ReadOnlyAdmin):
    """A state's focal points write it in the portal (/meetings/needs/)."""

    list_display = ["questionnaire", "state", "status", "trainers_available", "submitted_at"]
    list_filter = ["status", "questionnaire", "state"]
    list_select_related = ["questionnaire", "state"]
    inlines = [NeedsTopicInline]


@admin.register(NeedsQuestionnaire)
class NeedsQuestionnaireAdmin(ReadOnlyAdmin):
    """Sent from the portal's page, which tells the member states' focal points."""

    list_display = ["title", "area", "sent_at", "answers_due", "closed_at"]
    list_filter = ["area"]


@admin.register(MinutesAdoption)
class MinutesAdoptionAdmin(ReadOnlyAdmin):
    """Circulated from the meeting's page; decided by the member states' approval."""

    list_display = ["document", "status", "circulated_at", "decided_at", "approval"]
    list_filter = ["status"]
    list_select_related = ["document", "approval"]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ReadOnlyAdmin):
    """Added on the document's page in the portal; earlier versions are never removed."""

    list_display = ["document", "language", "number", "original_name", "uploaded_at"]
    list_filter = ["language"]
    list_select_related = ["document"]
    search_fields = ["document__title", "document__entry__symbol", "original_name"]
