"""The shape every report has, whatever renders it (page, Excel, CSV, PDF, JSON, CLI).

A figure selector returns a ``Table``: labelled columns, rows of plain values and,
where it helps, a chart description. Renderers never compute; they only format.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.functional import Promise


class Kind(StrEnum):
    LABEL = "label"  # row label (text)
    COUNT = "count"  # a number of people or events: subject to small-count suppression
    PERCENT = "percent"  # a share 0–100, derived from counts
    NUMBER = "number"  # a mean, a duration, a ratio: shown with one decimal by default
    AMOUNT = "amount"  # kronor
    # a whole number that says nothing about participants (staff, insatser): shown
    # as it is, never suppressed
    TALLY = "tally"


Text = str | Promise  # a plain or a lazily translated string

Value = int | float | Decimal | str | Promise | None

# What a count counts, as dimension → value: {"period": (from, to), "population": "new",
# "gender": "K", "education": 3}. Cells with the same dimensions in any table of a report
# (or of an annual report) are the same quantity: suppression hides them together.
Dims = Mapping[str, Hashable]
CellKey = frozenset[tuple[str, Hashable]]


@dataclass(frozen=True)
class Column:
    key: str
    label: Text
    kind: Kind = Kind.COUNT
    # For a PERCENT or NUMBER column: the COUNT column(s) it is computed from (numerator
    # and denominator), so that suppressing either also hides the derived value — a
    # shown percent and a shown numerator would give a hidden denominator away. A
    # PERCENT column is the first over the second less any further ones (the ended −
    # early dropouts), or with ``base_row`` its one count over the base row's.
    depends_on: str | tuple[str, ...] = ()
    # The cells of ``depends_on`` in this row as well: the total row for a share of the
    # grand total, the base year's row for a change since the base year.
    base_row: int | None = None
    # A change since ``base_row`` rather than a share: for a PERCENT column of one count,
    # its change in per cent; for a NUMBER column of a (numerator, denominator) pair, the
    # change of their percentage in percentage points (reports.perturbation recomputes
    # both from the counts as shown).
    change: bool = False
    # For a COUNT column: what its counts count, beside what the table and the row say.
    dims: Dims = field(default_factory=dict, hash=False)
    # Decimals shown (page, PDF, .docx, CSV, Excel's number format); None = the kind's
    # default: one for PERCENT and NUMBER, none otherwise. The value itself is never
    # rounded (docs/definitions.md, "Rounding").
    decimals: int | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.depends_on,) if isinstance(self.depends_on, str) else self.depends_on

    @property
    def places(self) -> int:
        """The decimals a cell of this column is shown with."""
        if self.decimals is not None:
            return self.decimals
        return 1 if self.kind in (Kind.PERCENT, Kind.NUMBER) else 0


@dataclass(frozen=True)
class Chart:
    """A chart of some columns of the table against its label column."""

    kind: str  # "bar", "stacked", "line"
    y: tuple[str, ...]  # column keys to plot
    x_label: Text = ""
    y_label: Text = ""


@dataclass(frozen=True)
class Implied:
    """A count a table does not show but a reader can work out from each of its rows:
    the sum of ``plus`` minus the sum of ``minus`` (participants − under 30 = 30 and
    older). Suppression treats it as a hidden count of its own."""

    key: str
    plus: tuple[str, ...]
    minus: tuple[str, ...]
    dims: Dims = field(default_factory=dict, hash=False)


# Populations of one day of the period — its first (0) or its last (1): a count of them is
# the same count for every period that starts or ends on that day (the annual report shows
# the active at the end of the year and of the years since the start), so its key names
# the day instead of the period.
ON_ONE_DAY = {"active_end": 1, "active_start": 0, "carried_over": 0}

# An equation between cells of a report, by their keys: sum of the left = sum of the right.
Line = tuple[tuple[CellKey, ...], tuple[CellKey, ...]]


@dataclass
class Table:
    key: str
    title: Text
    columns: list[Column]
    rows: list[list[Value]]
    # Index of the row holding totals of the rows above it (secondary suppression uses it).
    total_row: int | None = None
    # Columns that are the sum of other columns in every row, e.g. ended = dropouts + …
    column_sums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Rows that are the sum of other rows in every column, e.g. a category and its
    # sub-categories: {row index: (row indices…)}. Given for the total row, it replaces
    # "all rows above it".
    row_sums: dict[int, tuple[int, ...]] = field(default_factory=dict)
    chart: Chart | None = None
    note: Text = ""
    # The name of its Excel sheet where the title, cut to Excel's 31 characters, would
    # lose what tells it apart (reports.exports.xlsx.sheet_name).
    sheet: Text = ""
    # What every count of the table counts (its period, population, gender filter …) and
    # what each row adds (a gender, a municipality …); with ``Column.dims`` they make the
    # key of a cell. A table without ``dims`` gives its cells keys of their own.
    dims: Dims = field(default_factory=dict)
    row_dims: Sequence[Dims] = field(default_factory=list)
    implied: list[Implied] = field(default_factory=list)
    # Equations with cells of other tables (a county is the sum of its förbund).
    lines: list[Line] = field(default_factory=list)
    # Cells hidden by small-count suppression: (row index, column key).
    suppressed: set[tuple[int, str]] = field(default_factory=set)

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def value(self, row: int, key: str) -> Value:
        return self.rows[row][self.column_index(key)]

    def cell_key(self, row: int, dims: Dims) -> CellKey | None:
        """The key of a count with ``dims`` in ``row``; None if the table has no dims."""
        if not self.dims:
            return None
        return self.key_of({**(self.row_dims[row] if self.row_dims else {}), **dims})

    def key_of(self, dims: Dims) -> CellKey:
        """The key of a count with ``dims`` under this table's dims (for ``lines``)."""
        merged = {**self.dims, **dims}
        period, population = merged.get("period"), merged.get("population")
        day = ON_ONE_DAY.get(population) if isinstance(population, str) else None
        if isinstance(period, tuple) and len(period) == 2 and day is not None:
            merged["period"] = ("on", period[day])
        return frozenset(merged.items())

    def row_by_label(self, label: str) -> list[Value]:
        """The row whose first cell is ``label`` (handy in tests and templates)."""
        return next(r for r in self.rows if str(r[0]) == label)

    def as_dicts(self) -> list[dict[str, Value]]:
        keys = [c.key for c in self.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]


@dataclass
class Report:
    key: str
    title: Text
    tables: list[Table]
    description: Text = ""

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def percent(part: int | None, whole: int | None) -> float | None:
    """part/whole as a percentage, unrounded (the renderers round it for display); None
    when there is no whole."""
    if not whole or part is None:
        return None
    return 100 * part / whole
