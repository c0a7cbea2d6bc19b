"""A small reader of gettext .po files, so that checking the catalogue needs no GNU gettext."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    @property
    def catalog_key(self):
        """The key under which Python's gettext stores this entry in a compiled catalogue."""
        msgid = self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"
        return msgid

    def label(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        return f"{self.msgid!r}{context}"


def parse(path: Path | str) -> list[Entry]:
    """Every entry of the file, the header included, obsolete (#~) entries left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    seen_id = False
    target: tuple[str, int | None] | None = None

    def finish():
        if current is not None and seen_id:
            entries.append(current)

    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line:
            finish()
            current, seen_id, target = None, False, None
            continue
        if current is None:
            current = Entry()
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"{path}:{number}: a continuation line without a keyword")
            _append(current, target, ast.literal_eval(line))
            continue
        match = KEYWORD.match(line)
        if not match:
            raise ValueError(f"{path}:{number}: cannot read {line!r}")
        keyword, index, text = match.groups()
        if keyword == "msgid" and seen_id:
            raise ValueError(f"{path}:{number}: two msgids without a blank line between them")
        seen_id = seen_id or keyword == "msgid"
        target = (keyword, int(index) if index is not None else None)
        if keyword == "msgstr":
            current.msgstr[target[1] or 0] = ""
        else:
            setattr(current, keyword, "")
        _append(current, target, ast.literal_eval(text))
    finish()
    return entries


def _append(entry: Entry, target, text: str) -> None:
    keyword, index = target
    if keyword == "msgstr":
        entry.msgstr[index or 0] += text
    else:
        setattr(entry, keyword, getattr(entry, keyword) + text)


def header(entries: list[Entry]) -> dict[str, str]:
    for entry in entries:
        if entry.is_header:
            lines = entry.msgstr.get(0, "").splitlines()
            return dict(line.split(": ", 1) for line in lines if ": " in line)
    return {}
