"""Small helpers shared by the figure selectors: one query per grouping, never a loop
over registrations in Python."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Aggregate, QuerySet
from django.utils.translation import gettext_lazy as _

from samspar.core.personnummer import Gender
from samspar.reports import cellkey
from samspar.reports.scope import ReportScope
from samspar.reports.tables import Dims, Text

GENDER_ROWS: list[tuple[str, Text]] = [
    (Gender.WOMAN.value, _("Women")),
    (Gender.MAN.value, _("Men")),
]
TOTAL = _("Total")
# The keys the rows women, men and total add to a table's dims (Table.row_dims).
GENDER_ROW_DIMS: Sequence[Dims] = [{"gender": code} for code, _label in GENDER_ROWS] + [{}]


def scope_dims(scope: ReportScope, **dims: Hashable) -> dict[str, Hashable]:
    """The dims every count of a table over ``scope`` has: its period and gender filter
    (the organisation is left out, so a report compares with its parent level's)."""
    gender = {"gender": scope.gender} if scope.gender else {}
    return {"period": (scope.date_from, scope.date_to), **gender, **dims}


def by_gender(
    qs: QuerySet[Any], aggregates: Mapping[str, Aggregate], gender_field: str = "person__gender"
) -> dict[str, dict[str, Any]]:
    """``aggregates`` per gender and in total: {"K": {...}, "M": {...}, "total": {...}}.

    The total is its own query, so distinct counts and means are right for it too.
    Every count is keyed on its records (``cellkey.Counted``).
    """
    result: dict[str, dict[str, Any]] = {
        code: dict.fromkeys(aggregates, None) for code, _label in GENDER_ROWS
    }
    for row in cellkey.annotate(qs.order_by().values(gender_field), aggregates):
        result[row[gender_field]] = {k: row[k] for k in aggregates}
    result["total"] = cellkey.aggregate(qs, aggregates)
    return result


def by_group(
    qs: QuerySet[Any], fields: Sequence[str], aggregates: Mapping[str, Aggregate]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """``aggregates`` per combination of the values of ``fields`` (a team, an insats):
    {(value, …): {...}}; a combination with no rows is missing. One grouped query."""
    return {
        tuple(row[f] for f in fields): {k: row[k] for k in aggregates}
        for row in cellkey.annotate(qs.order_by().values(*fields), aggregates)
    }


def as_float(value: float | Decimal | None) -> float | None:
    """A mean from the database as a float, unrounded (the renderers round for display)."""
    return None if value is None else float(value)
