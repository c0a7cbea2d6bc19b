"""The Secretariat manages templates here. Shares appear without their title or content: the
admin is no back door to information that was not released to the Secretariat. The per-object
rights (guardian rows) are deliberately not registered: nobody grants rights by hand."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Max
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Share, ShareRead, ShareTemplate, ShareTransition
from .validation import validate_template_fields


class ShareTemplateForm(forms.ModelForm):
    class Meta:
        model = ShareTemplate
        fields = ["slug", "title", "description", "fields"]

    def clean_fields(self):
        fields = self.cleaned_data["fields"]
        problems = validate_template_fields(fields)
        if problems:
            raise forms.ValidationError(problems)
        return fields


@admin.register(ShareTemplate)
class ShareTemplateAdmin(admin.ModelAdmin):
    """Saving a changed template makes a new version; the old one stays as shares knew it."""

    form = ShareTemplateForm
    list_display = ["slug", "version", "title", "is_current", "created_at"]
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

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if not change:
            latest = ShareTemplate.objects.filter(slug=obj.slug).aggregate(v=Max("version"))["v"]
            ShareTemplate.objects.filter(slug=obj.slug, is_current=True).update(is_current=False)
            obj.version = (latest or 0) + 1
            obj.is_current = True
            obj.save()
            return
        old = ShareTemplate.objects.select_for_update(of=("self",), no_key=True).get(pk=obj.pk)
        if not form.has_changed():
            return
        latest = ShareTemplate.objects.filter(slug=old.slug).aggregate(v=Max("version"))["v"]
        ShareTemplate.objects.filter(pk=old.pk).update(is_current=False)
        obj.pk = None
        obj._state.adding = True
        obj.slug = old.slug
        obj.version = latest + 1
        obj.is_current = True
        obj.save()
        messages.info(
            request,
            _("Saved as version %(v)d; shares written in version %(old)d keep it.")
            % {"v": obj.version, "old": old.version},
        )

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


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Share)
class ShareAdmin(ReadOnlyAdmin):
    """Status only: no title, no content (the Secretariat reads shares in the portal, if
    released to it)."""

    list_display = ["id", "template", "status", "originating_state", "created_at", "released_at"]
    list_filter = ["status", "template__slug", "originating_state"]
    list_select_related = ["template", "originating_state"]
    fields = ["template", "status", "originating_state", "created_at", "released_at"]
    readonly_fields = fields
    search_fields = ["=id"]


@admin.register(ShareTransition)
class ShareTransitionAdmin(ReadOnlyAdmin):
    list_display = ["share_id", "from_status", "to_status", "actor", "at"]
    list_filter = ["to_status"]
    list_select_related = ["actor"]
    search_fields = ["=share__id"]
    readonly_fields = ["share", "from_status", "to_status", "actor", "at", "note"]


@admin.register(ShareRead)
class ShareReadAdmin(ReadOnlyAdmin):
    list_display = ["share_id", "user", "via", "at"]
    list_filter = ["via"]
    list_select_related = ["user"]
    search_fields = ["=share__id", "user__username"]
    readonly_fields = ["share", "user", "via", "at"]
