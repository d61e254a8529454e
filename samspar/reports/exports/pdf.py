"""PDF: the report's tables with their charts as vector graphics, laid out by
WeasyPrint from an HTML template (no browser, no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from weasyprint import HTML

from samspar.reports.charts import chart_svg
from samspar.reports.exports.common import display, header
from samspar.reports.scope import ReportScope
from samspar.reports.tables import Kind, Report, Table


@dataclass(frozen=True)
class CellView:
    text: str
    numeric: bool


@dataclass(frozen=True)
class TableView:
    """A table with every cell already formatted in the active language."""

    title: str
    note: str
    headings: list[str]
    rows: list[tuple[bool, list[CellView]]]  # (is the total row, cells)
    chart: SafeString | None
    has_suppressed: bool


def render(report: Report, scope: ReportScope) -> bytes:
    html = render_to_string(
        "reports/export_pdf.html",
        {"header": header(report, scope), "tables": [table_view(t) for t in report.tables]},
    )
    return bytes(HTML(string=html).write_pdf())


def table_view(table: Table) -> TableView:
    rows = [
        (
            r == table.total_row,
            [
                CellView(
                    display(value, column, (r, column.key) in table.suppressed),
                    column.kind != Kind.LABEL,
                )
                for column, value in zip(table.columns, values, strict=True)
            ],
        )
        for r, values in enumerate(table.rows)
    ]
    svg = chart_svg(table)
    return TableView(
        title=str(table.title),
        note=str(table.note),
        headings=[str(c.label) for c in table.columns],
        rows=rows,
        # vl-convert escapes every label it draws, so its markup is safe to inline.
        chart=mark_safe(svg) if svg else None,
        has_suppressed=bool(table.suppressed),
    )
