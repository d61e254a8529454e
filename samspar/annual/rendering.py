"""A report table as every annual-report output shows it: formatted cells in the active
language (the same formatting as the report exports), so the preview, the PDF and the
Word document print the same numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from samspar.annual.chapters import Figure
from samspar.annual.compose import AnnualReport, ChapterContent
from samspar.reports.charts import chart_png, chart_svg
from samspar.reports.exports.common import display
from samspar.reports.tables import Kind, Table


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    total: bool


@dataclass(frozen=True)
class TableView:
    key: str
    title: str
    headers: list[Cell]
    rows: list[Row]
    note: str
    has_hidden: bool
    table: Table

    @property
    def wide(self) -> bool:
        """Many columns: printed smaller, with headers wrapped inside the page width."""
        return len(self.headers) > 7

    def svg(self) -> str | None:
        return chart_svg(self.table)

    def png(self) -> bytes | None:
        return chart_png(self.table)


def table_view(table: Table) -> TableView:
    numeric = [c.kind != Kind.LABEL for c in table.columns]
    rows = [
        Row(
            [
                Cell(display(value, column, (r, column.key) in table.suppressed), is_num)
                for value, column, is_num in zip(row, table.columns, numeric, strict=True)
            ],
            total=r == table.total_row,
        )
        for r, row in enumerate(table.rows)
    ]
    return TableView(
        key=table.key,
        title=str(table.title),
        headers=[Cell(str(c.label), n) for c, n in zip(table.columns, numeric, strict=True)],
        rows=rows,
        note=str(table.note),
        has_hidden=bool(table.suppressed),
        table=table,
    )


@dataclass(frozen=True)
class ChapterView:
    content: ChapterContent
    tables: list[TableView]

    @property
    def code(self) -> str:
        return self.content.chapter.code

    @property
    def title(self) -> str:
        return str(self.content.chapter.title)


def chapter_views(report: AnnualReport) -> list[ChapterView]:
    return [ChapterView(c, [table_view(t) for t in c.tables]) for c in report.chapters]


def missing_label(figure: Figure) -> str:
    """What a chapter cannot show, for the notice in its place."""
    return _("Table “%(table)s” of report “%(report)s” is not available.") % {
        "table": figure.table,
        "report": figure.report,
    }


def paragraphs(text: str) -> list[str]:
    """A text's paragraphs: blank lines separate them, single line breaks stay inside."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
