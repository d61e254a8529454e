"""Parsing of one cell: text or a spreadsheet value to a typed value, or a ValueError
with a Swedish reason. Every parser maps the words for "unknown" to None."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# What historical sheets write for a value nobody registered (compared normalised).
UNKNOWN_WORDS = frozenset(
    {
        "",
        "-",
        "–",
        "—",
        "?",
        "okänd",
        "okänt",
        "okända",
        "ej registrerat",
        "ej registrerad",
        "uppgift saknas",
        "saknas",
        "vet ej",
        "unknown",
        "n/a",
        "na",
    }
)
TRUE_WORDS = frozenset({"ja", "j", "x", "1", "sant", "true", "yes", "y"})
FALSE_WORDS = frozenset({"nej", "n", "0", "falskt", "false", "no"})

_SPACES = re.compile(r"\s+")


def normalise(text: object) -> str:
    """Case-, space- and Unicode-insensitive form of a heading or a value."""
    plain = unicodedata.normalize("NFKC", str(text)).strip().casefold()
    return _SPACES.sub(" ", plain)


def is_unknown(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and normalise(raw) in UNKNOWN_WORDS)


def text(raw: object) -> str | None:
    if is_unknown(raw):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d-%m-%Y")


def date(raw: object) -> dt.date | None:
    """An Excel date, or text YYYY-MM-DD, YYYYMMDD, D/M/YYYY, D.M.YYYY, YYYY/MM/DD or
    D-M-YYYY; a time of day is ignored."""
    if is_unknown(raw):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = str(int(raw)) if float(raw).is_integer() else str(raw)
    value = str(raw).strip().split(" ")[0].split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("Not a date; write YYYY-MM-DD."))


def decimal(raw: object, places: int = 2) -> Decimal | None:
    """A number with a decimal comma or point (5,75 or 5.75), rounded to ``places``."""
    if is_unknown(raw):
        return None
    if isinstance(raw, bool):
        raise ValueError(_("Not a number."))
    if isinstance(raw, int | float | Decimal):
        number = Decimal(str(raw))
    else:
        cleaned = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError(_("Not a number.")) from None
    if not number.is_finite():
        raise ValueError(_("Not a number."))
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(_("At most %(places)d decimals.") % {"places": places})
    # Without trailing zeros: 5,50 is 5.5 (a field with one decimal takes it).
    plain = number.normalize()
    return plain.quantize(Decimal(1)) if plain.as_tuple().exponent > 0 else plain  # type: ignore[operator]


def whole(raw: object) -> int | None:
    """A whole number (a spreadsheet's 12.0 is 12)."""
    number = decimal(raw, places=6)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(_("Not a whole number."))
    return int(number)


def percent(raw: object) -> int | None:
    """0–100, with or without a % sign."""
    if isinstance(raw, str):
        raw = raw.replace("%", "").strip()
    number = whole(raw)
    if number is not None and not 0 <= number <= 100:
        raise ValueError(_("Give a percentage 0–100."))
    return number


def boolean(raw: object) -> bool | None:
    if is_unknown(raw):
        return None
    if isinstance(raw, bool):
        return raw
    key = normalise(raw if not isinstance(raw, float) else int(raw))
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    raise ValueError(_("Write Ja or Nej."))


def split_many(raw: object) -> list[str]:
    """Several values in one cell, separated by ; or a line break."""
    if is_unknown(raw):
        return []
    parts = re.split(r"[;\n]", str(raw))
    return [part.strip() for part in parts if not is_unknown(part)]
