from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django import forms
    from django.http import HttpRequest
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


def act(
    request: HttpRequest, action: Callable[[], object], *, success: StrOrPromise | None = None
) -> bool:
    """Run one business action for a page's button: a refusal becomes the page's error message
    (a 403 when the rule says the person may not act at all), success the given message.
    True when the action was done."""
    try:
        action()
    except DomainError as error:
        if error.code == "forbidden":
            raise PermissionDenied from error
        messages.error(request, error.message)
        return False
    if success is not None:
        messages.success(request, success)
    return True
