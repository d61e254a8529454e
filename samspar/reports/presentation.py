"""A report table as every HTML and Word output shows it — the report page, the PDF
export, the annual report's preview, PDF and .docx: cells formatted in the active
language by ``exports.common.display`` and the chart beside them. It only formats;
the figures are computed before."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.utils.safestring import SafeString, mark_safe

# A module import: charts imports exports.common, whose package (exports.pdf) imports
# this module.
from samspar.reports import charts
from samspar.reports.exports.common import display
from samspar.reports.tables import Column, Kind, Table, Value

# More columns than this and a table is "wide": the report page puts its chart below
# it. The annual report's PDF and .docx print smaller type only above seven.
WIDE_ABOVE = 5


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool = False
    suppressed: bool = False


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    total: bool = False


@dataclass(frozen=True)
class TableView:
    """A table with every cell already formatted, and its chart."""

    table: Table
    title: str
    note: str
    headers: list[Cell]
    rows: list[Row]
    wide_above: int = WIDE_ABOVE

    @property
    def has_suppressed(self) -> bool:
        return bool(self.table.suppressed)

    @property
    def hidden_note(self) -> str:
        """What "–" means, under a table with a hidden cell (its chart says it too)."""
        return str(charts.HIDDEN_NOTE)

    @property
    def wide(self) -> bool:
        """Many columns: laid out with less room per column."""
        return len(self.table.columns) > self.wide_above

    @cached_property
    def chart_svg(self) -> SafeString | None:
        svg = charts.chart_svg(self.table)
        # vl-convert escapes every text it draws, labels included: safe to inline.
        return mark_safe(svg) if svg else None

    def png(self) -> bytes | None:
        return charts.chart_png(self.table)


def table_view(
    table: Table, *, percent_sign: bool = False, wide_above: int = WIDE_ABOVE
) -> TableView:
    """``table`` formatted. ``percent_sign``: shares show "%" after them (the page; the
    PDFs and the .docx have it in the column heading only)."""

    def cell(r: int, column: Column, value: Value) -> Cell:
        hidden = (r, column.key) in table.suppressed
        return Cell(
            display(value, column, hidden, percent_sign=percent_sign),
            numeric=column.kind != Kind.LABEL,
            suppressed=hidden,
        )

    return TableView(
        table=table,
        title=str(table.title),
        note=str(table.note),
        headers=[Cell(str(c.label), numeric=c.kind != Kind.LABEL) for c in table.columns],
        rows=[
            Row(
                [cell(r, c, v) for c, v in zip(table.columns, values, strict=True)],
                total=r == table.total_row,
            )
            for r, values in enumerate(table.rows)
        ],
        wide_above=wide_above,
    )
