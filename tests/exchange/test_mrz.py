"""The machine-readable zone: ICAO Doc 9303 specimens, every check digit, confusable skeletons."""

import pytest

from exchange import mrz

TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)


def test_the_check_digit_of_the_specimen_fields():
    assert mrz.check_digit("L898902C3") == "6"
    assert mrz.check_digit("740812") == "2"
    assert mrz.check_digit("120415") == "9"
    assert mrz.check_digit("D23145890") == "7"
    assert mrz.check_digit("<<<<<<") == "0"


def test_it_reads_the_icao_passport_specimen():
    zone = mrz.parse("\n".join(TD3))
    assert zone.format == "TD3"
    assert zone.document_number == "L898902C3"
    assert zone.issuing_state_alpha3 == "UTO"
    assert zone.issuing_state is None  # Utopia is no state of the portal
    assert zone.document_type == "Passport"
    assert (zone.surname, zone.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert (zone.birth_date, zone.sex, zone.expiry_date) == ("740812", "F", "120415")


def test_it_reads_the_icao_identity_card_specimen():
    zone = mrz.parse("\n".join(TD1))
    assert zone.format == "TD1"
    assert zone.document_number == "D23145890"
    assert zone.document_type == "Identity card"
    assert zone.nationality == "UTO"
    assert zone.surname == "ERIKSSON"


def test_a_zone_typed_by_hand_with_spaces_lower_case_and_blank_lines_is_read():
    typed = "\n  p<uto eriksson<<anna<maria<<<<<<<<<<<<<<<<<<< \n\n" + TD3[1].lower().replace(
        "c36", "c3 6"
    )
    assert mrz.parse(typed).document_number == "L898902C3"


def test_windows_line_ends_from_a_paste_are_read():
    assert mrz.parse("\r\n".join(TD1)).document_number == "D23145890"


def td3_line(number: str, state: str = "KAZ", birth: str = "800101", expiry: str = "300101") -> str:
    """A passport's second line with every check digit right."""
    optional = "<" * 14
    line = (
        f"{number.ljust(9, '<')}{mrz.check_digit(number.ljust(9, '<'))}{state}"
        f"{birth}{mrz.check_digit(birth)}M{expiry}{mrz.check_digit(expiry)}"
        f"{optional}{mrz.check_digit(optional)}"
    )
    return line + mrz.check_digit(line[0:10] + line[13:20] + line[21:43])


def test_a_kazakh_passport_names_its_state_by_the_portals_code():
    zone = mrz.parse("P<KAZIVANOV<<IVAN" + "<" * 27 + "\n" + td3_line("N12345678"))
    assert zone.issuing_state == "KZ"
    assert zone.document_number == "N12345678"


def _break(line: str, position: int) -> str:
    wrong = str((int(line[position]) + 1) % 10)
    return line[:position] + wrong + line[position + 1 :]


@pytest.mark.parametrize(
    ("position", "field"),
    [
        (9, "document number"),
        (19, "date of birth"),
        (27, "date of expiry"),
        (42, "personal number"),
        (43, "composite"),
    ],
)
def test_every_wrong_check_digit_of_a_passport_names_its_field(position, field):
    with pytest.raises(mrz.MRZError) as error:
        mrz.parse(TD3[0] + "\n" + _break(TD3[1], position))
    assert field in error.value.message


@pytest.mark.parametrize(
    ("line", "position", "field"),
    [
        (0, 14, "document number"),
        (1, 6, "date of birth"),
        (1, 14, "date of expiry"),
        (1, 29, "composite"),
    ],
)
def test_every_wrong_check_digit_of_an_identity_card_names_its_field(line, position, field):
    lines = list(TD1)
    lines[line] = _break(lines[line], position)
    with pytest.raises(mrz.MRZError) as error:
        mrz.parse("\n".join(lines))
    assert field in error.value.message


@pytest.mark.parametrize(
    "text", ["", "P<UTO", TD3[0] + "\n" + TD3[1][:-1], TD3[0] + "\n" + TD3[1].replace("<", "*")]
)
def test_a_zone_of_the_wrong_shape_is_refused(text):
    with pytest.raises(mrz.MRZError):
        mrz.parse(text)


def test_a_long_identity_card_number_goes_on_in_the_optional_data():
    number = "D231458907AB"
    first = f"I<UTO{number[:9]}<{number[9:]}{mrz.check_digit(number)}".ljust(30, "<")
    second = "7408122F1204159UTO<<<<<<<<<<<"
    composite = first[5:30] + second[0:7] + second[8:15] + second[18:29]
    second += mrz.check_digit(composite)
    zone = mrz.parse("\n".join([first, second, TD1[2]]))
    assert zone.document_number == number


@pytest.mark.parametrize(
    ("one", "other"),
    [("N0123", "NO123"), ("A1B", "AIB"), ("A1B", "ALB"), ("X2", "XZ"), ("5S", "S5"), ("8B", "B8")],
)
def test_confusable_numbers_have_the_same_skeleton(one, other):
    assert mrz.skeleton(one) == mrz.skeleton(other)


def test_numbers_that_differ_otherwise_have_different_skeletons():
    assert mrz.skeleton("N0123") != mrz.skeleton("N0124")
