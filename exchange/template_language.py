"""A share template's field labels, help texts and choices in the reader's language.

A template's JSON schema holds, beside each English text, its Russian twin: `label_ru`,
`help_text_ru`, and `choices_ru` (a list as long as `choices`, in the same order). The stored
value of a choice is always the English one, so a share reads the same in both languages and
its consent covers one content; only what is shown follows the reader.
"""

from __future__ import annotations

from cica_portal.bilingual import reader_language


def _text(spec: dict, key: str) -> str:
    english = spec.get(key) or ""
    if reader_language() == "ru":
        return spec.get(f"{key}_ru") or english
    return english


def label_of(spec: dict) -> str:
    return _text(spec, "label") or spec["name"]


def help_of(spec: dict) -> str:
    return _text(spec, "help_text")


def choices_of(spec: dict) -> list[tuple[str, str]]:
    """(stored value, label shown) of a choice field."""
    values = list(spec.get("choices") or [])
    shown = spec.get("choices_ru") if reader_language() == "ru" else None
    if not isinstance(shown, list) or len(shown) != len(values):
        shown = values
    return [(value, str(label) or value) for value, label in zip(values, shown, strict=True)]


def shown_value(spec: dict, value):
    """A stored choice as the reader reads it; any other value as it is."""
    if spec.get("type") == "choice":
        return dict(choices_of(spec)).get(value, value)
    return value


def missing_russian(fields: list[dict]) -> list[str]:
    """What of a schema has no Russian version: `name.label`, `name.help_text`, `name.choices`."""
    missing = []
    for spec in fields:
        for key in ("label", "help_text"):
            if spec.get(key) and not spec.get(f"{key}_ru"):
                missing.append(f"{spec.get('name')}.{key}")
        if spec.get("choices") and len(spec.get("choices_ru") or []) != len(spec["choices"]):
            missing.append(f"{spec.get('name')}.choices")
    return missing
