"""The Secretariat's admin of the network: entries are verified, returned and corrected here
through the services (each change kept in the entry's history and the audit log); states
nominate in the portal; nothing is deleted (an entry is withdrawn, a contact hidden)."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cica_portal.admin_services import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    ServiceAdminMixin,
    nothing_saved,
)
from cica_portal.errors import DomainError

from . import services
from .forms import LanguagesField
from .models import (
    EXPIRY_WINDOW_DAYS,
    ActingDeputy,
    DutyShift,
    FocalPoint,
    FocalPointArea,
    FocalPointChange,
    FocalPointTransition,
    OrganisationContact,
)


class TermFilter(admin.SimpleListFilter):
    title = _("term")
    parameter_name = "term"

    def lookups(self, request, model_admin):
        return [
            ("expiring", _("Ends within %(days)d days") % {"days": EXPIRY_WINDOW_DAYS}),
            ("expired", _("Expired")),
            ("open", _("Open-ended")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "expiring":
            return queryset.filter(
                term_end__gte=today, term_end__lte=today + datetime.timedelta(EXPIRY_WINDOW_DAYS)
            )
        if self.value() == "expired":
            return queryset.filter(term_end__lt=today)
        if self.value() == "open":
            return queryset.filter(term_end__isnull=True)
        return queryset


class AreaInline(ReadOnlyInline):
    model = FocalPointArea
    fields = readonly_fields = ["area", "holds_primary"]


class TransitionInline(ReadOnlyInline):
    model = FocalPointTransition
    fields = readonly_fields = ["at", "actor", "from_status", "to_status", "reason"]


class ChangeInline(ReadOnlyInline):
    model = FocalPointChange
    fields = readonly_fields = [
        "changed_at",
        "changed_by",
        "field",
        "old_value",
        "new_value",
        "outcome",
    ]


class DutyShiftInline(ReadOnlyInline):
    model = DutyShift
    fields = readonly_fields = ["person", "email", "phone", "starts_at", "ends_at"]


class ActingDeputyInline(ReadOnlyInline):
    model = ActingDeputy
    fields = readonly_fields = ["name", "email", "phone", "starts_on", "ends_on"]


class FocalPointAdminForm(forms.ModelForm):
    languages = LanguagesField()

    class Meta:
        model = FocalPoint
        fields = list(services.CORRECTABLE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["languages"] = self.instance.language_codes


@admin.register(FocalPoint)
class FocalPointAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["name", "state", "role", "status", "organisation", "email", "term_end"]
    list_filter = ["status", "role", "state", "areas", TermFilter]
    search_fields = ["name", "organisation", "position", "email", "state__name_en", "state__code"]
    list_select_related = ["state"]
    date_hierarchy = "term_end"
    form = FocalPointAdminForm
    # Status, areas, the primary seat and the account change only through the nomination and
    # the services (verify, return, withdraw); the details through `correct_entry`.
    readonly_fields = [
        "state",
        "role",
        "user",
        "status",
        "return_reason",
        "pending_changes",
        "nominated_by",
        "verified_by",
        "verified_at",
        "kind",
        "time_zone",
        "note_verbale_reference",
        "note_verbale_checked_by",
        "note_verbale_checked_at",
        "last_confirmed_at",
        "created_at",
        "updated_at",
    ]
    fields = ["state", *services.CORRECTABLE_FIELDS, *readonly_fields[1:]]
    # Rosters are kept on the entry's page in the portal (services.add_duty_shift, ...).
    inlines = [AreaInline, TransitionInline, ChangeInline, DutyShiftInline, ActingDeputyInline]
    actions = ["verify_selected", "return_selected"]

    def has_add_permission(self, request):
        return False  # nominations come from the states, through the portal

    def has_delete_permission(self, request, obj=None):
        return False  # withdrawn and ended entries stay in the history

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status in FocalPoint.FINAL_STATUSES:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = {key: form.cleaned_data[key] for key in services.CORRECTABLE_FIELDS}
        services.correct_entry(obj, actor=request.user, **data)

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            nothing_saved(formset)  # the areas and the history are read-only here

    @admin.action(description=_("Verify and activate the selected entries"))
    def verify_selected(self, request, queryset):
        done = 0
        for entry in queryset:
            try:
                services.verify(entry, actor=request.user)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{entry}: {error.message}", messages.WARNING)
        self.message_user(request, _("%(n)d verified.") % {"n": done})

    @admin.action(description=_("Return the selected entries (standard reason)"))
    def return_selected(self, request, queryset):
        reason = str(_("Returned by the Secretariat: please check the details and submit again."))
        done = 0
        for entry in queryset:
            try:
                services.return_entry(entry, actor=request.user, reason=reason)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{entry}: {error.message}", messages.WARNING)
        self.message_user(request, _("%(n)d returned.") % {"n": done})


@admin.register(FocalPointTransition)
class FocalPointTransitionAdmin(ReadOnlyAdmin):
    list_display = ["entry", "from_status", "to_status", "actor", "at"]
    list_filter = ["to_status"]
    list_select_related = ["entry__state", "actor"]
    search_fields = ["entry__name", "reason"]


@admin.register(FocalPointChange)
class FocalPointChangeAdmin(FocalPointTransitionAdmin):
    list_display = [
        "entry",
        "field",
        "old_value",
        "new_value",
        "changed_by",
        "changed_at",
        "outcome",
    ]
    list_filter = ["outcome", "field"]
    list_select_related = ["entry__state", "changed_by"]
    search_fields = ["entry__name", "field"]


@admin.register(OrganisationContact)
class OrganisationContactAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organisation", "position", "email", "active"]
    list_filter = ["organisation", "active", "areas"]
    search_fields = ["name", "position", "email", "organisation__name_en"]
    list_select_related = ["organisation"]
    filter_horizontal = ["areas"]

    def has_delete_permission(self, request, obj=None):
        return False  # no longer current: untick "shown in the directory"

    def save_model(self, request, obj, form, change):
        data = {key: form.cleaned_data[key] for key in services.CONTACT_FIELDS}
        saved = services.save_contact(
            obj if change else None,
            actor=request.user,
            areas=form.cleaned_data.get("areas", []),
            **data,
        )
        obj.pk, obj._state = saved.pk, saved._state

    def save_related(self, request, form, formsets, change):
        pass  # the areas were set by the service
