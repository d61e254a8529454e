"""A table of categories by women and men, with a total column and a total row, for the
suppression tests."""

from __future__ import annotations

from collections.abc import Sequence

from samspar.reports.tables import Column, Kind, Table, Value


def gender_grid(rows: Sequence[tuple[int, int]]) -> Table:
    """One row per (women, men), then their total row; counts may be ``Counted``."""
    lines: list[list[Value]] = [[f"c{i}", w, m, w + m] for i, (w, m) in enumerate(rows)]
    women, men = sum(w for w, _m in rows), sum(m for _w, m in rows)
    lines.append(["Total", women, men, women + men])
    return Table(
        "t",
        "T",
        [
            Column("group", "Group", Kind.LABEL),
            Column("women", "Women"),
            Column("men", "Men"),
            Column("total", "Total"),
        ],
        lines,
        total_row=len(lines) - 1,
        column_sums={"total": ("women", "men")},
    )
