"""Numbers as the summary and the pages word them, in the active language:
"2,6 mkr", "32 400 kr", "35 månader", "5,2 %"."""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, ngettext

from samspar.economics.decimal_text import plain_number

MILLION = 1_000_000


def number(x: float, decimals: int = 0) -> str:
    # Rounded first: Django's number_format cuts a float's extra decimals off. Adding
    # 0.0 turns a rounded -0.0 into 0.0.
    return formats.number_format(round(x, decimals) + 0.0, decimals, force_grouping=True)


def money(amount: float) -> str:
    """Millions with one decimal from a million up, else whole kronor."""
    if abs(amount) >= MILLION:
        return gettext("%(amount)s million SEK") % {"amount": number(amount / MILLION, 1)}
    return gettext("%(amount)s SEK") % {"amount": number(amount)}


def months(x: float) -> str:
    n = round(x)
    return ngettext("%(count)s month", "%(count)s months", n) % {"count": number(n)}


def years(n: int) -> str:
    return ngettext("%(count)s year", "%(count)s years", n) % {"count": number(n)}


def percent(share: float) -> str:
    """A share 0–1 as a percentage with one decimal."""
    return f"{number(100 * share, 1)}\N{NO-BREAK SPACE}%"


def plain_percent(share: float) -> str:
    """A share 0–1 as percent with the decimals it has: "37,5 %", "25 %"."""
    return f"{plain_number(round(100 * share, 4))}\N{NO-BREAK SPACE}%"


def people(count: float) -> str:
    """A number of participants: whole, or with one decimal for type-case groups."""
    return number(count, 0 if float(count).is_integer() else 1)


def amount(x: float) -> str:
    """A standard value as it is: whole kronor grouped, a share with all its decimals."""
    return number(int(x)) if float(x).is_integer() else formats.number_format(x)


def _interpolate(message: str | Promise, params: dict[str, Any]) -> str:
    return str(message) % params


# ``message % params`` translated when it is shown, not when it is built.
lazy_format = lazy(_interpolate, str)
lazy_money = lazy(money, str)
lazy_months = lazy(months, str)
lazy_people = lazy(people, str)
