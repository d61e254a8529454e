"""Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer).

Pure functions, no Django. Accepted input forms: ``YYYYMMDD-NNNC``, ``YYYYMMDDNNNC``,
``YYMMDD-NNNC``, ``YYMMDDNNNC`` and ``YYMMDD+NNNC`` (the ``+`` marks a person aged 100 or more).
Before matching, every character is normalised (``normalise``): a decimal digit of any
script becomes its ASCII digit, and a character whose compatibility form (NFKC) is ``-``,
``+`` or a space becomes that; spaces are then dropped. Anything else (letters,
look-alike dashes such as ``–`` or ``−``, zero-width characters, tabs) is refused, so
one number has exactly one canonical form and one look-up hash.
A ten-digit number gets the century that makes the person younger than 100 on the reference
date (older than 100 with ``+``), as the Swedish Tax Agency prescribes.
A samordningsnummer has 60 added to the day of birth.
The last digit is a Luhn check digit over the ten digits YYMMDDNNN; the ninth digit (the
third of the last four) is odd for men and even for women.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

_PATTERN = re.compile(r"^([0-9]{2})?([0-9]{2})([0-9]{2})([0-9]{2})([-+]?)([0-9]{3})([0-9])$")
# The separators a number may contain, in their ASCII form after NFKC.
SEPARATORS = frozenset("-+ ")


class Gender(StrEnum):
    WOMAN = "K"
    MAN = "M"


class PersonnummerError(ValueError):
    """The text is not a valid personnummer or samordningsnummer; ``code`` tells why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Personnummer:
    birth_date: dt.date
    serial: str  # NNN
    check: str  # C
    coordination: bool

    @property
    def canonical(self) -> str:
        """The twelve-digit form YYYYMMDDNNNC (day + 60 for a samordningsnummer)."""
        day = self.birth_date.day + (60 if self.coordination else 0)
        return f"{self.birth_date:%Y%m}{day:02d}{self.serial}{self.check}"

    @property
    def formatted(self) -> str:
        """YYYYMMDD-NNNC, the form shown to users."""
        c = self.canonical
        return f"{c[:8]}-{c[8:]}"

    @property
    def gender(self) -> Gender:
        return Gender.MAN if int(self.serial[2]) % 2 else Gender.WOMAN


def luhn_check_digit(nine_digits: str) -> str:
    total = 0
    for i, ch in enumerate(nine_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def normalise(text: str) -> str:
    """The number as ASCII digits, ``-`` and ``+``, without spaces or surrounding
    whitespace; raises PersonnummerError("character") on any other character."""
    chars = []
    for ch in (text or "").strip():
        digit = unicodedata.decimal(ch, None)
        if digit is not None:
            chars.append(str(digit))
            continue
        separator = unicodedata.normalize("NFKC", ch)
        if separator not in SEPARATORS:
            raise PersonnummerError("character")
        if separator != " ":
            chars.append(separator)
    return "".join(chars)


def parse(text: str, today: dt.date | None = None) -> Personnummer:
    """Parse and validate; raises PersonnummerError with a code naming the fault."""
    today = today or dt.date.today()
    match = _PATTERN.match(normalise(text))
    if not match:
        raise PersonnummerError("format")
    century, yy, mm, dd, sep, serial, check = match.groups()
    if luhn_check_digit(f"{yy}{mm}{dd}{serial}") != check:
        raise PersonnummerError("check_digit")
    day = int(dd)
    coordination = day > 60
    if coordination:
        day -= 60
    month = int(mm)
    if century is not None:
        if sep == "+":
            raise PersonnummerError("format")
        years = [int(century + yy)]
    else:
        # The latest year ending in yy that is not after today; '+' adds a century of age.
        year = today.year - (today.year - int(yy)) % 100
        if sep == "+":
            year -= 100
        years = [year, year - 100] if sep != "+" else [year]
    for year in years:
        try:
            birth = dt.date(year, month, day)
        except ValueError:
            raise PersonnummerError("date") from None
        if birth <= today:
            return Personnummer(birth, serial, check, coordination)
    raise PersonnummerError("future")


def age_on(birth_date: dt.date, on: dt.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
