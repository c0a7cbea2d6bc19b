from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import approvals
from .models import (
    ApprovalRequest,
    Area,
    AuditRecord,
    Notification,
    Organisation,
    OutboxMessage,
    State,
    StateAnswer,
    User,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that nobody edits: they can be browsed and filtered, never changed."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "state", "email", "is_active", "last_login"]
    list_filter = ["role", "state", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email", "state__name_en", "state__code"]
    list_select_related = ["state"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role in the portal"), {"fields": ("role", "state", "full_name", "language")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role in the portal"), {"fields": ("role", "state", "full_name", "email")}),
    )


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ru", "status"]
    list_filter = ["status"]
    search_fields = ["code", "name_en", "name_ru"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ru", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name_en", "name_ru"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["roman", "title_en", "title_ru"]


class StateAnswerInline(admin.TabularInline):
    model = StateAnswer
    fields = ["state", "version", "decision", "comment", "answered_by", "answered_at", "voided_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdmin):
    """The Secretariat follows every approval; answers are given by the states, not here."""

    list_display = ["title", "purpose", "status", "version", "deadline", "opened_at"]
    list_filter = ["status", "purpose", "rule"]
    search_fields = ["title"]
    date_hierarchy = "opened_at"
    inlines = [StateAnswerInline]
    readonly_fields = [
        "subject_type",
        "subject_id",
        "purpose",
        "title",
        "version",
        "content_hash",
        "rule",
        "deadline",
        "status",
        "opened_by",
        "opened_at",
        "closed_at",
        "required_states",
    ]

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        """The same requests as the portal shows this person: none whose subject they may not
        read (the Secretariat does not learn who shares what with whom), superuser or not."""
        return approvals.requests_visible_to(request.user)


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "actor_label", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "action", "object_id"]
    date_hierarchy = "at"
    show_full_result_count = False  # counting millions of rows on every page is slow

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and (
            request.user.is_superuser or request.user.role == User.Role.SECRETARIAT
        )


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = [
        "subject",
        "recipient",
        "created_at",
        "read_at",
        "email_status",
        "emailed_at",
        "email_attempts",
        "email_error",
    ]
    list_filter = ["email_status", "read_at", "emailed_at"]
    search_fields = ["subject", "recipient__username", "key"]
    list_select_related = ["recipient"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["task_name", "args", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["sent_at"]
