"""Which unknowns a reader can work out from a set of linear equations.

Every shown count is known; the equations (sums and differences of counts, see
``reports.cells``) then fix some unknowns even when no single equation has only one of
them, e.g. through a chain of tables. An unknown is determined exactly when its unit
vector lies in the row space of the equations restricted to the unknowns: in the reduced
row echelon form, its pivot row has no other entry. Exact arithmetic (fractions).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from fractions import Fraction

from samspar.reports.cells import Equation, Key

Row = dict[Key, Fraction]


def determined(equations: Iterable[Equation], unknown: Collection[Key]) -> list[Key]:
    """The unknowns fixed by ``equations`` once every other quantity is known, in the
    order they first appear."""
    pivots: dict[Key, Row] = {}
    for equation in equations:
        row: Row = {k: Fraction(c) for k, c in equation.items() if k in unknown}
        for pivot in [k for k in row if k in pivots]:
            _subtract(row, pivots[pivot], row[pivot])
        if not row:
            continue
        pivot = next(iter(row))
        scale = row[pivot]
        row = {k: c / scale for k, c in row.items()}
        for other in pivots.values():
            if pivot in other:
                _subtract(other, row, other[pivot])
        pivots[pivot] = row
    return [k for k, row in pivots.items() if len(row) == 1]


def _subtract(row: Row, pivot_row: Row, factor: Fraction) -> None:
    """row -= factor × pivot_row, dropping the entries that become zero."""
    for key, c in pivot_row.items():
        value = row.get(key, Fraction(0)) - factor * c
        if value:
            row[key] = value
        else:
            row.pop(key, None)
