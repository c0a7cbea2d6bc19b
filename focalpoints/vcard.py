"""vCard 3.0 (RFC 2426) and 4.0 (RFC 6350) text for contact cards, written by hand with the
escaping they need.

3.0 stays the default: it is what most address books import. 4.0 adds what 3.0 cannot say:
the working languages (LANG), a name in Latin letters and in Cyrillic, and the state in English
and in Russian, as alternatives of one property (ALTID with LANGUAGE), and KIND (an individual
focal point, an organisation's office). 3.0 has no alternatives: its FN and N are the name as
entered, and the name in the other script is said in the NOTE.
"""

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


VERSIONS = ("3.0", "4.0")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _card(lines: list[tuple[str, str]], version: str = "3.0") -> str:
    body = ["BEGIN:VCARD", f"VERSION:{version}"]
    body += [fold(f"{name}:{value}") for name, value in lines if value]
    body.append("END:VCARD")
    return "\r\n".join(body) + "\r\n"


def _language_of(text: str) -> str:
    return "ru" if _CYRILLIC.search(text or "") else "en"


def _alternatives(name: str, values: dict[str, str], altid: int) -> list[tuple[str, str]]:
    """One property in each language it exists in, as alternatives of each other (RFC 6350
    5.4); a single value carries only its language."""
    present = {language: value for language, value in values.items() if value}
    if len(present) == 1:
        ((language, value),) = present.items()
        return [(f"{name};LANGUAGE={language}", value)]
    return [(f"{name};ALTID={altid};LANGUAGE={lang}", value) for lang, value in present.items()]


def _languages(codes: Iterable[str]) -> list[tuple[str, str]]:
    return [(f"LANG;PREF={n};TYPE=work", code) for n, code in enumerate(codes, start=1)]


def _note(entry: FocalPoint, areas: str, *, with_other_script: bool) -> str:
    note = f"CICA focal point ({entry.state.code}): {areas}"
    if with_other_script and entry.name_other_script:
        script = "Cyrillic" if entry.other_script_language == "ru" else "Latin letters"
        note = f"{note}. Name in {script}: {entry.name_other_script}"
    return escape(note)


def _names(entry: FocalPoint) -> list[tuple[str, str]]:
    """FN and N in each script the name exists in, alternatives of each other (RFC 6350 5.4)."""
    names = {_language_of(entry.name): escape(entry.name)}
    if entry.name_other_script:
        names.setdefault(entry.other_script_language, escape(entry.name_other_script))
    # N is structured: family;given;additional;prefix;suffix. A role name has no parts.
    structured = {language: f"{value};;;;" for language, value in names.items()}
    return [*_alternatives("FN", names, altid=2), *_alternatives("N", structured, altid=3)]


def focal_point_card(entry: FocalPoint, version: str = "3.0") -> str:
    if version == "4.0":
        return _focal_point_card_4(entry)
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
            ("NOTE", _note(entry, areas, with_other_script=True)),
            ("CATEGORIES", "CICA focal points"),
            ("UID", f"urn:cica:focal-point:{entry.pk}"),
        ]
    )


def _focal_point_card_4(entry: FocalPoint) -> str:
    areas = ", ".join(f"{area.roman}. {area.title_en}" for area in entry.areas.all())
    state = entry.state
    organisation = escape(entry.organisation)
    return _card(
        [
            ("KIND", "individual"),
            *_names(entry),
            *_alternatives(
                "ORG",
                {
                    "en": f"{organisation};{escape(state.name_en)}",
                    "ru": f"{organisation};{escape(state.name_ru)}" if state.name_ru else "",
                },
                altid=1,
            ),
            ("TITLE", escape(entry.position)),
            ("ROLE", escape(f"CICA {entry.get_role_display()}")),
            *_languages(entry.language_codes),
            ("EMAIL;TYPE=work", escape(entry.email)),
            ('TEL;TYPE="work,voice"', escape(entry.phone)),
            (
                "ADR;TYPE=work",
                f";;{escape(entry.address)};;;;{escape(state.name_en)}" if entry.address else "",
            ),
            ("NOTE", _note(entry, areas, with_other_script=False)),
            ("CATEGORIES", "CICA focal points"),
            ("UID", f"urn:cica:focal-point:{entry.pk}"),
        ],
        version="4.0",
    )


def organisation_contact_card(contact: OrganisationContact, version: str = "3.0") -> str:
    if version == "4.0":
        return _organisation_contact_card_4(contact)
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


def _organisation_contact_card_4(contact: OrganisationContact) -> str:
    """An organisation's contact point is an office, not a person: KIND:org (RFC 6350 6.1.4),
    its name in the languages the organisation's name exists in."""
    organisation = contact.organisation
    return _card(
        [
            ("KIND", "org"),
            (f"FN;LANGUAGE={_language_of(contact.name)}", escape(contact.name)),
            *_alternatives(
                "ORG",
                {"en": escape(organisation.name_en), "ru": escape(organisation.name_ru)},
                altid=1,
            ),
            ("TITLE", escape(contact.position)),
            *_languages(["en", "ru"]),  # CICA's working languages
            ("EMAIL;TYPE=work", escape(contact.email)),
            ('TEL;TYPE="work,voice"', escape(contact.phone)),
            ("CATEGORIES", "CICA contact points"),
            ("UID", f"urn:cica:organisation-contact:{contact.pk}"),
        ],
        version="4.0",
    )


def cards(entries: Iterable[FocalPoint], version: str = "3.0") -> str:
    return "".join(focal_point_card(entry, version) for entry in entries)
