"""The machine-readable zone of a travel document (ICAO Doc 9303), and confusable characters.

`parse(text)` reads a TD3 zone (passports: two lines of 44 characters) or a TD1 zone (identity
cards: three lines of 30), typed by hand or pasted: spaces inside a line, lower case and blank
lines are tolerated. Every check digit is verified; a wrong one raises `MRZError` naming the
field it protects, so that the person can look again at that part of the document.

`skeleton(number)` is a number's confusable skeleton: each character that is easily confused
with another (0/O, 1/I/L, 2/Z, 5/S, 8/B) replaced by one representative, so that two numbers
that differ only by such characters have the same skeleton. Its keyed hash is stored beside the
number's: a possible hit is one indexed lookup, and the number stays unreadable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_WEIGHTS = (7, 3, 1)
_ALLOWED = re.compile(r"[0-9A-Z<]+")

# The MRZ names a state by its ISO 3166-1 alpha-3 code (Doc 9303 part 3); the portal by alpha-2.
ALPHA3_TO_ALPHA2 = {
    "AFG": "AF", "AZE": "AZ", "BHR": "BH", "BGD": "BD", "KHM": "KH", "CHN": "CN", "EGY": "EG",
    "IND": "IN", "IRN": "IR", "IRQ": "IQ", "ISR": "IL", "JOR": "JO", "KAZ": "KZ", "KWT": "KW",
    "KGZ": "KG", "MNG": "MN", "PAK": "PK", "PSE": "PS", "QAT": "QA", "KOR": "KR", "RUS": "RU",
    "LKA": "LK", "TJK": "TJ", "THA": "TH", "TUR": "TR", "ARE": "AE", "UZB": "UZ", "VNM": "VN",
    "BLR": "BY", "IDN": "ID", "JPN": "JP", "LAO": "LA", "MYS": "MY", "PHL": "PH", "TKM": "TM",
    "UKR": "UA", "USA": "US",
}  # fmt: skip

# The first character of the document code, as the lost/stolen template names the type.
DOCUMENT_TYPES = {"P": "Passport", "I": "Identity card", "A": "Identity card", "C": "Identity card",
                  "V": "Visa"}  # fmt: skip

# Each confusable character and its representative in the skeleton (digits represent).
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8"})


class MRZError(ValueError):
    """A zone that cannot be read; `field` names the part (a check digit, a line's length)."""

    def __init__(self, message: str, *, field: str = "mrz"):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class MRZ:
    format: str  # "TD3" or "TD1"
    document_code: str
    issuing_state_alpha3: str
    document_number: str
    nationality: str
    birth_date: str  # YYMMDD as printed
    sex: str
    expiry_date: str  # YYMMDD as printed
    surname: str
    given_names: str

    @property
    def issuing_state(self) -> str | None:
        """The portal's alpha-2 code of the issuing state, if it is one the portal knows."""
        return ALPHA3_TO_ALPHA2.get(self.issuing_state_alpha3)

    @property
    def document_type(self) -> str | None:
        return DOCUMENT_TYPES.get(self.document_code[:1])


def check_digit(text: str) -> str:
    """The Doc 9303 check digit: values 0-9, A-Z = 10-35, '<' = 0, weighted 7, 3, 1; mod 10."""
    total = 0
    for index, char in enumerate(text):
        if char.isdigit():
            value = int(char)
        elif "A" <= char <= "Z":
            value = ord(char) - ord("A") + 10
        else:
            value = 0
        total += value * _WEIGHTS[index % 3]
    return str(total % 10)


def skeleton(number: str) -> str:
    """The number with each confusable character replaced by its representative."""
    return number.upper().translate(_CONFUSABLE)


def _lines(text: str) -> list[str]:
    lines = [re.sub(r"\s+", "", line).upper() for line in (text or "").splitlines()]
    return [line for line in lines if line]


def _verify(value: str, digit: str, label: str) -> None:
    # A field left empty ("<<<") may carry a '<' as its check digit (Doc 9303 part 3, 4.9).
    if digit == "<" and set(value) <= {"<"}:
        return
    if check_digit(value) != digit:
        raise MRZError(
            _("The check digit of the %(field)s does not match: look again at that part.")
            % {"field": label}
        )


def _name(line: str) -> tuple[str, str]:
    surname, _sep, given = line.partition("<<")
    return surname.replace("<", " ").strip(), given.replace("<", " ").strip()


def _parse_td3(first: str, second: str) -> MRZ:
    number, number_digit = second[0:9], second[9]
    _verify(number, number_digit, _("document number"))
    _verify(second[13:19], second[19], _("date of birth"))
    _verify(second[21:27], second[27], _("date of expiry"))
    _verify(second[28:42], second[42], _("personal number"))
    composite = second[0:10] + second[13:20] + second[21:43]
    _verify(composite, second[43], _("whole zone (composite check digit)"))
    surname, given = _name(first[5:44])
    return MRZ(
        "TD3", first[0:2].replace("<", ""), first[2:5].replace("<", ""), number.replace("<", ""),
        second[10:13].replace("<", ""), second[13:19], second[20], second[21:27], surname, given,
    )  # fmt: skip


def _parse_td1(first: str, second: str, third: str) -> MRZ:
    number, number_digit = first[5:14], first[14]
    if number_digit == "<" and first[15] != "<":
        # A number longer than nine characters goes on in the optional data, its check digit
        # last (Doc 9303 part 5, 4.2.4).
        rest = first[15:30].split("<", 1)[0]
        number, number_digit = number + rest[:-1], rest[-1]
    _verify(number, number_digit, _("document number"))
    _verify(second[0:6], second[6], _("date of birth"))
    _verify(second[8:14], second[14], _("date of expiry"))
    composite = first[5:30] + second[0:7] + second[8:15] + second[18:29]
    _verify(composite, second[29], _("whole zone (composite check digit)"))
    surname, given = _name(third)
    return MRZ(
        "TD1", first[0:2].replace("<", ""), first[2:5].replace("<", ""), number.replace("<", ""),
        second[15:18].replace("<", ""), second[0:6], second[7], second[8:14], surname, given,
    )  # fmt: skip


def parse(text: str) -> MRZ:
    """The zone's fields, its check digits verified; MRZError otherwise."""
    lines = _lines(text)
    for line in lines:
        if not _ALLOWED.fullmatch(line):
            raise MRZError(_("A machine-readable zone holds only letters A-Z, digits and '<'."))
    lengths = [len(line) for line in lines]
    if lengths == [44, 44]:
        return _parse_td3(*lines)
    if lengths == [30, 30, 30]:
        return _parse_td1(*lines)
    raise MRZError(
        _(
            "Enter the two lines of a passport's zone (44 characters each) or the three lines "
            "of an identity card's (30 each); got lines of %(lengths)s characters."
        )
        % {"lengths": ", ".join(str(n) for n in lengths) or "0"}
    )
