"""The Secretariat runs the calendar here: meetings with their agenda, delegations and documents."""

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cica_portal import audit
from cica_portal.errors import DomainError

from . import services
from .exports import participants_response
from .models import (
    AgendaItem,
    Delegate,
    Invitation,
    Meeting,
    MeetingDocument,
    MeetingSeries,
    Registration,
    TrainingRequest,
)
from .uploads import inspect_upload


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "title", "description", "plan_items"]
    autocomplete_fields = []
    filter_horizontal = ["plan_items"]


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ["state", "status", "delegate_count", "registered_by", "confirmed_at", "open_link"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # delegations are registered by their state's focal point

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("state", "registered_by")

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

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload and not getattr(upload, "_committed", True):
            _extension, content_type = inspect_upload(upload)
            self.instance.content_type = content_type
            self.instance.original_name = upload.name[:255]
            self.instance.size = upload.size
        return upload


class DocumentInline(admin.TabularInline):
    model = MeetingDocument
    form = DocumentAdminForm
    extra = 0
    fields = ["kind", "title", "access", "file", "size", "download"]
    readonly_fields = ["size", "download"]

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


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "start", "time_zone", "host_state", "status", "series"]
    list_filter = ["status", "kind", "areas", "format"]
    search_fields = ["title", "venue"]
    date_hierarchy = "start"
    list_select_related = ["host_state", "series"]
    filter_horizontal = ["areas"]
    readonly_fields = ["status", "created_at", "updated_at", "portal_link"]
    inlines = [AgendaItemInline, RegistrationInline, DocumentInline, InvitationInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["confirm", "cancel", "postpone", "mark_held", "export_participants"]
    fieldsets = [
        (None, {"fields": ["title", "kind", "areas", "status", "portal_link"]}),
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
                    "Start and end are entered in the Secretariat's time zone and stored in "
                    "UTC; the time zone field names the venue's zone for local display."
                ),
            },
        ),
        (_("Registration"), {"fields": ["registration_deadline", "max_delegates_per_state"]}),
        (_("Outcome"), {"fields": ["outcome", "series", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("portal page"))
    def portal_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', obj.get_absolute_url(), pgettext_lazy("link", "Open")
        )

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit.log(
                obj,
                "meetings.meeting.changed" if change else "meetings.meeting.created",
                actor=request.user,
                data={"fields": sorted(form.changed_data)},
            )

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, MeetingDocument) and not instance.pk:
                instance.uploaded_by = request.user
        formset.save()
        formset.save_m2m()

    def _move(self, request, queryset, status):
        done = 0
        for meeting in queryset:
            try:
                services.change_status(meeting, status, by=request.user)
            except DomainError as error:
                self.message_user(request, f"{meeting}: {error.message}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                _("%(n)d meetings are now %(status)s.")
                % {"n": done, "status": Meeting.Status(status).label.lower()},
            )

    @admin.action(description=_("Confirm the selected meetings"))
    def confirm(self, request, queryset):
        self._move(request, queryset, Meeting.Status.CONFIRMED)

    @admin.action(description=_("Cancel (tells the registered states)"))
    def cancel(self, request, queryset):
        self._move(request, queryset, Meeting.Status.CANCELLED)

    @admin.action(description=_("Postpone (tells the registered states)"))
    def postpone(self, request, queryset):
        self._move(request, queryset, Meeting.Status.POSTPONED)

    @admin.action(description=_("Mark as held"))
    def mark_held(self, request, queryset):
        self._move(request, queryset, Meeting.Status.HELD)

    @admin.action(description=_("Export participants (spreadsheet)"))
    def export_participants(self, request, queryset):
        return participants_response(list(queryset.order_by("start")[:50]))


class DelegateInline(admin.TabularInline):
    model = Delegate
    extra = 0
    fields = ["order", "name", "position", "role", "interpretation", "dietary", "access"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["meeting", "state", "status", "registered_by", "created_at", "confirmed_at"]
    list_filter = ["status", "meeting__kind", "state"]
    search_fields = ["meeting__title", "state__name_en", "delegates__name"]
    list_select_related = ["meeting", "state", "registered_by"]
    readonly_fields = [
        "meeting",
        "state",
        "status",
        "registered_by",
        "created_at",
        "confirmed_by",
        "confirmed_at",
    ]
    inlines = [DelegateInline]
    actions = ["confirm"]

    def has_add_permission(self, request):
        return False

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
        self.message_user(request, _("%(n)d registrations confirmed.") % {"n": done})


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "first_date", "interval_months", "occurrences", "time_zone"]
    list_filter = ["kind"]
    search_fields = ["title"]
    filter_horizontal = ["areas"]
    actions = ["generate"]

    @admin.action(description=_("Propose and create the occurrences"))
    def generate(self, request, queryset):
        series = queryset.first()
        if queryset.count() != 1 or series is None:
            self.message_user(request, _("Choose exactly one series."), messages.WARNING)
            return None
        return redirect("meetings:series-generate", pk=series.pk)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["organisation", "meeting", "status", "sent_at", "approval"]
    list_filter = ["status", "organisation"]
    list_select_related = ["organisation", "meeting", "approval"]
    search_fields = ["meeting__title", "organisation__code"]
    readonly_fields = [
        "meeting",
        "organisation",
        "message",
        "status",
        "approval",
        "invited_by",
        "created_at",
        "sent_at",
    ]

    def has_add_permission(self, request):
        return False  # through the meeting page, which opens the approval request


@admin.register(TrainingRequest)
class TrainingRequestAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False  # a focal point requests it in the portal


@admin.register(MeetingDocument)
class MeetingDocumentAdmin(admin.ModelAdmin):
    form = DocumentAdminForm
    fields = ["meeting", "kind", "title", "access", "file"]
    list_display = ["title", "meeting", "kind", "access", "size", "uploaded_at"]
    list_filter = ["kind", "access"]
    list_select_related = ["meeting"]
    search_fields = ["title", "meeting__title"]

    def save_model(self, request, obj, form, change):
        if not obj.pk:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
