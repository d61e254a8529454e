"""What a reader without exact counts can work out about a hidden count, for secondary
suppression (τ-ARGUS and sdcTable: a protection interval per sensitive cell, computed by
linear programming).

A reader knows:

- a shown count as shown, perturbed by its cell key (``cellkey.perturbed``, the function
  ``reports.perturbation`` applies): a shown 0 exactly, a shown v > 0 only as the counts
  that may be shown as v (``cellkey.consistent``: at most 2 either way, never below the
  threshold); a count without a record key is not perturbed and is known exactly;
- a hidden count only as at least 1 (a zero is never hidden), an implied count (one the
  equations name but no table shows) only as at least 0;
- the equations between them (``reports.cells``).

A hidden small count is *protected* when the equations leave it at least two whole
numbers: its least and greatest value under those bounds (two linear programs, HiGHS,
over the equations connected to it) are at least 1 apart. Every hidden small count is
checked so, not only those an exact linear check (is its unit vector in the row space of
the equations?) would find: hidden counts that must each be at least 1 and add up to a
shown total near their number are pinned by the bounds, though no equation gives them.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

import numpy as np
from scipy.optimize import linprog  # type: ignore[import-untyped]

from samspar.reports.cellkey import consistent, is_keyed, perturbed
from samspar.reports.cells import Cells, Equation, Key

Bounds = tuple[float, float | None]  # least and greatest value; None: no greatest
LEAST_VALUES = 2  # whole numbers a hidden small count must be able to take
TOLERANCE = 1e-6  # of the solver's arithmetic, below any whole number's step


def shown_interval(value: int, limit: int) -> tuple[int, int]:
    """The counts a reader can tell a shown count of ``value`` lies between."""
    if not is_keyed(value):
        return value, value
    shown = perturbed(value, limit)
    candidates = consistent(shown, limit)
    return min(candidates), max(candidates)


class Check:
    """The reader's knowledge of one publication's counts, given which are hidden."""

    def __init__(self, cells: Cells, small: Collection[Key], limit: int) -> None:
        self.cells = cells
        self.small = [k for k in cells.quantities if k in small]  # in order of appearance
        self.implied = {k for k, q in cells.quantities.items() if not q.shown}
        self.known: dict[Key, tuple[int, int]] = {}
        for key, quantity in cells.quantities.items():
            if quantity.shown and key not in self.small:  # a small count is always hidden
                table, r, column = quantity.positions[0]
                self.known[key] = shown_interval(_count(table.value(r, column)), limit)

    def exposed(self, hidden: Collection[Key], extra: Sequence[Equation] = ()) -> list[Key]:
        """The small counts a reader could pin to one value, with ``hidden`` hidden and
        ``extra`` equations besides the cells'."""
        equations = [*self.cells.equations, *extra]
        unknown = set(hidden) | self.implied
        return [k for k in self.small if k in unknown and not self.protected(k, equations, unknown)]

    def protected(self, key: Key, equations: Sequence[Equation], unknown: Collection[Key]) -> bool:
        low, high = self.range(key, equations, unknown)
        if high is None:
            return True
        return math.floor(high + TOLERANCE) - math.ceil(low - TOLERANCE) + 1 >= LEAST_VALUES

    def range(
        self, key: Key, equations: Sequence[Equation], unknown: Collection[Key]
    ) -> tuple[float, float | None]:
        """The least and greatest value of ``key`` the reader's knowledge allows (None:
        no greatest)."""
        system = _component(key, equations)
        if not system:
            return 1.0, None
        keys = list(dict.fromkeys(k for e in system for k in e))
        index = {k: i for i, k in enumerate(keys)}
        matrix = np.zeros((len(system), len(keys)))
        for row, equation in enumerate(system):
            scale = max(abs(c) for c in equation.values())  # a mean's equation is large
            for k, c in equation.items():
                matrix[row, index[k]] = c / scale
        bounds = [self.bounds(k, unknown) for k in keys]
        target = np.zeros(len(keys))
        target[index[key]] = 1.0
        least = linprog(target, A_eq=matrix, b_eq=np.zeros(len(system)), bounds=bounds)
        most = linprog(-target, A_eq=matrix, b_eq=np.zeros(len(system)), bounds=bounds)
        if least.status != 0:  # infeasible only through the solver's rounding: no claim
            return 1.0, None
        return float(least.fun), float(-most.fun) if most.status == 0 else None

    def bounds(self, key: Key, unknown: Collection[Key]) -> Bounds:
        if key in unknown:
            return (0.0, None) if key in self.implied else (1.0, None)
        low, high = self.known[key]
        return float(low), float(high)


def _count(value: object) -> int:
    if not isinstance(value, int):
        raise TypeError(f"a shown count is a whole number, not {value!r}")
    return value


def _component(key: Key, equations: Sequence[Equation]) -> list[Equation]:
    """The equations connected to ``key`` through shared quantities: the others cannot
    bound it."""
    reached, found = {key}, True
    chosen: list[Equation] = []
    rest = list(equations)
    while found:
        found = False
        for equation in list(rest):
            if reached & equation.keys():
                chosen.append(equation)
                rest.remove(equation)
                reached |= equation.keys()
                found = True
    return chosen
