"""Values written into the portal's CSV and xlsx exports, whatever text people typed.

A spreadsheet program evaluates a cell that starts like a formula (= + - @, or a tab or carriage
return before one), so such text gets a leading apostrophe and stays text. openpyxl refuses
control characters in a cell (they are not allowed in the file's XML) and characters that a
sheet title cannot hold (: \\ / ? * [ ]); both are taken out, so an export never fails on a title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# XML 1.0 allows tab, LF and CR among the C0 controls; openpyxl refuses the others.
_ILLEGAL_IN_CELL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ILLEGAL_IN_TITLE = re.compile(r"[\x00-\x1f\x7f:\\/?*\[\]]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_TITLE = 31  # Excel's limit


def cell(value: Any) -> Any:
    """A value as a cell holds it: text without control characters, never read as a formula."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL_IN_CELL.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def row(values: Iterable[Any]) -> list[Any]:
    return [cell(value) for value in values]


def sheet_title(text: str, *, fallback: str = "Sheet") -> str:
    """A title Excel and openpyxl accept: at most 31 characters, none of : \\ / ? * [ ], not
    starting or ending with an apostrophe, never empty."""
    title = _ILLEGAL_IN_TITLE.sub("-", str(text))[:MAX_TITLE].strip().strip("'").strip()
    return title or fallback
