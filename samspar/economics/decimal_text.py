"""Numbers typed and shown in inputs, messages and the history: in the active language
and with the decimals they have ("37,5", "1,25", "100")."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats


def plain(x: Decimal | float | int) -> Decimal:
    """``x`` without trailing zeros: 50.00 → 50, 37.50 → 37.5."""
    number = Decimal(str(x))
    return (
        number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    )


def plain_number(x: Decimal | float | int, *, grouping: bool = False) -> str:
    """``x`` in the active language with the decimals it has: "37,5", "1,25", "100"."""
    return formats.number_format(plain(x), force_grouping=grouping)
