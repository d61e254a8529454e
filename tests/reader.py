"""What a reader without exact counts can work out of a published report, worked out
here on its own (not through reports.protection): every shown count lies among the counts
that may be shown so (cellkey.consistent), a hidden count is at least 1, an implied one
at least 0, and the reports' equations hold. A hidden small count is given away when the
least and the greatest value that allows (linear programs) leave one whole number."""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import linprog  # type: ignore[import-untyped]

from samspar.reports.cellkey import consistent
from samspar.reports.cells import Key, collect, count_keys, keyed_values
from samspar.reports.tables import Table


def shown_counts(tables: list[Table], exact_tables: list[Table]) -> dict[Key, int]:
    """Each quantity a table shows, as it shows it."""
    shown: dict[Key, int] = {}
    for table, exact_table in zip(tables, exact_tables, strict=True):
        for (r, column), (key, _value) in keyed_values(exact_table).items():
            if column in count_keys(table) and (r, column) not in table.suppressed:
                value = table.value(r, column)
                assert isinstance(value, int), (table.key, r, column, value)
                shown[key] = value
    return shown


def ranges(
    tables: list[Table], exact_tables: list[Table], limit: int, *, perturbed: bool = True
) -> dict[Key, tuple[float, float]]:
    """Every hidden small count of ``exact_tables``: the least and greatest value the
    reader of ``tables`` can give it (inf: no greatest). ``perturbed=False``: the shown
    counts are exact (a table of plain numbers)."""
    cells = collect(exact_tables)
    shown = shown_counts(tables, exact_tables)
    keys = list(cells.quantities)
    index = {k: i for i, k in enumerate(keys)}
    matrix = np.zeros((len(cells.equations), len(keys)))
    for row, equation in enumerate(cells.equations):
        for k, c in equation.items():
            matrix[row, index[k]] = c
    bounds: list[tuple[float, float | None]] = []
    for k in keys:
        if k in shown:
            values = consistent(shown[k], limit) if perturbed else {shown[k]}
            bounds.append((min(values), max(values)))
        else:
            bounds.append((0 if not cells.quantities[k].shown else 1, None))
    result = {}
    for k in keys:
        if k in shown or not any(0 < v < limit for v in cells.quantities[k].values):
            continue
        objective = np.zeros(len(keys))
        objective[index[k]] = 1
        zero = np.zeros(len(cells.equations))
        least = linprog(objective, A_eq=matrix, b_eq=zero, bounds=bounds)
        most = linprog(-objective, A_eq=matrix, b_eq=zero, bounds=bounds)
        assert least.status == 0, (k, least.message)
        result[k] = (least.fun, -most.fun if most.status == 0 else math.inf)
    return result


def given_away(
    tables: list[Table], exact_tables: list[Table], limit: int, *, perturbed: bool = True
) -> list[Key]:
    """The hidden small counts the reader can pin to one whole number."""
    return [
        k
        for k, (low, high) in ranges(tables, exact_tables, limit, perturbed=perturbed).items()
        if high < math.inf and math.floor(high + 1e-6) - math.ceil(low - 1e-6) < 1
    ]
