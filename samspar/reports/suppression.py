"""Small-count suppression for outputs meant for others than the insats's registrators.

It works on every table of a report (or of an annual report) at once, on quantities
rather than cells: a cell's key (``Table.cell_key``) says what it counts, and the same
quantity shown in two tables is hidden in both (``reports.cells``).

- *Primary*: every count with 0 < n < threshold is hidden, and so is every count whose
  difference from the same count in a report the reader could subtract it from (the
  report without the gender filter, the levels above: ``reports.comparisons``) would
  be one.
- *Secondary*: where an equation (a total row, a row or column sum, an implied count)
  has exactly one hidden or small unknown, the smallest non-zero shown count in it is
  hidden too, until no equation has a lone one; then no hidden small count may follow
  from all the equations together (``reports.linear``), else one more cell goes.
- Derived cells (percent, mean) hide with any count they come from.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from samspar.reports import linear
from samspar.reports.cells import Cells, Key, collect, keyed_values
from samspar.reports.comparisons import comparisons
from samspar.reports.scope import ReportScope
from samspar.reports.tables import CellKey, Report, Table

DEFAULT_THRESHOLD = 5


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
    """A report, the scope it was built for, and how to build it for another scope."""

    report: Report
    scope: ReportScope
    build: Callable[[ReportScope], Report]


def suppress(parts: Sequence[Built]) -> None:
    """Suppress the reports of ``parts`` together, as one publication."""
    if not parts:
        return
    limit = max(threshold(part.scope) for part in parts)
    cells = collect(table for part in parts for table in part.report.tables)
    small = _small(cells, limit)
    differenced, hidden_there = _differenced(parts, limit)
    small += [k for k in differenced if k not in small]
    hidden = _protect(cells, small, hidden_there)
    for key in hidden:
        for table, r, column in cells.quantities[key].positions:
            table.suppressed.add((r, column))
    for part in parts:
        for table in part.report.tables:
            _hide_derived(table)


def suppress_table(table: Table, limit: int) -> Table:
    """One table on its own (no other tables, no comparisons)."""
    cells = collect([table])
    for key in _protect(cells, _small(cells, limit)):
        for _table, r, column in cells.quantities[key].positions:
            table.suppressed.add((r, column))
    _hide_derived(table)
    return table


def _small(cells: Cells, limit: int) -> list[Key]:
    return [k for k, q in cells.quantities.items() if any(0 < v < limit for v in q.values)]


def _differenced(parts: Sequence[Built], limit: int) -> tuple[list[Key], set[Key]]:
    """The non-zero counts whose difference from a comparison report
    (reports.comparisons) is a small count; and those the report without the gender
    filter hides itself (its women are this report's women: the two must hide the same
    cells, or one would uncover the other's). One more report per comparison."""
    found: list[Key] = []
    hidden_there: set[Key] = set()
    for part in parts:
        own = _values(part.report)
        for comparison in comparisons(part.scope):
            report = part.build(comparison.scope)
            other = _values(report)
            for (table_key, key), value in own.items():
                twin = _without_gender(key) if comparison.without_gender else key
                difference = other.get((table_key, twin), 0) - value
                if value and 0 < difference < limit and key not in found:
                    found.append(key)
            if comparison.without_gender:
                cells = collect(report.tables)
                there = _protect(cells, _small(cells, limit))
                hidden_there |= {k for (_t, k), value in own.items() if value and k in there}
    return found, hidden_there


def _values(report: Report) -> dict[tuple[str, CellKey], int]:
    """The counts of a report that have a key, by table and key."""
    return {
        (table.key, key): value
        for table in report.tables
        for key, value in keyed_values(table).values()
        if isinstance(key, frozenset)
    }


def _without_gender(key: CellKey) -> CellKey:
    return frozenset((d, v) for d, v in key if d != "gender")


def _protect(cells: Cells, small: list[Key], hidden_too: Collection[Key] = ()) -> set[Key]:
    """The quantities to hide: the small ones, ``hidden_too``, and enough others to cover
    them."""
    hidden = {k for k in [*small, *hidden_too] if cells.quantities[k].shown}
    protected = set(small)
    implied = {k for k, q in cells.quantities.items() if not q.shown}
    while True:
        _cover_lone_unknowns(cells, hidden, protected, implied)
        unknown = hidden | implied
        exposed = [k for k in linear.determined(cells.equations, unknown) if k in protected]
        cover = _cover(cells, hidden, implied, exposed)
        if cover is None:
            return hidden
        hidden.add(cover)


def _cover_lone_unknowns(
    cells: Cells, hidden: set[Key], protected: set[Key], implied: set[Key]
) -> None:
    """Secondary suppression: no equation may leave a hidden or small count as its only
    unknown (an implied count that is not small may be worked out)."""
    changed = True
    while changed:
        changed = False
        for equation in cells.equations:
            unknown = [k for k in equation if k in hidden or k in implied]
            if len(unknown) != 1 or (unknown[0] not in hidden and unknown[0] not in protected):
                continue
            cover = _smallest(cells, [k for k in equation if k not in hidden], hidden)
            if cover is not None:
                hidden.add(cover)
                changed = True


def _cover(cells: Cells, hidden: set[Key], implied: set[Key], exposed: list[Key]) -> Key | None:
    """A count to hide so that the exposed ones may no longer follow: the smallest shown
    count in an equation with one of them, else one equation further out."""
    reached = set(exposed)
    while reached:
        equations = [e for e in cells.equations if any(k in reached for k in e)]
        candidates = [k for e in equations for k in e if k not in hidden]
        cover = _smallest(cells, candidates, hidden)
        if cover is not None:
            return cover
        further = {k for e in equations for k in e if k in hidden or k in implied}
        if further <= reached:
            return None
        reached |= further
    return None


def _smallest(cells: Cells, keys: list[Key], hidden: set[Key]) -> Key | None:
    """The shown, not hidden quantity with the smallest non-zero count (first on a tie)."""
    shown = [
        k
        for k in dict.fromkeys(keys)
        if k not in hidden and cells.quantities[k].shown and cells.quantities[k].size
    ]
    return min(shown, key=lambda k: cells.quantities[k].size, default=None)


def _hide_derived(table: Table) -> None:
    """Percentages and means hide with any count they come from; hidden cells become
    None."""
    for column in table.columns:
        for r in range(len(table.rows)):
            rows = (r,) if column.base_row is None else (r, column.base_row)
            if any((row, source) in table.suppressed for row in rows for source in column.sources):
                table.suppressed.add((r, column.key))
    for r, key in table.suppressed:
        table.rows[r][table.column_index(key)] = None
