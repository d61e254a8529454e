"""Counts as a reader without exact counts sees them: after small-count suppression,
every shown count is perturbed by its cell key (``reports.cellkey``), and what is derived
from counts follows the perturbed counts.

- COUNT cells: ``cellkey.perturbed`` (0 stays 0, never below the threshold when the
  count is at or above it). A cell that shows the same records shows the same value in
  every table and report.
- PERCENT cells, and a NUMBER column that is a change of a percentage, are computed
  again from the perturbed counts (``Column.depends_on``, ``base_row``, ``change``): a
  share of exact counts would give the counts back.
- The other NUMBER cells derived from counts (means, youngest and oldest, a mean's
  change) stay computed from the records but are rounded to the decimals they are shown
  with in every output, JSON and Excel too: an unrounded mean is a fraction whose
  denominator is its count (37.2857… = 261/7).

Tables then need not add up: each count has its own perturbation.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from samspar.reports.cellkey import perturbed
from samspar.reports.exports.common import rounded
from samspar.reports.tables import Column, Kind, Table, Value, percent


def perturb(tables: Iterable[Table], threshold: int) -> None:
    """Perturb the shown counts of ``tables`` (suppressed: hidden cells are None)."""
    for table in tables:
        _Perturbed(table, threshold).apply()


class _Perturbed:
    def __init__(self, table: Table, threshold: int) -> None:
        self.table = table
        self.threshold = threshold
        self.exact = [list(row) for row in table.rows]

    def apply(self) -> None:
        for i, column in enumerate(self.table.columns):
            for r, row in enumerate(self.table.rows):
                if row[i] is not None:  # else hidden, or unknown
                    row[i] = self.cell(column, r, row[i])

    def cell(self, column: Column, r: int, value: Value) -> Value:
        if column.kind == Kind.COUNT:
            return perturbed(value, self.threshold)
        if not column.sources or column.kind not in (Kind.PERCENT, Kind.NUMBER):
            return value
        base = column.base_row
        if column.kind == Kind.PERCENT and column.change and base is not None:
            now, then = self.shown(r, column.sources), self.shown(base, column.sources)
            return None if now is None or then is None else percent(now - then, then)
        if column.kind == Kind.PERCENT:
            return self.share(r, column)
        if column.change and base is not None and len(column.sources) > 1:
            now_share, then_share = self.share(r, column), self.share(base, column)
            if now_share is None or then_share is None:
                return None
            return now_share - then_share
        if isinstance(value, int | float | Decimal):
            shown = rounded(value, column.places)
            # A whole number (youngest, oldest) stays one, as for a reader of exact counts.
            return int(shown) if column.places == 0 else float(shown)
        return value

    def shown(self, r: int, keys: tuple[str, ...]) -> int | None:
        """The first column's count less the others', as shown: a count perturbed by
        its records, a tally as it is."""
        values = [self.exact[r][self.table.column_index(k)] for k in keys]
        first, *rest = values
        if not isinstance(first, int) or not all(isinstance(v, int) for v in rest):
            return None
        whole = first - sum(v for v in rest if isinstance(v, int))
        kind = self.table.columns[self.table.column_index(keys[0])].kind
        return perturbed(whole, self.threshold) if kind == Kind.COUNT else whole

    def share(self, r: int, column: Column) -> float | None:
        """The column's share in row ``r`` from the counts as shown."""
        sources = column.sources
        if column.base_row is not None and len(sources) == 1:
            return percent(self.shown(r, sources), self.shown(column.base_row, sources))
        return percent(self.shown(r, sources[:1]), self.shown(r, sources[1:]))
