"""A small reader of gettext .po files, so that checking the catalogue needs no GNU gettext."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
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
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    entries = [_parse_block(path, block) for block in _blocks(lines)]
    return [entry for entry in entries if entry is not None]


def _blocks(lines: list[str]) -> Iterator[list[tuple[int, str]]]:
    """The file's runs of non-blank lines, each line with its number."""
    block: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if line:
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _parse_block(path: Path | str, block: list[tuple[int, str]]) -> Entry | None:
    """The entry one block holds, or None for a block with no msgid (comments only)."""
    entry = Entry()
    seen_id = False
    target: tuple[str, int | None] | None = None
    for number, line in block:
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if target is None:
                raise ValueError(f"{path}:{number}: a continuation line without a keyword")
            _append(entry, target, ast.literal_eval(line))
        else:
            target = _start_keyword(path, number, line, entry, seen_id=seen_id)
            seen_id = seen_id or target[0] == "msgid"
    return entry if seen_id else None


def _start_keyword(
    path: Path | str, number: int, line: str, entry: Entry, *, seen_id: bool
) -> tuple[str, int | None]:
    """Read a `msgid "..."`-style line into the entry; returns what continuation lines extend."""
    match = KEYWORD.match(line)
    if not match:
        raise ValueError(f"{path}:{number}: cannot read {line!r}")
    keyword, index, text = match.groups()
    if keyword == "msgid" and seen_id:
        raise ValueError(f"{path}:{number}: two msgids without a blank line between them")
    target = (keyword, int(index) if index is not None else None)
    if keyword == "msgstr":
        entry.msgstr[target[1] or 0] = ""
    else:
        setattr(entry, keyword, "")
    _append(entry, target, ast.literal_eval(text))
    return target


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
