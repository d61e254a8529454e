import datetime as dt

import pytest

from samspar.core.personnummer import Gender, PersonnummerError, age_on, luhn_check_digit, parse

TODAY = dt.date(2026, 11, 23)


def test_luhn_check_digit_of_tax_agency_example():
    # Skatteverket's example number 811218-9876.
    assert luhn_check_digit("811218987") == "6"


@pytest.mark.parametrize(
    "text",
    ["19811218-9876", "198112189876", "811218-9876", "8112189876", " 19811218 - 9876 "],
)
def test_accepted_forms_give_the_same_person(text):
    p = parse(text, today=TODAY)
    assert p.canonical == "198112189876"
    assert p.birth_date == dt.date(1981, 12, 18)
    assert p.formatted == "19811218-9876"
    assert not p.coordination


def test_gender_from_third_serial_digit():
    assert parse("811218-9876", today=TODAY).gender is Gender.MAN  # 7 is odd
    woman = f"811218-986{luhn_check_digit('811218986')}"
    assert parse(woman, today=TODAY).gender is Gender.WOMAN


def test_wrong_check_digit_is_rejected():
    with pytest.raises(PersonnummerError) as e:
        parse("811218-9875", today=TODAY)
    assert e.value.code == "check_digit"


@pytest.mark.parametrize(
    "text", ["", "81121-9876", "19811218-98766", "19811218987", "8112-18-9876"]
)
def test_bad_format(text):
    with pytest.raises(PersonnummerError) as e:
        parse(text, today=TODAY)
    assert e.value.code == "format"


@pytest.mark.parametrize("text", ["abc", "19811218–9876", "19811218-987\u200b6"])
def test_foreign_characters_are_refused(text):
    with pytest.raises(PersonnummerError) as e:
        parse(text, today=TODAY)
    assert e.value.code == "character"


def test_impossible_date():
    nine = "811318987"  # month 13
    with pytest.raises(PersonnummerError) as e:
        parse(f"{nine[:6]}-{nine[6:]}{luhn_check_digit(nine)}", today=TODAY)
    assert e.value.code == "date"


def test_samordningsnummer_day_plus_60():
    nine = "811278987"  # day 18 + 60
    p = parse(f"811278-987{luhn_check_digit(nine)}", today=TODAY)
    assert p.coordination
    assert p.birth_date == dt.date(1981, 12, 18)
    assert p.canonical.startswith("19811278")


def test_century_of_ten_digit_number_keeps_age_under_100():
    nine = "100101123"
    number = f"100101-123{luhn_check_digit(nine)}"
    assert parse(number, today=TODAY).birth_date == dt.date(2010, 1, 1)
    # Later this year than today → born a century ago.
    nine = "261224123"
    assert parse(f"261224-123{luhn_check_digit(nine)}", today=TODAY).birth_date == dt.date(
        1926, 12, 24
    )


def test_plus_sign_means_hundred_or_older():
    nine = "100101123"
    assert parse(f"100101+123{luhn_check_digit(nine)}", today=TODAY).birth_date == dt.date(
        1910, 1, 1
    )


def test_twelve_digit_number_born_in_the_future_is_rejected():
    nine = "271224123"
    with pytest.raises(PersonnummerError) as e:
        parse(f"20271224-123{luhn_check_digit(nine)}", today=TODAY)
    assert e.value.code == "future"


def test_leap_day():
    nine = "000229123"
    assert parse(f"20000229-123{luhn_check_digit(nine)}", today=TODAY).birth_date == dt.date(
        2000, 2, 29
    )
    nine = "010229123"
    with pytest.raises(PersonnummerError):
        parse(f"20010229-123{luhn_check_digit(nine)}", today=TODAY)


def test_age_on():
    assert age_on(dt.date(1990, 3, 14), dt.date(2022, 3, 13)) == 31
    assert age_on(dt.date(1990, 3, 14), dt.date(2022, 3, 14)) == 32
