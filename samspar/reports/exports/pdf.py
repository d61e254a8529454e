"""PDF: the report's tables with their charts as vector graphics, laid out by
WeasyPrint from an HTML template (no browser, no JavaScript)."""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import HTML

# A module import: presentation formats with exports.common, which imports this package.
from samspar.reports import presentation
from samspar.reports.exports.common import header
from samspar.reports.scope import ReportScope
from samspar.reports.tables import Report


def render(report: Report, scope: ReportScope) -> bytes:
    html = render_to_string(
        "reports/export_pdf.html",
        {
            "header": header(report, scope),
            "tables": [presentation.table_view(t) for t in report.tables],
        },
    )
    return bytes(HTML(string=html).write_pdf())
