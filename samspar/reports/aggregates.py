"""Small helpers shared by the figure selectors: one query per grouping, never a loop
over registrations in Python."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Aggregate, Avg, Count, Max, Min, QuerySet, Sum
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
    qs: QuerySet[Any], aggregates: Mapping[str, Aggregate], gender_field: str = "person_gender"
) -> dict[str, dict[str, Any]]:
    """``aggregates`` per gender and in total: {"K": {...}, "M": {...}, "total": {...}}.

    One grouped query; the total is made from its rows, as every person and row has one
    gender (``_total``). Every count is keyed on its records (``cellkey.Counted``).
    """
    weights = {
        _WEIGHT + name: Count(aggregate.get_source_expressions()[0], filter=aggregate.filter)
        for name, aggregate in aggregates.items()
        if isinstance(aggregate, Avg)
    }
    rows = list(cellkey.annotate(qs.order_by().values(gender_field), aggregates, weights))
    result: dict[str, dict[str, Any]] = {
        code: dict.fromkeys(aggregates, None) for code, _label in GENDER_ROWS
    }
    for row in rows:
        result[row[gender_field]] = {k: row[k] for k in aggregates}
    if all(_decomposes(aggregate) for aggregate in aggregates.values()):
        result["total"] = {name: _total(name, a, rows) for name, a in aggregates.items()}
    else:
        result["total"] = cellkey.aggregate(qs, aggregates)
    return result


# The number of values a mean is over, beside it in the grouped rows (by_gender).
_WEIGHT = "weight_"
# Distinct counts of these add up over the genders: a person or a row has one gender.
_PARTITIONED = frozenset({"pk", "id", "person"})


def _decomposes(aggregate: Aggregate) -> bool:
    """Whether the total of ``aggregate`` follows from its values per gender."""
    if isinstance(aggregate, Count | Sum):
        (source, *_rest) = aggregate.get_source_expressions()
        distinct = getattr(aggregate, "distinct", False)
        return not distinct or getattr(source, "name", None) in _PARTITIONED
    return isinstance(aggregate, Avg | Min | Max)


def _total(name: str, aggregate: Aggregate, rows: list[dict[str, Any]]) -> Any:
    """The total of one aggregate from its values per gender: counts and sums add up
    (and so do their record keys), a mean is the genders' means weighted by how many
    values each is over, the youngest and the oldest are the least and the greatest."""
    values = [row[name] for row in rows if row[name] is not None]
    if isinstance(aggregate, Count):
        return sum(values, cellkey.Counted(0))
    if not values:
        return None
    if isinstance(aggregate, Min):
        return min(values)
    if isinstance(aggregate, Max):
        return max(values)
    if isinstance(aggregate, Avg):
        weights = [row[_WEIGHT + name] for row in rows if row[name] is not None]
        return sum(v * n for v, n in zip(values, weights, strict=True)) / sum(weights)
    return sum(values[1:], values[0])


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
