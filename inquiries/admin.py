"""The Secretariat sets each state's working time here (through the service, audited), and
browses the requests it may read: only those whose sender allowed it (`visible_requests`), read
only. Staff and superuser status open nothing more here than in the portal."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from cica_portal.admin_services import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    ServiceAdminMixin,
    register_audit_scope,
)
from cica_portal.models import ApprovalRequest

from . import selectors, services
from .models import InformationRequest, RequestedState, WorkingTime


@admin.register(WorkingTime)
class WorkingTimeAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["state", "time_zone", "working_days", "day_starts", "day_ends"]
    list_select_related = ["state"]
    search_fields = ["state__code", "state__name_en"]
    fields = ["state", "time_zone", "working_days", "day_starts", "day_ends"]

    def get_readonly_fields(self, request, obj=None):
        return ["state"] if obj is not None else []

    def has_module_permission(self, request):
        return bool(request.user.is_active and request.user.is_secretariat)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: self.has_module_permission(request)
    )

    def save_model(self, request, obj, form, change):
        saved = services.set_working_time(
            form.cleaned_data.get("state") or obj.state,
            by=request.user,
            time_zone=form.cleaned_data["time_zone"],
            working_days=form.cleaned_data["working_days"],
            day_starts=form.cleaned_data["day_starts"],
            day_ends=form.cleaned_data["day_ends"],
        )
        obj.pk = saved.pk


class PartInline(ReadOnlyInline):
    model = RequestedState
    fields = ["state", "status", "due_at", "answered_at", "consent", "reminded_at", "escalated_at"]
    readonly_fields = fields


@admin.register(InformationRequest)
class InformationRequestAdmin(ReadOnlyAdmin):
    """Read only: requests are sent and answered on the portal. Their texts are not shown here;
    the request's page shows them to whom it may."""

    list_display = ["id", "subject", "requesting_state", "urgency", "created_at"]
    list_filter = ["urgency"]
    list_select_related = ["requesting_state"]
    fields = ["subject", "requesting_state", "urgency", "created_at", "secretariat_may_read"]
    readonly_fields = fields
    inlines = [PartInline]

    def get_queryset(self, request):
        return selectors.visible_requests(request.user).select_related("requesting_state")

    def has_module_permission(self, request):
        return bool(request.user.is_active and request.user.is_network_member)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)


def audit_records_kept_from(user) -> Q:
    """The audit log's records about requests (who asked whom), and about the consent requests
    on their answers, are hidden from whoever may not see the request."""
    requests = selectors.visible_requests(user)
    request_keys = requests.annotate(key=Cast("pk", CharField())).values("key")
    readable_parts = selectors.consent_parties(user).values("pk")
    consent_keys = (
        ApprovalRequest.objects.filter(purpose=selectors.PURPOSE)
        .exclude(subject_id__in=readable_parts)
        .annotate(key=Cast("pk", CharField()))
        .values("key")
    )
    about_requests = Q(object_type=InformationRequest._meta.label_lower) & ~Q(
        object_id__in=request_keys
    )
    about_consents = Q(object_type=ApprovalRequest._meta.label_lower) & Q(
        object_id__in=consent_keys
    )
    return about_requests | about_consents


register_audit_scope(audit_records_kept_from)
