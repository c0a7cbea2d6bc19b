"""The Secretariat's admin for the plan, its history, new measures, reports and review cycles."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from cica_portal.errors import DomainError

from . import services
from .models import (
    ImplementationReport,
    ItemStatusChange,
    MeasureProposal,
    PlanItem,
    ReportAttachment,
    ReportEntry,
    ReviewCycle,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatusChangeInline(ReadOnlyInline):
    model = ItemStatusChange
    fk_name = "item"
    fields = ["at", "from_status", "to_status", "via", "by", "reason", "approval"]
    readonly_fields = fields


@admin.register(PlanItem)
class PlanItemAdmin(admin.ModelAdmin):
    list_display = ["label", "area", "kind", "text_short", "status", "proposed_by_state"]
    list_filter = ["area", "kind", "status"]
    search_fields = ["title", "text"]
    list_select_related = ["area", "proposed_by_state"]
    # Status moves only through the decision form (with a reason) or an approval: history kept.
    readonly_fields = ["status", "proposed_by_state"]
    inlines = [StatusChangeInline]

    @admin.display(description=_("text"))
    def text_short(self, obj):
        return (obj.title or obj.text)[:100]

    @admin.display(description=_("reference"), ordering="number")
    def label(self, obj):
        return obj.label


@admin.register(ItemStatusChange)
class ItemStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "item", "from_status", "to_status", "via", "by"]
    list_filter = ["via", "to_status", "item__area"]
    search_fields = ["reason", "item__text", "by__username"]
    list_select_related = ["item__area", "by"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MeasureProposal)
class MeasureProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "area", "state", "status", "proposed_at", "decided_at", "item"]
    list_filter = ["status", "area", "state"]
    search_fields = ["title", "text", "state__name_en", "state__code"]
    list_select_related = ["area", "state", "item__area"]
    readonly_fields = [
        "state",
        "proposed_by",
        "proposed_at",
        "status",
        "decided_at",
        "item",
        "area",
        "title",
        "text",
        "rationale",
    ]

    def has_add_permission(self, request):
        return False  # a member state proposes, through the portal

    def has_delete_permission(self, request, obj=None):
        return False


class EntryInline(ReadOnlyInline):
    model = ReportEntry
    fields = ["item", "progress", "narrative"]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = ReportAttachment
    fields = ["original_name", "content_type", "size", "item", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(ImplementationReport)
class ImplementationReportAdmin(admin.ModelAdmin):
    list_display = ["cycle", "state", "status", "submitted_at", "returned_at", "updated_at"]
    list_filter = ["cycle", "status", "state"]
    search_fields = ["state__name_en", "state__code", "return_reason"]
    list_select_related = ["cycle", "state"]
    readonly_fields = [
        "cycle",
        "state",
        "status",
        "submitted_at",
        "submitted_by",
        "returned_at",
        "return_reason",
        "created_at",
        "updated_at",
    ]
    inlines = [EntryInline, AttachmentInline]
    actions = ["return_for_correction"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Return the selected submitted reports for correction"))
    def return_for_correction(self, request, queryset):
        done = 0
        for report in queryset.filter(status=ImplementationReport.Status.SUBMITTED):
            try:
                services.return_report(
                    report,
                    actor=request.user,
                    reason=str(_("Returned by the Secretariat: please review and correct.")),
                )
                done += 1
            except DomainError as error:
                self.message_user(request, f"{report}: {error.message}", messages.ERROR)
        self.message_user(request, _("%(n)s report(s) returned.") % {"n": done})


@admin.register(ReviewCycle)
class ReviewCycleAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "status",
        "opens_on",
        "report_deadline",
        "swg_start",
        "soc_start",
        "soc_end",
    ]
    list_filter = ["status"]
    search_fields = ["year"]
    readonly_fields = ["status", "opened_at"]
    actions = ["open_now"]

    @admin.action(description=_("Open the selected cycles for reports now"))
    def open_now(self, request, queryset):
        opened = 0
        for cycle in queryset:
            try:
                opened += services.open_cycle(cycle, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{cycle}: {error.message}", messages.ERROR)
        self.message_user(request, _("%(n)s cycle(s) opened.") % {"n": opened})
