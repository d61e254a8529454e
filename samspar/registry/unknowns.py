"""Historical data as it is: what counts as "okänd / ej registrerat" in typed or imported
text, and years in public support written with a decimal comma or as months.

The registration form and an importer use the same rules (docs/definitions.md, "Unknown
values (historical data)")."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Cell texts that mean "not known / not registered" (compared case-insensitively, after
# trimming spaces and a trailing full stop). An empty cell is unknown too.
UNKNOWN_TEXTS = frozenset(
    {
        "okänd",
        "okänt",
        "okända",
        "okand",
        "ej registrerat",
        "ej registrerad",
        "ej reg",
        "inte registrerat",
        "uppgift saknas",
        "saknas",
        "vet ej",
        "unknown",
        "not registered",
        "-",
        "–",
        "—",
        "?",
        "x",
    }
)

_MONTHS = re.compile(r"^(\d+(?:[.,]\d+)?)(?:mån(?:ader)?|månad|months?|mo)\.?$", re.IGNORECASE)
_TWO_DECIMALS = Decimal("0.01")


def is_unknown(text: object) -> bool:
    """Whether an imported or typed value means "unknown / not registered"."""
    if text is None:
        return True
    cleaned = str(text).strip().rstrip(".").strip().casefold()
    return cleaned == "" or cleaned in UNKNOWN_TEXTS


def parse_years(text: str) -> Decimal | None:
    """Years in public support as typed: "5,75", "5.75", "5" or months ("69 mån", "69
    månader", "69 months"); months become years rounded to two decimals (half up).

    Unknown text (``is_unknown``) is None. Raises ValueError for anything else; whether
    the value fits the field (0–70, two decimals) is the model's validators' business."""
    if is_unknown(text):
        return None
    compact = text.strip().replace("\xa0", "").replace(" ", "")
    months = _MONTHS.match(compact)
    try:
        if months:
            value = Decimal(months.group(1).replace(",", ".")) / 12
            return value.quantize(_TWO_DECIMALS, rounding=ROUND_HALF_UP)
        if compact.count(",") == 1 and "." not in compact:
            compact = compact.replace(",", ".")
        value = Decimal(compact)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value
