"""PDF: the report's tables with their charts as vector graphics, laid out by
WeasyPrint from an HTML template (no browser, no JavaScript)."""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import HTML, Document

# A module import: presentation formats with exports.common, which imports this package.
from samspar.reports import presentation
from samspar.reports.exports.common import header
from samspar.reports.scope import ReportScope
from samspar.reports.tables import Report

# A4 landscape holds seven columns in the normal type; above that a table is set smaller.
WIDE_ABOVE = 7


def document(report: Report, scope: ReportScope) -> Document:
    """The laid-out PDF (WeasyPrint's pages and boxes, for ``render`` and for tests)."""
    html = render_to_string(
        "reports/export_pdf.html",
        {
            "header": header(report, scope),
            "tables": [presentation.table_view(t, wide_above=WIDE_ABOVE) for t in report.tables],
        },
    )
    return HTML(string=html).render()


def render(report: Report, scope: ReportScope) -> bytes:
    return bytes(document(report, scope).write_pdf())
