"""Turn a share's `content` and its template into clean data, or errors keyed by field name."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from cica_portal import envelope
from cica_portal.models import State

from .models import FIELD_TYPES, ShareTemplate

MAX_TEXT = 1000
MAX_LONG_TEXT = 20000
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DOCUMENT_NOISE = re.compile(r"[\s\-‐‑‒–—―]+")


class ContentErrors(dict):
    """{field name: [messages]}; empty when the content fits."""

    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)


def normalise_document_number(number: Any) -> str:
    """Upper case, without spaces or dashes: "ab-12 345" and "AB12345" are one number."""
    if not isinstance(number, str):
        return ""
    return _DOCUMENT_NOISE.sub("", number).upper()[:100]


def document_key(number: Any) -> str:
    """What is stored of a document number: a keyed hash of its normalised form (never the
    number in clear); "" when there is none."""
    return envelope.keyed_hash(normalise_document_number(number))


def document_keys(number: Any) -> list[str]:
    """The keyed hashes a stored number may have (one per master key, during a rotation)."""
    return envelope.keyed_hashes(normalise_document_number(number))


def _is_empty(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _clean_text(spec: dict, value: Any, errors: ContentErrors) -> Any:
    if not isinstance(value, str):
        return errors.add(spec["name"], _("Enter text."))
    limit = MAX_TEXT if spec["type"] == "text" else MAX_LONG_TEXT
    if len(value) > limit:
        return errors.add(spec["name"], _("At most %(n)d characters.") % {"n": limit})
    return value.strip()


def _clean_date(spec: dict, value: Any, errors: ContentErrors) -> Any:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    return errors.add(spec["name"], _("Enter a date as YYYY-MM-DD."))


def _clean_number(spec: dict, value: Any, errors: ContentErrors) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return errors.add(spec["name"], _("Enter a number."))
    return value


def _clean_boolean(spec: dict, value: Any, errors: ContentErrors) -> Any:
    if not isinstance(value, bool):
        return errors.add(spec["name"], _("Enter true or false."))
    return value


def _clean_choice(spec: dict, value: Any, errors: ContentErrors) -> Any:
    choices = spec.get("choices") or []
    if value not in choices:
        return errors.add(
            spec["name"], _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}
        )
    return value


def _clean_state(spec: dict, value: Any, errors: ContentErrors) -> Any:
    if not isinstance(value, str):
        return errors.add(spec["name"], _("A state is given by its two-letter ISO code."))
    return value.strip().upper()


def _clean_states(spec: dict, value: Any, errors: ContentErrors) -> Any:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return errors.add(spec["name"], _("Give a list of two-letter ISO state codes."))
    return list(dict.fromkeys(v.strip().upper() for v in value))


# One cleaner per field type of a template; each returns the clean value or records an error.
_CLEANERS: dict[str, Callable[[dict, Any, ContentErrors], Any]] = {
    "text": _clean_text,
    "long_text": _clean_text,
    "date": _clean_date,
    "number": _clean_number,
    "boolean": _clean_boolean,
    "choice": _clean_choice,
    "state": _clean_state,
    "states": _clean_states,
}


def _clean_one(spec: dict, value: Any, errors: ContentErrors) -> Any:
    cleaner = _CLEANERS.get(spec["type"])
    if cleaner is None:
        return errors.add(spec["name"], _("This field has an unknown type."))
    return cleaner(spec, value, errors)


def _check_state_codes(template: ShareTemplate, clean: dict, errors: ContentErrors) -> None:
    wanted: dict[str, list[str]] = {}
    for spec in template.fields:
        if spec["type"] not in ("state", "states") or spec["name"] not in clean:
            continue
        value = clean[spec["name"]]
        wanted[spec["name"]] = value if isinstance(value, list) else [value]
    codes = {code for values in wanted.values() for code in values}
    if not codes:
        return
    known = set(State.objects.filter(code__in=codes).values_list("code", flat=True))
    for name, values in wanted.items():
        unknown = [code for code in values if code not in known]
        if unknown:
            errors.add(name, _("Unknown state code: %(codes)s.") % {"codes": ", ".join(unknown)})


def validate_content(template: ShareTemplate, content: Any) -> tuple[dict, ContentErrors]:
    """Return (clean content, errors). Unknown fields, wrong types, unknown state codes and
    missing required fields are each reported under the field's name."""
    errors = ContentErrors()
    if not isinstance(content, dict):
        errors.add("non_field_errors", _("Give the content as an object keyed by field name."))
        return {}, errors
    specs = {spec["name"]: spec for spec in template.fields}
    for name in content:
        if name not in specs:
            errors.add(
                str(name)[:60],
                _("Unknown field: %(name)s. This template has no such field.") % {"name": name},
            )
    clean: dict[str, Any] = {}
    for name, spec in specs.items():
        value = content.get(name)
        if _is_empty(value):
            if spec.get("required"):
                errors.add(name, _("This field is required."))
            continue
        cleaned = _clean_one(spec, value, errors)
        if name not in errors:
            clean[name] = cleaned
    _check_state_codes(template, clean, errors)
    return clean, errors


def proposed_concerned_states(template: ShareTemplate, content: dict) -> list[str]:
    """The state codes named in fields marked `propose_concerned` (origin, transit, destination
    of a trafficking case): proposed to the author as concerned states, never imposed."""
    codes: list[str] = []
    for spec in template.fields:
        if not spec.get("propose_concerned"):
            continue
        value = content.get(spec["name"])
        if isinstance(value, str):
            codes.append(value)
        elif isinstance(value, list):
            codes.extend(v for v in value if isinstance(v, str))
    return list(dict.fromkeys(code.upper() for code in codes))


def validate_template_fields(fields: Any) -> list[str]:
    """Problems with a template's field list (for the admin); empty when it is well formed."""
    if not isinstance(fields, list) or not fields:
        return [_("Give a non-empty list of fields.")]
    problems, seen = [], set()
    for index, spec in enumerate(fields, start=1):
        if not isinstance(spec, dict):
            problems.append(_("Field %(i)d is not an object.") % {"i": index})
            continue
        name = spec.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]{0,59}", name):
            problems.append(_("Field %(i)d needs a name in lower_snake_case.") % {"i": index})
        elif name in seen:
            problems.append(_("Field name %(name)s appears twice.") % {"name": name})
        seen.add(name)
        if spec.get("type") not in FIELD_TYPES:
            problems.append(
                _("Field %(i)d: type must be one of %(types)s.")
                % {"i": index, "types": ", ".join(FIELD_TYPES)}
            )
        if not isinstance(spec.get("label"), str) or not spec.get("label"):
            problems.append(_("Field %(i)d needs a label.") % {"i": index})
        if spec.get("type") == "choice" and not (
            isinstance(spec.get("choices"), list)
            and spec["choices"]
            and all(isinstance(c, str) for c in spec["choices"])
        ):
            problems.append(_("Field %(i)d: a choice needs a list of choices.") % {"i": index})
        russian = spec.get("choices_ru")
        if russian is not None and not (
            isinstance(russian, list)
            and len(russian) == len(spec.get("choices") or [])
            and all(isinstance(c, str) for c in russian)
        ):
            problems.append(
                _("Field %(i)d: the Russian choices must match the choices, one for one.")
                % {"i": index}
            )
    return problems
