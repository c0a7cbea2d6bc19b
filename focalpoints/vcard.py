"""vCard 3.0 (RFC 2426) text for contact cards, written by hand with the escaping it needs."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .models import FocalPoint, OrganisationContact

_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def escape(value: str) -> str:
    """Escape a text value: backslash, comma, semicolon and line breaks (RFC 2426 §4); no other
    control character remains, so nothing typed can end a line and start a property."""
    value = _LINE_BREAK.sub("\n", str(value or ""))
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return _CONTROL.sub("", value.replace("\n", "\\n"))


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (RFC 2425 §5.8.1)."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            out.append(current)
            current, size = " ", 1  # a continuation line starts with one space
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _card(lines: list[tuple[str, str]]) -> str:
    body = ["BEGIN:VCARD", "VERSION:3.0"]
    body += [fold(f"{name}:{value}") for name, value in lines if value]
    body.append("END:VCARD")
    return "\r\n".join(body) + "\r\n"


def focal_point_card(entry: FocalPoint) -> str:
    areas = ", ".join(f"{area.roman}. {area.title_en}" for area in entry.areas.all())
    role = entry.get_role_display()
    return _card(
        [
            ("FN", escape(entry.name)),
            # N is structured: family;given;additional;prefix;suffix. A role name has no parts.
            ("N", f"{escape(entry.name)};;;;"),
            ("ORG", f"{escape(entry.organisation)};{escape(entry.state.name_en)}"),
            ("TITLE", escape(entry.position)),
            ("ROLE", escape(f"CICA {role}")),
            ("EMAIL;TYPE=INTERNET,WORK", escape(entry.email)),
            ("TEL;TYPE=WORK,VOICE", escape(entry.phone)),
            (
                "ADR;TYPE=WORK",
                f";;{escape(entry.address)};;;;{escape(entry.state.name_en)}"
                if entry.address
                else "",
            ),
            ("NOTE", escape(f"CICA focal point ({entry.state.code}): {areas}")),
            ("CATEGORIES", "CICA focal points"),
            ("UID", f"urn:cica:focal-point:{entry.pk}"),
        ]
    )


def organisation_contact_card(contact: OrganisationContact) -> str:
    return _card(
        [
            ("FN", escape(contact.name)),
            ("N", f"{escape(contact.name)};;;;"),
            ("ORG", escape(contact.organisation.name_en)),
            ("TITLE", escape(contact.position)),
            ("EMAIL;TYPE=INTERNET,WORK", escape(contact.email)),
            ("TEL;TYPE=WORK,VOICE", escape(contact.phone)),
            ("CATEGORIES", "CICA contact points"),
            ("UID", f"urn:cica:organisation-contact:{contact.pk}"),
        ]
    )


def cards(entries: Iterable[FocalPoint]) -> str:
    return "".join(focal_point_card(entry) for entry in entries)
