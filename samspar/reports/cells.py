"""The counts of one or more reports as one set of quantities, and the equations between
them, for small-count suppression.

A quantity is what a count counts: its ``CellKey`` (``Table.cell_key``). The same
quantity can be shown in several tables (the ended who were not early dropouts are in the
results table and in the throughput table) and can be *implied* by a table without being
shown in it (``Table.implied``). Equations come from the tables' total rows, row and
column sums, implied counts and explicit ``Table.lines``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from samspar.reports.tables import Kind, Table

Key = Hashable  # a CellKey, or a table's own key for a cell of a table without dims
Equation = dict[Key, int]  # coefficient per quantity; the sum is zero


@dataclass
class Quantity:
    # Where it is shown: (table, row index, column key). Empty for an implied count.
    positions: list[tuple[Table, int, str]] = field(default_factory=list)
    values: list[int] = field(default_factory=list)  # every occurrence, shown or implied

    @property
    def shown(self) -> bool:
        return bool(self.positions)

    @property
    def size(self) -> int:
        """The smallest of its values: the cover a hidden quantity gives is that small."""
        return min(self.values)


@dataclass
class Cells:
    quantities: dict[Key, Quantity] = field(default_factory=dict)  # in order of appearance
    equations: list[Equation] = field(default_factory=list)

    def add(self, key: Key, value: int, position: tuple[Table, int, str] | None) -> None:
        quantity = self.quantities.setdefault(key, Quantity())
        quantity.values.append(value)
        if position is not None:
            quantity.positions.append(position)

    def equation(self, left: Iterable[Key], right: Iterable[Key]) -> None:
        """sum(left) = sum(right); a quantity not among the cells is a known zero."""
        coefficients: Equation = {}
        for key, sign in [*((k, 1) for k in left), *((k, -1) for k in right)]:
            if key in self.quantities:
                coefficients[key] = coefficients.get(key, 0) + sign
        equation = {k: c for k, c in coefficients.items() if c}
        if equation:
            self.equations.append(equation)


def count_keys(table: Table) -> list[str]:
    return [c.key for c in table.columns if c.kind == Kind.COUNT]


def count(table: Table, row: int, key: str) -> int:
    value = table.value(row, key)
    return value if isinstance(value, int) else 0


def implied_value(table: Table, row: int, key: str) -> int:
    implied = next(i for i in table.implied if i.key == key)
    return sum(count(table, row, k) for k in implied.plus) - sum(
        count(table, row, k) for k in implied.minus
    )


def keyed_values(table: Table) -> dict[tuple[int, str], tuple[Key, int]]:
    """Every count and implied count of ``table``: (row, key) → (quantity key, value)."""
    dims = {c.key: c.dims for c in table.columns} | {i.key: i.dims for i in table.implied}
    cells: dict[tuple[int, str], tuple[Key, int]] = {}
    for r in range(len(table.rows)):
        for key in count_keys(table):
            own = table.cell_key(r, dims[key]) or ("cell", id(table), r, key)
            cells[r, key] = (own, count(table, r, key))
        for implied in table.implied:
            own = table.cell_key(r, implied.dims) or ("implied", id(table), r, implied.key)
            cells[r, implied.key] = (own, implied_value(table, r, implied.key))
    return cells


def collect(tables: Iterable[Table]) -> Cells:
    cells = Cells()
    keyed = []
    for table in tables:
        keys = keyed_values(table)
        shown = set(count_keys(table))
        for (r, key), (quantity, value) in keys.items():
            cells.add(quantity, value, (table, r, key) if key in shown else None)
        keyed.append((table, keys))
    for table, keys in keyed:
        _equations(cells, table, {cell: quantity for cell, (quantity, _v) in keys.items()})
    return cells


def _equations(cells: Cells, table: Table, key: dict[tuple[int, str], Key]) -> None:
    columns = [*count_keys(table), *(i.key for i in table.implied)]
    rows = range(len(table.rows))
    row_sums = dict(table.row_sums)
    if table.total_row is not None and table.total_row not in row_sums:
        row_sums[table.total_row] = tuple(r for r in rows if r != table.total_row)
    for total, parts in row_sums.items():
        for c in columns:
            cells.equation([key[total, c]], [key[r, c] for r in parts])
    for r in rows:
        for total_key, part_keys in table.column_sums.items():
            cells.equation([key[r, total_key]], [key[r, k] for k in part_keys])
        for implied in table.implied:
            cells.equation(
                [key[r, k] for k in implied.plus],
                [*(key[r, k] for k in implied.minus), key[r, implied.key]],
            )
    for left, right in table.lines:
        cells.equation(left, right)
