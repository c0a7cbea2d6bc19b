"""Input no database or library can store or print is refused at the door, with a 400.

PostgreSQL refuses NUL in text and in JSON, Python cannot encode a lone surrogate ("\\ud800",
which JSON may carry as an escape) to UTF-8, and JSON nested thousands deep makes the parser
recurse until it fails. Each of these was a 500 somewhere. Rather than teach every view, form,
filter and serializer, one middleware reads what a view could read (the path, the query string,
form fields, a JSON body, cookies and headers) and refuses such a request before any view runs:
a JSON answer naming the field under /api/, a plain page naming it elsewhere. Nothing has been
written when it answers, because nothing has run. It also refuses what one library is known to
mishandle: ids in an admin list action that the model's key cannot hold.

`GuardedJSONParser` is the API's JSON parser with the same rules, for requests that reach a DRF
view some other way (a test that calls a view directly, a middleware order changed by mistake).
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    ValidationError,
)
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# JSON deeper than this is refused; the portal's deepest legitimate body (a share's content,
# a report's entries) is four levels deep.
MAX_JSON_DEPTH = 32
# What most servers in front of Django allow for a request line (nginx: 8k); longer query
# strings are refused with 414. A search term tens of kilobytes long was more than SQLite's LIKE
# can match (OperationalError), and no page of the portal needs one.
MAX_QUERY_STRING = 8192
# C0 controls and DEL, except tab; CR and LF are refused in headers, where they end a line.
_HEADER_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_JSON_TYPES = ("application/json",)


class InputRefused(Exception):
    """What was wrong and where: `where` is a list of keys from the outside in."""

    def __init__(self, where: list[str | int], message: str, *, status: int = 400):
        super().__init__(message)
        self.where = where
        self.message = message
        self.status = status

    @property
    def field(self) -> str:
        return ".".join(str(part) for part in self.where) or "detail"


def text_problem(value: str) -> str | None:
    """Why a text value cannot be stored or printed, or None when it can."""
    if "\x00" in value:
        return _("Null characters are not allowed.")
    surrogate = _SURROGATE.search(value)
    if surrogate:
        return _("Unpaired surrogate characters are not allowed (%(code)s).") % {
            "code": f"U+{ord(surrogate.group()):04X}"
        }
    return None


def _check_text(where: list[str | int], value: str) -> None:
    problem = text_problem(value)
    if problem:
        raise InputRefused(where, problem)


def check_json_value(data: Any, where: list[str | int] | None = None) -> None:
    """Walk parsed JSON without recursion: depth, text, keys and numbers, naming the place."""
    stack: list[tuple[list[str | int], Any, int]] = [(list(where or []), data, 0)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(path, value)
        elif isinstance(value, float) and not math.isfinite(value):
            raise InputRefused(path, _("Numbers must be finite."))
        elif isinstance(value, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise InputRefused(path, _("The JSON is nested too deeply."))
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    _check_text([*path, key], key)
                stack.append(([*path, key], item, depth + 1))


def load_json(raw: bytes | str) -> Any:
    """Parse JSON as the API accepts it, or raise InputRefused saying where it is wrong."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputRefused([], _("The body is not valid UTF-8.")) from error
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError as error:
        raise InputRefused([], _("The JSON is nested too deeply.")) from error
    except ValueError as error:
        raise InputRefused(
            [], _("The body is not valid JSON: %(error)s") % {"error": error}
        ) from error
    check_json_value(data)
    return data


def _refuse_constant(name: str):
    raise ValueError(_("%(name)s is not a number JSON allows.") % {"name": name})


class GuardedJSONParser(JSONParser):
    """DRF's JSON parser with a depth limit, finite numbers and storable text only.

    It reuses what InputGuardMiddleware already parsed, so a body is parsed once."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        django_request = getattr(request, "_request", None)
        if django_request is not None and hasattr(django_request, "_cica_json"):
            return django_request._cica_json
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = _read(stream, limit)
        if limit is not None and len(raw) > limit:
            raise ParseError(_("The request body is too large."))
        try:
            return load_json(raw)
        except InputRefused as refused:
            raise ParseError({refused.field: [refused.message]}) from refused


def _read(stream, limit: int | None) -> bytes:
    """At most one byte past the limit: enough to know the body is too large."""
    if stream is None:
        return b""
    return stream.read() if limit is None else stream.read(limit + 1)


# --- the middleware ---------------------------------------------------------------------------


def _header_name(meta_key: str) -> str:
    name = meta_key.removeprefix("HTTP_")
    return "-".join(part.capitalize() for part in name.split("_"))


def _check_headers(request: HttpRequest) -> None:
    address = request.META.get("REMOTE_ADDR") or ""
    if address:
        # Set by the server, not the client, but stored by django-axes as an address: anything
        # else (a proxy set up wrongly) would be a 500 on PostgreSQL's inet column.
        try:
            ipaddress.ip_address(address)
        except ValueError as error:
            raise InputRefused(["REMOTE_ADDR"], _("The client address is not valid.")) from error
    for key, value in request.META.items():
        if not (key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")):
            continue
        if isinstance(value, str) and _HEADER_CONTROL.search(value):
            raise InputRefused([_header_name(key)], _("This header contains control characters."))


def _drop_bad_cookies(request: HttpRequest) -> None:
    """A cookie the portal never set (a NUL, a surrogate) is ignored rather than refused: a
    visitor whose browser holds one could otherwise never reach even the login page."""
    bad = [name for name, value in request.COOKIES.items() if text_problem(name + value)]
    for name in bad:
        del request.COOKIES[name]


def _pairs(data: QueryDict) -> Iterator[tuple[str, str]]:
    for key, values in data.lists():
        for value in values:
            yield key, value


def _check_pairs(data: QueryDict) -> None:
    for key, value in _pairs(data):
        _check_text([key], key)
        _check_text([key], value)


def _content_type(request: HttpRequest) -> str:
    return request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()


def _is_json(content_type: str) -> bool:
    return content_type in _JSON_TYPES or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


def _check_body(request: HttpRequest) -> None:
    content_type = _content_type(request)
    if _is_json(content_type):
        raw = request.body
        if raw.strip():
            request._cica_json = load_json(raw)  # type: ignore[attr-defined]  # read by the parser
    elif content_type == "application/x-www-form-urlencoded":
        if request.method == "POST":
            _check_pairs(request.POST)
        else:  # DRF's form parser reads it on PUT and PATCH too
            _check_pairs(QueryDict(request.body, encoding=request.encoding))
    elif content_type == "multipart/form-data" and request.method == "POST":
        _check_pairs(request.POST)
        for key in request.FILES:
            upload = request.FILES.get(key)  # the last file under the key, as FILES[key] gives
            _check_text([key], (upload.name if upload is not None else None) or "")


ADMIN_SELECTION = "_selected_action"  # django.contrib.admin.helpers.ACTION_CHECKBOX_NAME


def _check_admin_selection(request: HttpRequest) -> None:
    """The admin filters a list action's selected rows by primary key without checking that
    each is one (a ValueError, a 500): refuse ids the model's key cannot hold."""
    if request.method != "POST" or not request.path_info.startswith("/admin/"):
        return
    if ADMIN_SELECTION not in request.POST:
        return
    try:
        model_admin = getattr(resolve(request.path_info).func, "model_admin", None)
    except Resolver404:
        return
    if model_admin is None:
        return
    key = model_admin.model._meta.pk
    for value in request.POST.getlist(ADMIN_SELECTION):
        try:
            prepared = key.get_prep_value(key.to_python(value))
            if isinstance(prepared, int):
                low, high = connection.ops.integer_field_range(key.get_internal_type())
                if not (low is None or low <= prepared) or not (high is None or prepared <= high):
                    raise ValueError(value)
        except (ValidationError, ValueError, TypeError, OverflowError) as error:
            raise InputRefused([ADMIN_SELECTION], _("Select rows from the list.")) from error


def inspect(request: HttpRequest) -> None:
    """Raise InputRefused for the first thing in the request no view may be given (headers and
    cookies already checked)."""
    if "\x00" in request.path_info:
        raise InputRefused(["path"], _("Null characters are not allowed."))
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
        raise InputRefused(["query"], _("The address is too long."), status=414)
    _check_pairs(request.GET)
    _check_body(request)
    _check_admin_selection(request)


def refusal(request: HttpRequest, refused: InputRefused) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        body: Any = [refused.message]
        for key in reversed(refused.where[1:]):  # nested like DRF's own errors
            body = {key: body}
        key = refused.where[0] if refused.where else "detail"
        payload = {key: body} if refused.where else {"detail": refused.message}
        return JsonResponse(payload, status=refused.status)
    html = render_to_string(
        "400.html",
        {"field": refused.field, "message": refused.message, "status": refused.status},
        request=None,
    )
    return HttpResponse(html, status=refused.status)


class InputGuardMiddleware:
    """Refuse what no view may be given, before any view, session or form reads it.

    Put it right after SecurityMiddleware (and the database guard): the session, locale,
    CSRF and authentication middlewares below it read cookies, headers and the form body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            _check_headers(request)
        except InputRefused as refused:
            return refusal(request, refused)
        _drop_bad_cookies(request)
        # The refusal is written in the visitor's language (LocaleMiddleware has not run yet).
        with translation.override(translation.get_language_from_request(request)):
            try:
                inspect(request)
            except InputRefused as refused:
                return refusal(request, refused)
            except RequestDataTooBig:
                too_big = InputRefused([], _("The request body is too large."), status=413)
                return refusal(request, too_big)
            except (
                TooManyFieldsSent,
                MultiPartParserError,
                SuspiciousOperation,
                UnreadablePostError,  # the client stopped sending mid-body
            ):
                return refusal(request, InputRefused([], _("The request could not be read.")))
        return self.get_response(request)
