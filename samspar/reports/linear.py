"""Which unknowns a reader can work out from a set of linear equations.

Every shown count is known; the equations (sums and differences of counts, see
``reports.cells``) then fix some unknowns even when no single equation has only one of
them, e.g. through a chain of tables. An unknown is determined exactly when its unit
vector lies in the row space of the equations restricted to the unknowns: in the reduced
row echelon form, its pivot row has no other entry. Exact arithmetic without fractions:
rows of whole numbers, combined as a·row − b·pivot row and divided by their common
divisor (suppression runs this check many times per publication).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from math import gcd

from samspar.reports.cells import Equation, Key

Row = dict[Key, int]


def determined(equations: Iterable[Equation], unknown: Collection[Key]) -> list[Key]:
    """The unknowns fixed by ``equations`` once every other quantity is known, in the
    order they first appear."""
    pivots: dict[Key, Row] = {}
    for equation in equations:
        row: Row = {k: c for k, c in equation.items() if k in unknown}
        for pivot in [k for k in row if k in pivots]:
            row = _eliminate(row, pivots[pivot], pivot)
        if not row:
            continue
        pivot = next(iter(row))
        row = _normalised(row, pivot)
        for key, other in pivots.items():
            if pivot in other:
                pivots[key] = _normalised(_eliminate(other, row, pivot), key)
        pivots[pivot] = row
    return [k for k, row in pivots.items() if len(row) == 1]


def _eliminate(row: Row, pivot_row: Row, pivot: Key) -> Row:
    """a·row − b·pivot_row, with a and b chosen so that ``pivot`` drops out; zeros go."""
    a, b = pivot_row[pivot], row[pivot]
    result = {k: a * c for k, c in row.items()}
    for key, c in pivot_row.items():
        value = result.get(key, 0) - b * c
        if value:
            result[key] = value
        else:
            result.pop(key, None)
    divisor = 0
    for c in result.values():
        divisor = gcd(divisor, c)
    return {k: c // divisor for k, c in result.items()} if divisor > 1 else result


def _normalised(row: Row, pivot: Key) -> Row:
    """The row divided by the common divisor of its entries, ``pivot``'s entry positive."""
    divisor = 0
    for c in row.values():
        divisor = gcd(divisor, c)
    if row[pivot] < 0:
        divisor = -divisor
    return {k: c // divisor for k, c in row.items()}
