"""What the apps' admins share: saves that go through services, and scopes apps register.

An admin writes a domain object the way the portal does: its `save_model`, `save_related` and
actions call the app's services (one business action each, audited in the same transaction).
The rules a service enforces are checked in the admin's form first, so that bad
input is a form error with nothing lost; what a service still refuses at the moment of saving
(a concurrent change) rolls the whole save back and is shown as a message, never as a 500.

The core's own admins (the audit log) show records about the apps' objects; an app whose
objects are consent-gated registers which of those records a user may not see
(`register_audit_scope`), like it registers its approval subjects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db import models
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    # The mixin calls ModelAdmin's methods; the type checker is told where they are from.
    _ModelAdmin = ModelAdmin
else:
    _ModelAdmin = object


def nothing_saved(formset) -> None:
    """An inline the services write (or nobody does): the admin saves none of its rows, and
    its history message reads these, which `formset.save()` would have set."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class ServiceAdminMixin(_ModelAdmin):
    """For a ModelAdmin whose saves call services: a refusal at save time is a message."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            # The admin's own atomic block (inside) rolls back the object and its inlines.
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records nobody edits in the admin (history, or what the portal writes): they can be
    browsed and filtered, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown beside their parent and never written from there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- what the audit log's admin hides, per app ------------------------------------------------

AuditScope = Callable[[object], Q]
_audit_scopes: list[AuditScope] = []


def register_audit_scope(scope: AuditScope) -> None:
    """`scope(user)` returns the audit records (a Q on AuditRecord) the user may not see."""
    if scope not in _audit_scopes:
        _audit_scopes.append(scope)


def hidden_audit_records(user) -> Q | None:
    """The records every registered app keeps from this user; None when none does."""
    hidden = None
    for scope in _audit_scopes:
        q = scope(user)
        hidden = q if hidden is None else hidden | q
    return hidden


# --- official texts in both languages, edited side by side ------------------------------------


class LanguageVersionsAdminMixin(_ModelAdmin):
    """For the admin of a translated model whose other fields the portal writes: the English
    and Russian version of each official text on one row, with their statuses, saved through
    `bilingual_services.save_language_versions` (audited; a text under approval asks again).
    Only the Secretariat changes them; everything else on the page stays read-only, and so
    do the versions in `fixed_language_versions` (a register's English, which its hash covers)."""

    fixed_language_versions: tuple[str, ...] = ()

    def _language_fields(self) -> list[str]:
        from .bilingual_services import editable_names

        names = editable_names(self.model)
        return [name for name in names if name not in self.fixed_language_versions]

    def get_fieldsets(self, request, obj=None):
        from .bilingual import translated_fields

        fieldsets = list(super().get_fieldsets(request, obj))
        rows: list = [(f"{name}_en", f"{name}_ru") for name in translated_fields(self.model)]
        rows.append(("en_status", "ru_status"))
        shown = {n for row in rows for n in row} | set(translated_fields(self.model))
        for _name, options in fieldsets:
            options["fields"] = [f for f in options.get("fields", []) if f not in shown]
        return [(_("English and Russian versions"), {"fields": rows}), *fieldsets]

    def get_readonly_fields(self, request, obj=None):
        languages = self._language_fields()
        readonly = list(super().get_readonly_fields(request, obj))
        others = [f.name for f in self.model._meta.fields if f.editable and not f.primary_key]
        readonly += [name for name in others if name not in languages and name not in readonly]
        readonly += [name for name in self.fixed_language_versions if name not in readonly]
        if not self._may_edit_languages(request):
            return readonly + languages
        return [f for f in readonly if f not in languages]

    def get_form(self, request, obj=None, change=False, **kwargs):
        """A register's texts are not editable model fields (nothing else writes them): their
        language versions are declared on the form instead, and saved by the service."""
        from django import forms

        fixed = [
            field
            for field in self.model._meta.fields
            if not field.editable and field.name in self._language_fields()
        ]
        if not fixed or not self._may_edit_languages(request):
            return super().get_form(request, obj, change=change, **kwargs)
        declared = {
            field.name: forms.CharField(
                label=field.verbose_name,
                required=False,
                widget=forms.Textarea if isinstance(field, models.TextField) else None,
            )
            for field in fixed
        }
        from django.contrib.admin.utils import flatten_fieldsets

        names = [field.name for field in fixed]
        kwargs["form"] = type("LanguageVersionsForm", (self.form,), declared)
        # The model's form fields without them (a form always has its declared fields); the
        # admin asks with `fields=None` for the form that lists them (get_fields).
        if "fields" not in kwargs or kwargs["fields"] is not None:
            shown = kwargs.get("fields") or flatten_fieldsets(self.get_fieldsets(request, obj))
            kwargs["fields"] = [name for name in shown if name not in names]
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            for name in names:
                form.base_fields[name].initial = getattr(obj, name) or ""
        return form

    def _may_edit_languages(self, request) -> bool:
        return bool(getattr(request.user, "is_secretariat", False))

    def has_change_permission(self, request, obj=None):
        return self._may_edit_languages(request) or super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        from .bilingual_services import save_language_versions

        values = {
            n: form.cleaned_data[n] for n in self._language_fields() if n in form.cleaned_data
        }
        save_language_versions(obj, by=request.user, values=values)

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            nothing_saved(formset)
