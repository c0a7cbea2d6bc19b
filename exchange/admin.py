"""The Secretariat manages templates here. Shares appear without their title or content, and
only those the portal shows the user asking (`selectors.visible_shares`): the admin is no back
door to information that was not released to the Secretariat. Staff and superuser status open
nothing here; who read a share and how it moved are shown, as on the share's page, only to its
originating state's people (`selectors.shares_with_history_for`), which the Secretariat is not.
The per-object rights (guardian rows) are deliberately not registered: nobody grants rights by
hand."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cica_portal import admin_services
from cica_portal.admin_services import ServiceAdminMixin, register_audit_scope
from cica_portal.models import ApprovalRequest

from . import document_selectors as docs
from . import document_services, template_versions
from .models import (
    DocumentHit,
    DocumentNotice,
    FoundDocument,
    Share,
    ShareRead,
    ShareTemplate,
    ShareTransition,
    WithdrawalReceipt,
)
from .selectors import PURPOSE, shares_with_history_for, visible_shares
from .validation import validate_template_fields


class ShareTemplateForm(forms.ModelForm):
    class Meta:
        model = ShareTemplate
        fields = [
            "slug",
            "title",
            "title_ru",
            "description",
            "description_ru",
            "en_status",
            "ru_status",
            "fields",
            "observers_may_receive",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A status left out stays as it is.
        for name in ("en_status", "ru_status", "title_ru", "description_ru"):
            if name in self.fields:
                self.fields[name].required = False
        # `title` and `description` are the English version, in an admin in any language.
        if self.instance.pk:
            for name in ("title", "description"):
                self.initial[name] = getattr(self.instance, f"{name}_en") or ""

    def clean(self):
        cleaned = super().clean()
        for name in ("en_status", "ru_status"):
            if name in self.fields and not cleaned.get(name):
                field = ShareTemplate._meta.get_field(name)
                cleaned[name] = getattr(self.instance, name, "") or field.get_default()
        return cleaned

    def clean_fields(self):
        fields = self.cleaned_data["fields"]
        problems = validate_template_fields(fields)  # the rule `template_versions` applies
        if problems:
            raise forms.ValidationError(problems)
        return fields


@admin.register(ShareTemplate)
class ShareTemplateAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Saving a changed template makes a new version; the old one stays as shares knew it."""

    form = ShareTemplateForm
    # The English and the Russian side by side; the fields' labels, help texts and choices
    # have their Russian in the schema (`label_ru`, `help_text_ru`, `choices_ru`).
    fieldsets = [
        (None, {"fields": ["slug", "version", "is_current", "created_at"]}),
        (
            _("English and Russian versions"),
            {
                "fields": [
                    ("title", "title_ru"),
                    ("description", "description_ru"),
                    ("en_status", "ru_status"),
                ]
            },
        ),
        (None, {"fields": ["fields", "observers_may_receive"]}),
    ]
    list_display = ["slug", "version", "title", "observers_may_receive", "is_current", "created_at"]
    list_filter = ["is_current", "slug"]
    search_fields = ["slug", "title"]
    readonly_fields = ["version", "is_current", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [*self.readonly_fields, "slug"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # An old version is history: only the current one can be changed (into a new version).
        if obj is not None and not obj.is_current:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = {key: form.cleaned_data[key] for key in template_versions.EDITABLE}
        # A language version the form did not send stays as it is.
        data.update(
            (key, form.cleaned_data[key])
            for key in template_versions.LANGUAGE_VERSIONS
            if key in form.cleaned_data and form.add_prefix(key) in form.data
        )
        # The services write `title` as the English version, whatever the admin's language.
        with translation.override("en"):
            if not change:
                saved = template_versions.create_template(
                    by=request.user, slug=form.cleaned_data["slug"], **data
                )
                old_version = None
            else:
                old_version = ShareTemplate.objects.only("version").get(pk=obj.pk).version
                saved = template_versions.save_new_version(obj, by=request.user, **data)
        if old_version is not None and saved.version != old_version:
            messages.info(
                request,
                _("Saved as version %(v)d; shares written in version %(old)d keep it.")
                % {"v": saved.version, "old": old_version},
            )
        # The admin's messages and redirects then speak of the version that was saved.
        obj.pk, obj.version, obj.is_current = saved.pk, saved.version, saved.is_current
        obj.slug, obj.created_at = saved.slug, saved.created_at
        obj._state.adding = False

    def response_change(self, request, obj):
        if "_continue" in request.POST:
            return HttpResponseRedirect(
                reverse("admin:exchange_sharetemplate_change", args=[obj.pk])
            )
        return super().response_change(request, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "fields":
            field.widget = forms.Textarea(attrs={"rows": 30, "cols": 100})
        return field


class ReadOnlyAdmin(admin_services.ReadOnlyAdmin):
    # Counting the rows a user may see on every page is as slow as listing them.
    show_full_result_count = False


@admin.register(Share)
class ShareAdmin(ReadOnlyAdmin):
    """Status only: no title, no content (a share released to the Secretariat is read in the
    portal); and of the shares, only those the portal shows the user (`visible_shares`): every
    list, filter, count, search, object page and history page reads through `get_queryset`."""

    list_display = ["id", "template", "status", "originating_state", "created_at", "released_at"]
    # Choices listed from the visible rows only (never the states of a share kept from one).
    list_filter = [
        "status",
        "template__slug",
        ("originating_state", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["template", "originating_state"]
    fields = ["template", "status", "originating_state", "created_at", "released_at"]
    readonly_fields = fields
    search_fields = ["=id"]

    def get_queryset(self, request):
        return visible_shares(request.user).select_related("template", "originating_state")


class ShareHistoryAdmin(ReadOnlyAdmin):
    """Rows about a share, shown where the share's page shows them: to its originating state."""

    def get_queryset(self, request):
        shares = shares_with_history_for(request.user).values("pk")
        return super().get_queryset(request).filter(share__in=shares)


@admin.register(ShareTransition)
class ShareTransitionAdmin(ShareHistoryAdmin):
    list_display = ["share_id", "from_status", "to_status", "actor", "at"]
    list_filter = ["to_status"]
    list_select_related = ["actor"]
    search_fields = ["=share__id"]
    readonly_fields = ["share", "from_status", "to_status", "actor", "at", "note"]


@admin.register(ShareRead)
class ShareReadAdmin(ShareHistoryAdmin):
    list_display = ["share_id", "user", "via", "at"]
    list_filter = ["via"]
    list_select_related = ["user"]
    search_fields = ["=share__id", "user__username"]
    readonly_fields = ["share", "user", "via", "at"]


@admin.register(WithdrawalReceipt)
class WithdrawalReceiptAdmin(ShareHistoryAdmin):
    """Read-only: a receipt is given by its state on the portal, never written here."""

    list_display = ["share_id", "state", "created_at", "acknowledged_at", "acknowledged_by"]
    list_filter = [("acknowledged_at", admin.EmptyFieldListFilter)]
    list_select_related = ["state", "acknowledged_by"]
    search_fields = ["=share__id", "state__code"]
    readonly_fields = [
        "share",
        "state",
        "created_at",
        "acknowledged_at",
        "acknowledged_by",
        "last_reminded_at",
    ]


# --- lost and stolen documents ---------------------------------------------------------------
# What the portal's pages show, to whom they show it: a notice to those who may see its share,
# a hit or a found document report to the two states it concerns (never the Secretariat). No
# number, not even its keyed hash. A notice changes only through `change_notice`, so only a
# focal point of the issuing state changes it; the rest is read-only.


class DocumentNoticeForm(forms.ModelForm):
    class Meta:
        model = DocumentNotice
        fields = ["status", "recovered_on", "reported_to_sltd", "checkable_by_all"]

    def _post_clean(self):
        # No model validation here: `change_notice` checks the change (a recovered document
        # needs its date) and says so in words, not by the constraint's name.
        pass


@admin.register(DocumentNotice)
class DocumentNoticeAdmin(ServiceAdminMixin, ReadOnlyAdmin):
    form = DocumentNoticeForm
    list_display = [
        "share_id", "issuing_state", "document_type", "status", "reported_to_sltd",
        "checkable_by_all", "created_at",
    ]  # fmt: skip
    list_filter = ["status", "reported_to_sltd", "document_type"]
    list_select_related = ["issuing_state"]
    search_fields = ["=share__id"]
    readonly_fields = ["share", "issuing_state", "document_type", "created_at", "updated_at"]

    def get_queryset(self, request):
        return DocumentNotice.objects.filter(
            share__in=visible_shares(request.user).values("pk")
        ).select_related("issuing_state", "share")

    def get_fields(self, request, obj=None):
        editable = ["status", "recovered_on", "reported_to_sltd", "checkable_by_all"]
        return [*self.readonly_fields[:3], *editable, *self.readonly_fields[3:]]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            return self.readonly_fields
        return [
            *self.readonly_fields,
            "status",
            "recovered_on",
            "reported_to_sltd",
            "checkable_by_all",
        ]

    def has_change_permission(self, request, obj=None):
        return obj is not None and docs.may_change_notice(request.user, obj) and not obj.is_closed

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        document_services.change_notice(
            obj,
            by=request.user,
            status=data["status"],
            recovered_on=data.get("recovered_on"),
            reported_to_sltd=data["reported_to_sltd"],
            checkable_by_all=data["checkable_by_all"],
        )


@admin.register(DocumentHit)
class DocumentHitAdmin(ReadOnlyAdmin):
    """Read-only: the checking state closes a hit on the hits page."""

    list_display = [
        "id", "share_id", "issuing_state", "checked_by_state", "channel", "blind", "checked_at",
        "outcome", "closed_at",
    ]  # fmt: skip
    list_filter = ["channel", "blind", "outcome", ("closed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["issuing_state", "checked_by_state"]
    search_fields = ["=share__id"]
    fields = [
        "share", "issuing_state", "checked_by_state", "checked_by", "channel", "blind",
        "checked_at", "outcome", "outcome_note", "closed_at", "closed_by", "last_reminded_at",
    ]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        user = request.user
        return (docs.hits_on_my_documents(user) | docs.hits_of_my_checks(user)).select_related(
            "issuing_state", "checked_by_state", "checked_by", "closed_by"
        )


@admin.register(FoundDocument)
class FoundDocumentAdmin(ReadOnlyAdmin):
    """Read-only and without the sealed details (the number, the place): the issuing state
    decides on the found documents page."""

    list_display = [
        "id", "issuing_state", "finding_state", "document_type", "found_on", "status", "created_at",
    ]  # fmt: skip
    list_filter = ["status", "document_type"]
    list_select_related = ["issuing_state", "finding_state"]
    search_fields = ["=id"]
    fields = [
        "issuing_state", "finding_state", "reported_by", "document_type", "found_on", "status",
        "created_at", "decided_by", "decided_at", "decision_note",
    ]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        return docs.found_documents_for(request.user).select_related("reported_by", "decided_by")


def audit_records_kept_from(user) -> Q:
    """The audit log's records about shares, and about their consent requests, are a share's
    history: hidden unless the user sees that history (`shares_with_history_for`)."""
    shares = shares_with_history_for(user)
    share_keys = shares.annotate(key=Cast("pk", CharField())).values("key")
    request_keys = (
        ApprovalRequest.objects.filter(purpose=PURPOSE)
        .exclude(subject_id__in=shares.values("pk"))
        .annotate(key=Cast("pk", CharField()))
        .values("key")
    )
    about_shares = Q(object_type=Share._meta.label_lower) & ~Q(object_id__in=share_keys)
    about_requests = Q(object_type=ApprovalRequest._meta.label_lower) & Q(
        object_id__in=request_keys
    )
    return about_shares | about_requests


register_audit_scope(audit_records_kept_from)
