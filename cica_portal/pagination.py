"""Keyset pagination for lists walked newest first: page 300 costs what page 1 costs.

An OFFSET makes the database walk and throw away every row before the page (7,500 of them on
page 300 of 25); a cursor names the last row shown, and the next page starts right after it
in the list's index (`(-updated_at, -id)`). The cursor is a position, not a credential: the
query it narrows is still the user's own selector, so a cursor copied from someone else shows
nothing they may not see.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

PAGE_SIZE = 25
# `?page=N` is an offset: page N walks and throws away (N - 1) * 25 rows first. It is served
# up to MAX_PAGE (1,000 rows in); the `next` links (cursors) reach any depth at page 1's cost.
MAX_PAGE = 40
NEXT, PREVIOUS = "n", "p"
INVALID_CURSOR = _("This position in the list is not valid; start again from the first page.")
TOO_DEEP = _(
    "Pages beyond %(max)d are not served by number: follow the next links, which reach any "
    "depth, or narrow the list with its filters."
)


class InvalidCursor(ValueError):
    """The `cursor` parameter is not one this module wrote."""


def encode_cursor(direction: str, moment: datetime, pk: int) -> str:
    raw = f"{direction}|{moment.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, datetime, int]:
    """(direction, updated_at, pk); InvalidCursor for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        direction, moment, pk = raw.split("|")
        position = (direction, datetime.fromisoformat(moment), int(pk))
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidCursor(cursor) from error
    if direction not in (NEXT, PREVIOUS) or position[1].tzinfo is None:
        raise InvalidCursor(cursor)
    if not 0 < position[2] < 2**63:
        raise InvalidCursor(cursor)
    return position


@dataclass
class KeysetPage:
    """One page of a list ordered by (-updated_at, -pk), and the cursors around it."""

    object_list: list[Any]
    next_cursor: str | None = None
    previous_cursor: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def _older_than(moment: datetime, pk: int) -> Q:
    # The redundant `updated_at <= moment` gives PostgreSQL the index range to start from; the
    # rest breaks ties between rows saved in the same microsecond.
    return Q(updated_at__lte=moment) & (Q(updated_at__lt=moment) | Q(pk__lt=pk))


def _newer_than(moment: datetime, pk: int) -> Q:
    return Q(updated_at__gte=moment) & (Q(updated_at__gt=moment) | Q(pk__gt=pk))


def keyset_page(
    queryset: QuerySet, cursor: str | None, *, size: int = PAGE_SIZE, started: bool = False
) -> KeysetPage:
    """The page of `queryset` (newest first) that `cursor` points at; the first without one.

    `started` says the first page was reached by an offset (`?page=N`, N > 1), so that it has
    a previous page. Raises InvalidCursor for a cursor this module did not write.
    """
    if not cursor:
        rows = list(queryset.order_by("-updated_at", "-pk")[: size + 1])
        has_more, has_before = len(rows) > size, started
        rows = rows[:size]
    else:
        direction, moment, pk = decode_cursor(cursor)
        if direction == NEXT:
            rows = list(
                queryset.filter(_older_than(moment, pk)).order_by("-updated_at", "-pk")[: size + 1]
            )
            has_more, has_before = len(rows) > size, True
            rows = rows[:size]
        else:
            rows = list(
                queryset.filter(_newer_than(moment, pk)).order_by("updated_at", "pk")[: size + 1]
            )
            has_before, has_more = len(rows) > size, True
            rows = rows[:size][::-1]
    page = KeysetPage(rows)
    if rows and has_more:
        page.next_cursor = encode_cursor(NEXT, rows[-1].updated_at, rows[-1].pk)
    if rows and has_before:
        page.previous_cursor = encode_cursor(PREVIOUS, rows[0].updated_at, rows[0].pk)
    if not rows and cursor:
        # Past either end (the rows moved since): offer the way back to the first page.
        page.previous_cursor = ""
    return page


class NewestFirstPagination(PageNumberPagination):
    """DRF's page-number shape (`count`, `next`, `previous`, `results`) and `?page=N`, as the
    API contract fixes them, with `next` and `previous` as cursor links (`?cursor=...`): a
    client that follows them walks the whole list at the cost of its first page. `?page=N`
    answers up to MAX_PAGE (an offset, whose cost grows with N; deeper is a 400 naming `page`
    that points to the links); `?ordering=` other than the default falls back to plain page
    numbers."""

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: APIView | None = None
    ) -> list[Any]:
        self.request = request
        self.keyset: KeysetPage | None = None
        params = request.query_params
        cursor = params.get("cursor")
        if params.get("ordering"):
            return super().paginate_queryset(queryset, request, view) or []
        if params.get(self.page_query_param) and not cursor:
            number = params[self.page_query_param]
            if number.isdigit() and int(number) > MAX_PAGE:
                raise ValidationError({self.page_query_param: [str(TOO_DEEP % {"max": MAX_PAGE})]})
            return self._by_page_number(queryset.order_by("-updated_at", "-pk"), request, view)
        try:
            self.keyset = keyset_page(
                queryset, cursor, size=self.get_page_size(request) or PAGE_SIZE
            )
        except InvalidCursor as error:
            raise ValidationError({"cursor": [str(INVALID_CURSOR)]}) from error
        self.keyset.extra["count"] = self._count(queryset, view)
        return self.keyset.object_list

    @staticmethod
    def _count(queryset: QuerySet, view: APIView | None) -> int:
        """The exact count, as the view makes it (`count_rows(queryset)`, e.g. cached under its
        visibility scopes), else the database's."""
        count_rows = getattr(view, "count_rows", None)
        return count_rows(queryset) if count_rows is not None else queryset.count()

    def _by_page_number(
        self, queryset: QuerySet, request: Request, view: APIView | None
    ) -> list[Any]:
        """`?page=N` (an offset), with cursor links from it on so a client can walk on cheaply."""
        count = self._count(queryset, view)

        def paginator(rows: QuerySet, per_page: int) -> DjangoPaginator:
            made = DjangoPaginator(rows, per_page)
            made.__dict__["count"] = count  # a cached_property: the count made above
            return made

        self.django_paginator_class = paginator  # type: ignore[assignment]
        rows = list(super().paginate_queryset(queryset, request, view) or [])
        page = self.page
        assert page is not None  # set by paginate_queryset above
        self.keyset = KeysetPage(rows)
        if rows and page.has_next():
            self.keyset.next_cursor = encode_cursor(NEXT, rows[-1].updated_at, rows[-1].pk)
        if rows and page.has_previous():
            self.keyset.previous_cursor = encode_cursor(PREVIOUS, rows[0].updated_at, rows[0].pk)
        self.keyset.extra["count"] = page.paginator.count
        return rows

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        assert self.request is not None  # set by paginate_queryset
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        if not cursor:
            return remove_query_param(url, "cursor")
        return replace_query_param(url, "cursor", cursor)

    def get_paginated_response(self, data: Any) -> Response:
        if self.keyset is None:
            return super().get_paginated_response(data)
        return Response(
            {
                "count": self.keyset.extra["count"],
                "next": self._link(self.keyset.next_cursor),
                "previous": self._link(self.keyset.previous_cursor),
                "results": data,
            }
        )

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "A position in the list, as the `next` and `previous` links "
                "carry it.",
                "schema": {"type": "string"},
            },
        ]
