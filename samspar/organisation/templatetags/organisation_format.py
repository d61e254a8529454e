"""Number formatting for the insats pages: kronor and counts with the language's
thousands separator (a non-breaking space in Swedish: 2 300 000)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def amount(value: int | Decimal | float | None) -> str:
    """Whole number grouped in thousands, e.g. 2 152 194 and -19 875; empty for None."""
    if value is None or value == "":
        return ""
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


@register.filter
def persons(value: int | None) -> str:
    """A count of persons: grouped like ``amount``, or "–" where it is hidden (None)."""
    return "–" if value is None else amount(value)
