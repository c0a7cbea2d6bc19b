"""Handling and evaluation of a share: the vocabulary and the one rule that checks it.

TLP 2.0 (FIRST) says how far a share may travel; the handling codes H0-H3 say what it may be
used for; the 4x4 evaluation (as Europol and INTERPOL use it) grades the source (A, B, C, X)
and the information (1-4). The TLP labels are never translated; their meaning is.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

TLP_CLEAR, TLP_GREEN, TLP_AMBER, TLP_AMBER_STRICT, TLP_RED = (
    "CLEAR",
    "GREEN",
    "AMBER",
    "AMBER+STRICT",
    "RED",
)
TLP_VALUES = (TLP_CLEAR, TLP_GREEN, TLP_AMBER, TLP_AMBER_STRICT, TLP_RED)
TLP_MEANINGS = {
    TLP_CLEAR: _("Recipients may pass it on without limit."),
    TLP_GREEN: _(
        "Recipients may pass it on within their community (law-enforcement services of the "
        "member states), never publicly."
    ),
    TLP_AMBER: _(
        "Recipients may pass it on within their own service and the services it works with, "
        "only to those who need to know."
    ),
    TLP_AMBER_STRICT: _(
        "Recipients may pass it on within their own service only, to those who need to know."
    ),
    TLP_RED: _(
        "For the named recipients only, not to be passed on. Its title and content appear only "
        "on its own page."
    ),
}

H0, H1, H2, H3 = "H0", "H1", "H2", "H3"
HANDLING_CODES = (H0, H1, H2, H3)
HANDLING_MEANINGS = {
    H0: _("Only for the purpose of preventing and combating crime."),
    H1: _("Not to be used in judicial proceedings without the provider's permission."),
    H2: _("Not to be passed on without the provider's permission."),
    H3: _("Other restrictions, given in words."),
}

SOURCE_RELIABILITY = ("A", "B", "C", "X")
SOURCE_MEANINGS = {
    "A": _("A: no doubt about the source's authenticity, trustworthiness and competence."),
    "B": _("B: a source that has proved reliable in most cases."),
    "C": _("C: a source that has proved unreliable in most cases."),
    "X": _("X: the source's reliability cannot be assessed."),
}
INFORMATION_RELIABILITY = ("1", "2", "3", "4")
INFORMATION_MEANINGS = {
    "1": _("1: no doubt about its accuracy."),
    "2": _("2: known personally to the source, not to the official passing it on."),
    "3": _("3: not known personally to the source, but corroborated by other information."),
    "4": _("4: not known personally to the source, and cannot be corroborated."),
}

DEFAULT_TLP = TLP_AMBER_STRICT
DEFAULT_SOURCE = "X"
DEFAULT_INFORMATION = "4"
MAX_NOTE = 1000


def default_handling_codes() -> list[str]:
    return [H2]


def tlp_choices() -> list[tuple[str, str]]:
    return [(value, f"TLP:{value}") for value in TLP_VALUES]


def _choose_one(name: str, value: Any, allowed: tuple[str, ...], errors: dict) -> str | None:
    if isinstance(value, str) and value in allowed:
        return value
    errors[name] = [str(_("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed)})]
    return None


def clean_handling(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check the handling fields given (all optional); return (clean values, errors by field).

    The H3 rule needs the codes and the note together: give the share's current values for
    whichever of the two is not being changed."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    if "tlp" in data:
        clean["tlp"] = _choose_one("tlp", data["tlp"], TLP_VALUES, errors)
    if "source_reliability" in data:
        clean["source_reliability"] = _choose_one(
            "source_reliability", data["source_reliability"], SOURCE_RELIABILITY, errors
        )
    if "information_reliability" in data:
        value = data["information_reliability"]
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        clean["information_reliability"] = _choose_one(
            "information_reliability", value, INFORMATION_RELIABILITY, errors
        )
    if "handling_codes" in data:
        codes = data["handling_codes"]
        if not isinstance(codes, list | tuple) or not all(c in HANDLING_CODES for c in codes):
            errors["handling_codes"] = [
                str(
                    _("Give a list of handling codes from: %(choices)s.")
                    % {"choices": ", ".join(HANDLING_CODES)}
                )
            ]
        else:
            clean["handling_codes"] = sorted(set(codes))
    if "handling_note" in data:
        note = data["handling_note"]
        if note is None:
            note = ""
        if not isinstance(note, str) or len(note) > MAX_NOTE:
            errors["handling_note"] = [
                str(_("Enter text of at most %(n)d characters.") % {"n": MAX_NOTE})
            ]
        else:
            clean["handling_note"] = note.strip()
    codes = clean.get("handling_codes")
    note = clean.get("handling_note")
    if (
        "handling_codes" not in errors
        and "handling_note" not in errors
        and codes is not None
        and H3 in codes
        and not note
    ):
        errors["handling_note"] = [str(_("Say in words what H3 restricts."))]
    return clean, errors


def evaluation(source: str, information: str) -> str:
    """The evaluation as it is written on a report: "B2"."""
    return f"{source}{information}"
