"""PDF: the summary, the charts as vector graphics and every table, laid out by
WeasyPrint from ``economics/export_pdf.html`` in the statistics reports' style."""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import HTML

from samspar.economics.output import charts, tables
from samspar.economics.output.metadata import metadata_lines
from samspar.economics.output.summary import summary_paragraphs
from samspar.economics.report import EconomicsReport
from samspar.reports import presentation


def render(report: EconomicsReport) -> bytes:
    html = render_to_string(
        "economics/export_pdf.html",
        {
            "title": report.title,
            "metadata": metadata_lines(report)[1:],
            "summary": summary_paragraphs(report),
            "actor_chart": charts.actor_chart_svg(report),
            "curve_chart": charts.curve_chart_svg(report),
            "tornado_chart": charts.tornado_chart_svg(report),
            "tables": [presentation.table_view(t) for t in tables.report_tables(report)],
        },
    )
    return bytes(HTML(string=html).write_pdf())
