"""Small-count suppression for outputs meant for others than the insats's registrators.

It works on every table of one publication at once — a report, or an annual report
with all its chapters — on quantities rather than cells: a cell's key
(``Table.cell_key``) says what it counts, and the same quantity shown in two tables is
hidden in both (``reports.cells``).

- *Primary*: every count with 0 < n < threshold is hidden, shown or implied.
- *Secondary*, chosen by cost as τ-ARGUS and sdcTable do: no hidden small count may be
  pinned to one value by what a reader without exact counts knows — the publication's
  equations (total rows, row and column sums, implied counts, ``Table.lines``), each
  shown count as its perturbation allows, a hidden one as at least 1
  (``reports.protection``, by linear programming). Where one would be, the cheapest
  shown count that covers it is hidden: an inner cell before any total (a cell of a
  total row, of a column or a row that sums others), a small count before a large one,
  a count shown once before one shown in several tables. Then every secondary cell, the
  most expensive first, is shown again if every small count stays protected (redundancy
  elimination), and a secondary total gives way to an inner count that protects as
  well. The same tables always give the same hidden cells.
- *Derived cells*: a share hides with any count it is computed from (it would give one
  back from the other); a mean only when its own population is below the threshold, or
  when the means of a sum of rows would let a small count follow (``_hide_derived``,
  ``_hide_weighted_means``).

Differencing *across* publications (other periods, levels, the report without a gender
filter) is not this module's concern: the shown counts are perturbed by their cell keys
afterwards (docs/roles.md, "How suppression works").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import lcm

from samspar.reports.cells import Cells, Equation, Key, collect
from samspar.reports.protection import Check
from samspar.reports.scope import ReportScope
from samspar.reports.tables import Column, Kind, Report, Table

DEFAULT_THRESHOLD = 5

# A cell's rank in the cost of hiding it: a total hides last.
INNER, SUM, TOTAL = 0, 1, 2
Cost = tuple[int, int, int]  # (rank, size × tables shown in, order of appearance)


def threshold(scope: ReportScope) -> int:
    """The strictest threshold of the förbund in scope: a report over several förbund
    must protect the participants of each."""
    return max(scope.thresholds(), default=DEFAULT_THRESHOLD)


def shown_count(scope: ReportScope, n: int) -> int | None:
    """A count of participants shown outside a report's tables (the insats page's key
    figures): ``n``, or None where a report for the same reader would hide it — a
    count with 0 < n < threshold for a reader without exact counts. Every count of
    participants that a page, card, chart, the API or the CLI shows outside the
    catalogue goes through here, so there is one rule for small counts."""
    if scope.sees_exact_counts() or not 0 < n < threshold(scope):
        return n
    return None


@dataclass(frozen=True)
class Built:
    """A report and the scope it was built for."""

    report: Report
    scope: ReportScope


def suppress(parts: Sequence[Built]) -> None:
    """Suppress the reports of ``parts`` together, as one publication, with the
    strictest threshold among their scopes."""
    if not parts:
        return
    limit = max(threshold(part.scope) for part in parts)
    suppress_tables([table for part in parts for table in part.report.tables], limit)


def suppress_table(table: Table, limit: int) -> Table:
    """One table on its own, as a publication of its own."""
    suppress_tables([table], limit)
    return table


def suppress_tables(tables: list[Table], limit: int) -> None:
    """The tables of one publication together, with ``limit`` as the threshold."""
    cells = collect(tables)
    small = {k for k, q in cells.quantities.items() if any(0 < v < limit for v in q.values)}
    check = Check(cells, small, limit)
    hidden = _protect(check, costs(cells))
    for key in hidden:
        for table, r, column in cells.quantities[key].positions:
            table.suppressed.add((r, column))
    for table in tables:
        _hide_derived(table, limit)
    _hide_weighted_means(check, tables, hidden)
    for table in tables:
        for r, key in table.suppressed:
            table.rows[r][table.column_index(key)] = None


def costs(cells: Cells) -> dict[Key, Cost]:
    """What hiding each shown quantity costs the reader: its rank (a total, a sum of
    other cells, an inner cell), then its size times the tables that show it; the order
    of appearance breaks ties, so the choice is deterministic."""
    result: dict[Key, Cost] = {}
    for order, (key, quantity) in enumerate(cells.quantities.items()):
        if quantity.shown:
            rank = max(rank_of(table, r, column) for table, r, column in quantity.positions)
            result[key] = (rank, quantity.size * len(quantity.positions), order)
    return result


def rank_of(table: Table, row: int, column: str) -> int:
    """TOTAL for a cell of the total row, SUM for a row or a column that sums others,
    INNER for the rest."""
    if row == table.total_row:
        return TOTAL
    return SUM if row in table.row_sums or column in table.column_sums else INNER


def _protect(check: Check, cost: dict[Key, Cost]) -> set[Key]:
    """The quantities to hide: the small shown ones, and the cheapest cover that keeps
    every small one from being pinned to one value by what the reader knows."""
    cells = check.cells
    primary = {k for k in check.small if k in cost}
    hidden = set(primary)
    while exposed := check.exposed(hidden):
        cover = _cover(cells, cost, hidden, check.implied, exposed)
        if cover is None:  # no shown count left that could cover it
            break
        hidden.add(cover)
    _prune(check, cost, hidden, primary)
    if _swap_totals(check, cost, hidden, primary):
        _prune(check, cost, hidden, primary)
    return hidden


def _prune(check: Check, cost: dict[Key, Cost], hidden: set[Key], primary: set[Key]) -> None:
    """Redundancy elimination: every secondary cell, the most expensive first, is shown
    again if no small count is then exposed."""
    for key in sorted(hidden - primary, key=lambda k: cost[k], reverse=True):
        if not check.exposed(hidden - {key}):
            hidden.discard(key)


def _swap_totals(check: Check, cost: dict[Key, Cost], hidden: set[Key], primary: set[Key]) -> bool:
    """Each secondary total or sum, the most expensive first, gives way to the cheapest
    inner count of its equations that protects as well (the greedy cover may have taken
    it where a cell further off would also do). Whether any did."""
    cells = check.cells
    swapped_any = False
    for key in sorted(hidden - primary, key=lambda k: cost[k], reverse=True):
        if cost[key][0] == INNER:
            continue
        near = _around(cells, _around(cells, {key}))
        inner = sorted(
            (
                k
                for k in near
                if k in cost and cost[k][0] == INNER and k not in hidden
                if cells.quantities[k].size
            ),
            key=lambda k: cost[k],
        )
        for other in inner:
            swapped = (hidden - {key}) | {other}
            if not check.exposed(swapped):
                hidden.discard(key)
                hidden.add(other)
                swapped_any = True
                break
    return swapped_any


def _cover(
    cells: Cells, cost: dict[Key, Cost], hidden: set[Key], implied: set[Key], exposed: list[Key]
) -> Key | None:
    """A count to hide so that the exposed ones may no longer follow: the cheapest shown
    count in an equation with one of them, else one equation further out."""
    reached = set(exposed)
    while reached:
        around = _around(cells, reached)
        cover = _cheapest(cells, cost, around, hidden)
        if cover is not None:
            return cover
        further = {k for k in around if k in hidden or k in implied}
        if further <= reached:
            return None
        reached |= further
    return None


def _around(cells: Cells, keys: set[Key]) -> set[Key]:
    """The quantities of every equation that holds one of ``keys``."""
    return {k for e in cells.equations if not keys.isdisjoint(e) for k in e}


def _cheapest(cells: Cells, cost: dict[Key, Cost], keys: set[Key], hidden: set[Key]) -> Key | None:
    """The shown, not hidden, non-zero quantity of ``keys`` that costs least (a zero is
    no cover: a reader knows a hidden cell is never a zero hidden for being small)."""
    candidates = [k for k in keys if k in cost and k not in hidden and cells.quantities[k].size]
    return min(candidates, key=lambda k: cost[k], default=None)


# --- derived cells -------------------------------------------------------------------


def is_mean(column: Column) -> bool:
    """A mean (or the youngest, the oldest, a mean's change) over the one count it
    names, as against a share or a change of counts, which is a ratio of them."""
    return column.kind == Kind.NUMBER and len(column.sources) == 1


def _hide_derived(table: Table, limit: int) -> None:
    """Hide the shares and means that would give a hidden count back or cover too few.

    - A share (a percent, a change of a count or of a share) hides with any count it is
      computed from: with the other one shown it gives the hidden one back.
    - A mean hides when its population is below the threshold (a mean over one person
      is that person's value); beside a hidden count of many persons it is shown, unless
      the means of a sum of rows would give a hidden count back (_hide_weighted_means).
    """
    for column in (c for c in table.columns if c.sources):
        for r in range(len(table.rows)):
            rows = (r,) if column.base_row is None else (r, column.base_row)
            cells = [(row, source) for row in rows for source in column.sources]
            if is_mean(column):
                values = [table.value(row, source) for row, source in cells]
                hide = any(isinstance(v, int) and 0 < v < limit for v in values)
            else:
                hide = any(cell in table.suppressed for cell in cells)
            if hide:
                table.suppressed.add((r, column.key))


def _hide_weighted_means(check: Check, tables: list[Table], hidden: set[Key]) -> None:
    """The means of a sum of rows (women, men, total) make one more equation between
    their counts: total × its mean = Σ part × its mean. Where they are all shown and a
    count of the sum is hidden, the equation joins the others (a reader has it too) if
    no small count then follows; else the means of the rows with hidden counts go."""
    quantities = check.cells.quantities
    where = {(id(t), r, c): k for k, q in quantities.items() for t, r, c in q.positions}
    equations: list[Equation] = []
    for table in tables:
        for column, rows in _mean_sums(table):
            (source,) = column.sources
            terms: dict[Key, Fraction] = {}
            residual = Fraction(0)
            for r, sign in zip(rows, (-1, *(1 for _ in rows[1:])), strict=True):
                mean, n = table.value(r, column.key), table.value(r, source)
                if isinstance(mean, int | float | Decimal) and isinstance(n, int):
                    key = where[id(table), r, source]
                    terms[key] = terms.get(key, Fraction(0)) + sign * Fraction(mean)
                    residual += sign * n * Fraction(mean)
            # Only a mean adds up so (the youngest and the oldest do not).
            if abs(residual) > Fraction(1, 10**6) * (1 + sum(abs(c) for c in terms.values())):
                continue
            scale = lcm(*(c.denominator for c in terms.values()))
            equation = {k: int(c * scale) for k, c in terms.items() if c}
            if not equation:
                continue
            if check.exposed(hidden, [*equations, equation]):
                table.suppressed |= {
                    (r, column.key) for r in rows if (r, source) in table.suppressed
                }
            else:
                equations.append(equation)


def _mean_sums(table: Table) -> Iterator[tuple[Column, tuple[int, ...]]]:
    """(mean column, (total row, part rows…)) where every mean is shown and a count of
    the sum is hidden. A generator: each sum is looked at once the sums before it are
    checked, so a sum whose mean one of them hid gives no equation (a reader lacks it)."""
    sums = dict(table.row_sums)
    if table.total_row is not None and table.total_row not in sums:
        sums[table.total_row] = tuple(r for r in range(len(table.rows)) if r != table.total_row)
    for column in (c for c in table.columns if is_mean(c) and c.base_row is None):
        (source,) = column.sources
        for total, parts in sums.items():
            rows = (total, *parts)
            if all((r, column.key) not in table.suppressed for r in rows) and any(
                (r, source) in table.suppressed for r in rows
            ):
                yield column, rows
