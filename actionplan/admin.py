"""The Secretariat's admin for the plan, its history, new measures, reports and review cycles.

What the portal changes (the plan's items and their status, measures, reports) is read-only
here, with a link to the portal page that changes it; the review's dates are written through
the services, audited; nothing is deleted. Reports are those the portal shows the user
(`selectors.reports_visible_to`): never a state's draft.
"""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cica_portal import admin_services
from cica_portal.admin_services import (
    LanguageVersionsAdminMixin,
    ReadOnlyInline,
    ServiceAdminMixin,
)
from cica_portal.errors import DomainError

from . import selectors, services
from .models import (
    ImplementationReport,
    ItemStatusChange,
    MeasureProposal,
    PlanItem,
    ReportAttachment,
    ReportEntry,
    ReviewCycle,
)


class ReadOnlyAdmin(admin_services.ReadOnlyAdmin):
    """Read-only, with a link to the portal page of what it lists."""

    @admin.display(description=_("portal page"))
    def portal_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', obj.get_absolute_url(), pgettext_lazy("link", "Open")
        )


class StatusChangeInline(ReadOnlyInline):
    model = ItemStatusChange
    fk_name = "item"
    fields = ["at", "from_status", "to_status", "via", "by", "reason", "approval"]
    readonly_fields = fields


@admin.register(PlanItem)
class PlanItemAdmin(ServiceAdminMixin, LanguageVersionsAdminMixin, ReadOnlyAdmin):
    """The plan as the member states approved it: its status moves on the item's portal page
    (a decision with its reason, or an approval), which keeps the history. Its English and
    Russian texts are edited here side by side, with their statuses."""

    list_display = ["label", "area", "kind", "text_short", "status", "proposed_by_state"]
    list_filter = ["area", "kind", "status"]
    search_fields = ["title", "text"]
    list_select_related = ["area", "proposed_by_state"]
    readonly_fields = ["portal_link"]
    inlines = [StatusChangeInline]

    @admin.display(description=_("text"))
    def text_short(self, obj):
        return (obj.title or obj.text)[:100]

    @admin.display(description=_("reference"), ordering="number")
    def label(self, obj):
        return obj.label


@admin.register(ItemStatusChange)
class ItemStatusChangeAdmin(LanguageVersionsAdminMixin, ReadOnlyAdmin):
    """The history is written by the plan's decisions; only the reason's English and Russian
    are edited here, side by side."""

    list_display = ["at", "item", "from_status", "to_status", "via", "by"]
    list_filter = ["via", "to_status", "item__area"]
    search_fields = ["reason", "item__text", "by__username"]
    list_select_related = ["item__area", "by"]
    date_hierarchy = "at"


@admin.register(MeasureProposal)
class MeasureProposalAdmin(ReadOnlyAdmin):
    """A member state proposes and withdraws in the portal; the states decide by approval."""

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
        "portal_link",
    ]


class EntryInline(ReadOnlyInline):
    model = ReportEntry
    fields = ["item", "progress", "narrative"]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = ReportAttachment
    fields = ["original_name", "content_type", "size", "item", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(ImplementationReport)
class ImplementationReportAdmin(ReadOnlyAdmin):
    """Reports as the portal shows them to the user: to the Secretariat, once submitted (or
    returned), never a draft. A submitted report is returned for correction here or on its
    portal page, through the same service."""

    list_display = ["cycle", "state", "status", "submitted_at", "returned_at", "updated_at"]
    list_filter = ["cycle", "status", ("state", admin.RelatedOnlyFieldListFilter)]
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
        "portal_link",
    ]
    inlines = [EntryInline, AttachmentInline]
    actions = ["return_for_correction"]

    def get_queryset(self, request):
        return selectors.reports_visible_to(request.user)

    def has_return_permission(self, request):
        return request.user.is_secretariat

    @admin.action(
        description=_("Return the selected submitted reports for correction"),
        permissions=["return"],
    )
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
class ReviewCycleAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """A review's dates are planned and moved here, through the services (audited; the form
    checks their order by the same constraint); it opens on its date or by the action. The
    Secretariat's summary and conclusions (until the text goes to the SWG) and the SWG's
    conclusions (while it is before the SWG) are written through the stage services too; the
    stages move on the review page or by the actions here."""

    list_display = [
        "year",
        "status",
        "stage",
        "opens_on",
        "report_deadline",
        "swg_start",
        "soc_start",
        "soc_end",
    ]
    list_filter = ["status", "stage"]
    search_fields = ["year"]
    readonly_fields = [
        "status",
        "stage",
        "opened_at",
        "consolidated_at",
        "swg_at",
        "soc_at",
        "published_at",
        "adopted_hash",
    ]
    actions = ["open_now", "begin_consolidation", "send_to_swg"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return [*self.readonly_fields, *STAGE_TEXTS, "swg_conclusions"]
        fixed = ["year", *self.readonly_fields]
        if not (obj.is_open and obj.stage in WRITABLE_STAGES):
            fixed += STAGE_TEXTS
        if not (obj.is_open and obj.stage == ReviewCycle.Stage.SWG):
            fixed.append("swg_conclusions")
        return fixed

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status == ReviewCycle.Status.CLOSED:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        dates = {name: form.cleaned_data[name] for name in services.CYCLE_DATES}
        if change:
            saved = services.reschedule_cycle(obj, actor=request.user, **dates)
            texts = {name: form.cleaned_data[name] for name in STAGE_TEXTS if name in form.fields}
            if any(value != getattr(saved, name) for name, value in texts.items()):
                saved = services.write_review_text(
                    saved,
                    actor=request.user,
                    **{name: texts.get(name, getattr(saved, name)) for name in STAGE_TEXTS},
                )
            if "swg_conclusions" in form.fields and "swg_conclusions" in form.changed_data:
                saved = services.record_swg_conclusions(
                    saved, actor=request.user, conclusions=form.cleaned_data["swg_conclusions"]
                )
        else:
            saved = services.schedule_cycle(
                actor=request.user, year=form.cleaned_data["year"], **dates
            )
        obj.pk, obj.status, obj.opened_at = saved.pk, saved.status, saved.opened_at
        obj._state.adding = False

    @admin.action(description=_("Open the selected cycles for reports now"))
    def open_now(self, request, queryset):
        self._step(request, queryset, services.open_cycle, _("%(n)s cycle(s) opened."))

    @admin.action(description=_("Begin the Secretariat's consolidation"))
    def begin_consolidation(self, request, queryset):
        self._step(
            request, queryset, services.begin_consolidation, _("%(n)s review(s) in consolidation.")
        )

    @admin.action(description=_("Send the consolidated review to the SWG"))
    def send_to_swg(self, request, queryset):
        self._step(request, queryset, services.send_to_swg, _("%(n)s review(s) sent to the SWG."))

    def _step(self, request, queryset, step, done_message):
        done = 0
        for cycle in queryset:
            try:
                done += bool(step(cycle, actor=request.user))
            except DomainError as error:
                self.message_user(request, f"{cycle}: {error.message}", messages.ERROR)
        self.message_user(request, done_message % {"n": done})


STAGE_TEXTS = ["summary", "conclusions"]
WRITABLE_STAGES = (ReviewCycle.Stage.REPORTING, ReviewCycle.Stage.CONSOLIDATION)
