from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
