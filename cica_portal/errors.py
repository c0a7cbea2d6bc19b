from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django import forms
    from django_stubs_ext import StrOrPromise


class DomainError(Exception):
    """A business rule said no. The message is for a person; views show it as a form error or
    a 400, never as a 500."""

    def __init__(
        self, message: StrOrPromise, *, field: str | None = None, code: str = "invalid"
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


def show_on_form(form: forms.BaseForm, error: DomainError) -> None:
    """Show a service's refusal on the field it names (or on the whole form), nothing lost."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
