"""Tables of categories by some count columns (women and men), with a total column and a
total row, for the suppression tests."""

from __future__ import annotations

from collections.abc import Sequence

from samspar.reports.tables import Column, Kind, Table, Value


def grid(rows: Sequence[Sequence[int]], columns: Sequence[str]) -> Table:
    """One row per tuple of counts in ``columns``, then their total row; counts may be
    ``Counted``."""
    lines: list[list[Value]] = [[f"c{i}", *row, sum(row)] for i, row in enumerate(rows)]
    totals = [sum(row[j] for row in rows) for j in range(len(columns))]
    lines.append(["Total", *totals, sum(totals)])
    return Table(
        "t",
        "T",
        [
            Column("group", "Group", Kind.LABEL),
            *(Column(key, key.capitalize()) for key in columns),
            Column("total", "Total"),
        ],
        lines,
        total_row=len(lines) - 1,
        column_sums={"total": tuple(columns)},
    )


def gender_grid(rows: Sequence[tuple[int, int]]) -> Table:
    """One row per (women, men), then their total row."""
    return grid(rows, ("women", "men"))
