"""Small-count suppression for tables meant for others than the insats's registrators.

Primary: a COUNT cell with 0 < n < threshold is hidden. Secondary: where a row or a
column that has a total loses exactly one cell, the next smallest non-zero cell of
that line is hidden too, so the hidden cell cannot be recovered by subtraction; this
repeats until no line has a lone hidden cell. Derived cells (percent, mean) hide with
the count they come from.
"""

from __future__ import annotations

from samspar.reports.scope import ReportScope
from samspar.reports.tables import Kind, Report, Table

DEFAULT_THRESHOLD = 5


def threshold(scope: ReportScope) -> int:
    """The strictest threshold of the förbund in scope: a report over several förbund
    must protect the participants of each."""
    return max(scope.thresholds(), default=DEFAULT_THRESHOLD)


def suppress_report(report: Report, scope: ReportScope) -> Report:
    limit = threshold(scope)
    for table in report.tables:
        suppress_table(table, limit)
    return report


def suppress_table(table: Table, threshold: int) -> Table:
    count_keys = [c.key for c in table.columns if c.kind == Kind.COUNT]
    hidden = table.suppressed
    for r, row in enumerate(table.rows):
        for key in count_keys:
            n = row[table.column_index(key)]
            if isinstance(n, int) and 0 < n < threshold:
                hidden.add((r, key))
    _secondary(table, count_keys, hidden)
    for column in table.columns:
        for r in range(len(table.rows)):
            if any((r, source) in hidden for source in column.sources):
                hidden.add((r, column.key))
    for r, key in hidden:
        table.rows[r][table.column_index(key)] = None
    return table


def _secondary(table: Table, count_keys: list[str], hidden: set[tuple[int, str]]) -> None:
    lines: list[list[tuple[int, str]]] = []
    if table.total_row is not None and table.total_row not in table.row_sums:
        # each column: its cells sum to the total row
        lines += [[(r, k) for r in range(len(table.rows))] for k in count_keys]
    for total_row, part_rows in table.row_sums.items():  # each column: parts sum to a row
        lines += [[(r, k) for r in (total_row, *part_rows)] for k in count_keys]
    for total, parts in table.column_sums.items():  # each row: parts sum to a total cell
        lines += [[(r, k) for k in (total, *parts)] for r in range(len(table.rows))]
    changed = True
    while changed:
        changed = False
        for line in lines:
            lone = [cell for cell in line if cell in hidden]
            if len(lone) != 1:
                continue
            candidates = [
                cell for cell in line if cell not in hidden and _count(table, cell) not in (None, 0)
            ]
            if candidates:
                hidden.add(min(candidates, key=lambda cell: _count(table, cell) or 0))
                changed = True


def _count(table: Table, cell: tuple[int, str]) -> int | None:
    value = table.rows[cell[0]][table.column_index(cell[1])]
    return value if isinstance(value, int) else None
