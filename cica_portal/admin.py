import secrets

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext_lazy as _

from . import approvals, audit, notice_kinds, notice_preferences, reference
from .admin_services import (
    LanguageVersionsAdminMixin,
    ReadOnlyAdmin,
    ServiceAdminMixin,
    hidden_audit_records,
)
from .decisions.selectors import decisions_visible_to
from .errors import DomainError
from .models import (
    ApprovalRequest,
    Area,
    AuditRecord,
    NoticePreference,
    Notification,
    OidcIdentity,
    Organisation,
    OutboxMessage,
    RegisteredDecision,
    State,
    StateAnswer,
    User,
)

# What gives a person rights in the portal or in the admin: changed by a superuser only, and
# every change audited with its before and after values.
RIGHTS_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions", "role", "state")
# Groups that an app keeps in step with each person's role and state (the exchange's per-state
# groups carry the right to read released shares): nobody adds or removes them by hand.
MANAGED_GROUP_PREFIXES = ("exchange:",)


def _is_managed(group: Group | None) -> bool:
    return group is not None and group.name.startswith(MANAGED_GROUP_PREFIXES)


def rights_of(user: User) -> dict:
    """The values of the rights fields (and the active flag), as the audit log records them."""
    return {
        "is_active": user.is_active,
        "is_superuser": user.is_superuser,
        "is_staff": user.is_staff,
        "role": user.role,
        "state": user.state.code if user.state is not None else None,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "user_permissions": sorted(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
    }


def _changes(before: dict, after: dict) -> dict:
    return {
        key: {"before": before.get(key), "after": value}
        for key, value in after.items()
        if before.get(key) != value
    }


class StaffUserCreationForm(forms.ModelForm):
    """An account made by staff who are not superusers: no rights, and no password anyone
    knows (the person sets theirs through "Forgotten your password?", sent to this email)."""

    class Meta:
        model = User
        fields = ["username", "full_name", "first_name", "last_name", "email", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True  # where the person's password link goes

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(secrets.token_urlsafe(32))
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Staff create and deactivate accounts; rights (superuser and staff flags, groups,
    permissions, role, state) are given by a superuser alone, and audited. Staff neither edit a
    superuser's account nor set another person's password or email (either would let them sign
    in as that person, and read what that person's state may read)."""

    list_display = ["username", "full_name", "role", "state", "email", "is_active", "last_login"]
    list_filter = ["role", "state", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email", "state__name_en", "state__code"]
    list_select_related = ["state"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Role in the portal"), {"fields": ("role", "state", "full_name", "language")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role in the portal"), {"fields": ("role", "state", "full_name", "email")}),
    )
    staff_add_fieldsets = (
        (
            None,
            {
                "fields": ("username", "full_name", "first_name", "last_name", "email", "language"),
                "description": _(
                    "The person sets a password through “Forgotten your password?” on the "
                    "login page, sent to this email. A superuser gives the role and the state."
                ),
            },
        ),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None and not request.user.is_superuser:
            return self.staff_add_fieldsets
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None or obj.pk == request.user.pk:
            return fieldsets
        # Another person's password is theirs: no "Reset password" button that would refuse.
        return tuple(
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        )

    # Django's UserAdmin.get_form has no `change` argument; the stubs give it ModelAdmin's.
    def get_form(self, request, obj=None, **kwargs):  # type: ignore[override]
        if obj is None and not request.user.is_superuser:
            kwargs["form"] = StaffUserCreationForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if request.user.is_superuser or obj is None:
            return fields  # staff's add form has no such field at all
        fields += RIGHTS_FIELDS
        if obj.pk != request.user.pk:
            fields.append("email")
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, not deleted: the history names who did what.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser and str(request.user.pk) != str(id):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.exclude(
                name__regex=rf"^({'|'.join(MANAGED_GROUP_PREFIXES)})"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        form._rights_before = rights_of(User.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        user = form.instance
        # The app has already put the person in the groups of their (new) role and state.
        managed = list(user.groups.filter(name__regex=rf"^({'|'.join(MANAGED_GROUP_PREFIXES)})"))
        super().save_related(request, form, formsets, change)
        user.groups.add(*managed)
        after = rights_of(user)
        if not change:
            audit.log(user, "auth.user.created", actor=request.user, data={"rights": after})
            return
        changes = _changes(form._rights_before, after)
        if changes:
            audit.log(user, "auth.user.rights_changed", actor=request.user, data=changes)


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """A group's permissions are rights: a superuser's to give, audited; the groups an app
    keeps (the exchange's per-state groups) are changed by nobody here."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and not _is_managed(obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and not _is_managed(obj)

    def save_model(self, request, obj, form, change):
        form._before = sorted(obj.permissions.values_list("codename", flat=True)) if change else []
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        after = sorted(form.instance.permissions.values_list("codename", flat=True))
        if after != form._before:
            audit.log(
                form.instance,
                "auth.group.permissions_changed",
                actor=request.user,
                data={"name": form.instance.name, "before": form._before, "after": after},
            )


class ReferenceAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Reference data, written through `reference` (audited); the code is fixed once made;
    nothing is deleted (a state becomes a former member, an organisation inactive)."""

    def get_readonly_fields(self, request, obj=None):
        return reference.ON_CREATION[self.model] if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fields = dict(form.cleaned_data)
        if change:
            saved = reference.change_reference(obj, by=request.user, **fields)
        else:
            saved = reference.create_reference(self.model, by=request.user, **fields)
        obj.pk, obj._state = saved.pk, saved._state

    def save_related(self, request, form, formsets, change):
        pass  # no relation is edited here


@admin.register(State)
class StateAdmin(ReferenceAdmin):
    list_display = ["code", "name_en", "name_ru", "status"]
    list_filter = ["status"]
    search_fields = ["code", "name_en", "name_ru"]


@admin.register(Organisation)
class OrganisationAdmin(ReferenceAdmin):
    list_display = ["code", "name_en", "name_ru", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name_en", "name_ru"]


@admin.register(Area)
class AreaAdmin(ReferenceAdmin):
    list_display = ["roman", "title_en", "title_ru"]

    def has_add_permission(self, request):
        return False  # the four areas of the Action Plan


class StateAnswerInline(admin.TabularInline):
    model = StateAnswer
    fields = readonly_fields = (
        "state",
        "version",
        "decision",
        "comment",
        "answered_by",
        "answered_at",
        "voided_at",
    )
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(LanguageVersionsAdminMixin, ReadOnlyAdmin):
    """The Secretariat follows every approval; answers are given by the states, not here. The
    title's English and Russian are edited side by side (the rest is read-only)."""

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

    def get_queryset(self, request):
        """The same requests as the portal shows this person: none whose subject they may not
        read (the Secretariat does not learn who shares what with whom), superuser or not."""
        return approvals.requests_visible_to(request.user)


@admin.register(RegisteredDecision)
class RegisteredDecisionAdmin(LanguageVersionsAdminMixin, ReadOnlyAdmin):
    """The decision register: entries are written by the decisions themselves, never edited
    or deleted; each person sees the entries the portal shows them. Only the Russian version
    of the title and text is edited here, beside the English as decided (its hash covers it)."""

    fixed_language_versions = ("title_en", "text_en")

    list_display = ["__str__", "kind", "decided_at", "area"]
    list_filter = ["kind", "year", "area"]
    search_fields = ["title", "text"]
    date_hierarchy = "decided_at"
    readonly_fields = [
        "year",
        "sequence",
        "decided_at",
        "kind",
        "source",
        "origin",
        "subject_type",
        "subject_id",
        "approval",
        "area",
        "title",
        "text",
        "text_hash",
        "basis",
        "recorded_by",
        "recorded_at",
    ]

    def get_queryset(self, request):
        return decisions_visible_to(request.user)


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "actor_label", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "action", "object_id"]
    date_hierarchy = "at"
    show_full_result_count = False  # counting millions of rows on every page is slow

    def get_queryset(self, request):
        # The records about consent-gated objects that the apps keep from this user.
        hidden = hidden_audit_records(request.user)
        queryset = super().get_queryset(request)
        return queryset.exclude(hidden) if hidden is not None else queryset

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and (
            request.user.is_superuser or request.user.role == User.Role.SECRETARIAT
        )


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """The deliveries an operator watches (who, when, the email's state and last error); what a
    notice says only to its own recipient, as in the portal: another's subject would say who is
    told about what (a release to a state, a state asked for its consent)."""

    list_display = [
        "shown_subject",
        "recipient",
        "created_at",
        "read_at",
        "email_status",
        "emailed_at",
        "email_attempts",
        "email_error",
    ]
    list_filter = ["email_status", "read_at", "emailed_at"]
    search_fields = ["recipient__username"]
    list_select_related = ["recipient"]

    @admin.display(description=_("subject"))
    def shown_subject(self, notice):
        return notice.subject if notice.is_own else _("(another person's notice)")

    def get_queryset(self, request):
        own = ExpressionWrapper(Q(recipient_id=request.user.pk), output_field=BooleanField())
        return super().get_queryset(request).annotate(is_own=own)

    def has_view_permission(self, request, obj=None):
        if obj is not None and obj.recipient_id != request.user.pk:
            return False  # its content is its recipient's
        return super().has_view_permission(request, obj)


class NoticePreferenceForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("kind"))

    class Meta:
        model = NoticePreference
        fields = ["user", "kind", "delivery"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (kind.name, kind.label) for kind in notice_kinds.registered() if not kind.needs_action
        ]


@admin.register(NoticePreference)
class NoticePreferenceAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """How a person receives a kind of notice, set for them by the Secretariat (on request):
    written through the same service as the person's own page, and audited."""

    form = NoticePreferenceForm
    list_display = ["user", "kind", "delivery", "updated_at"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        return ("user", "kind") if obj is not None else ()

    def _may(self, request) -> bool:
        return request.user.is_active and (
            request.user.is_superuser or request.user.role == User.Role.SECRETARIAT
        )

    def has_view_permission(self, request, obj=None):
        return self._may(request)

    def has_add_permission(self, request):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request)

    def has_delete_permission(self, request, obj=None):
        return False  # back to "at once" is a choice like the others

    def has_module_permission(self, request):
        return self._may(request)

    def save_model(self, request, obj, form, change):
        notice_preferences.set_notice_preference(obj.user, obj.kind, obj.delivery, by=request.user)
        saved = NoticePreference.objects.filter(user=obj.user, kind=obj.kind).first()
        if saved is None:
            raise DomainError(_("Nothing to save: they already receive it by email at once."))
        obj.pk, obj._state = saved.pk, saved._state


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["task_name", "args", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["sent_at"]


@admin.register(OidcIdentity)
class OidcIdentityAdmin(admin.ModelAdmin):
    """Who may sign in through an OpenID Connect provider, as which account. A link opens the
    account like its password, so, like a person's email and rights, only a superuser makes,
    changes or removes one (audited); staff see them."""

    list_display = ["user", "issuer", "subject", "email", "linked_at", "last_used_at"]
    search_fields = ["user__username", "issuer", "subject", "email"]
    list_select_related = ["user"]
    # The account by its id with a look-up popup: an autocomplete widget looks up whatever
    # was posted before the form validates it (garbage was a 500), the raw id widget does not.
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "linked_at", "last_used_at"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.log(
            obj.user,
            "auth.oidc_identity_changed" if change else "auth.oidc_identity_added",
            actor=request.user,
            data={"issuer": obj.issuer, "subject": obj.subject, "email": obj.email},
        )

    def delete_model(self, request, obj):
        audit.log(
            obj.user,
            "auth.oidc_identity_removed",
            actor=request.user,
            data={"issuer": obj.issuer, "subject": obj.subject},
        )
        super().delete_model(request, obj)
