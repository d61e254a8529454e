"""An evaluation's ``EconomicsReport`` rendered: tables, charts, a plain-language
summary and the Excel, JSON and PDF files. Renderers only format; nothing here
computes a figure or touches the database."""

from __future__ import annotations

from collections.abc import Callable

from samspar.economics.output import json, pdf, xlsx
from samspar.economics.output.charts import actor_chart_svg, curve_chart_svg, tornado_chart_svg
from samspar.economics.output.metadata import filename
from samspar.economics.output.summary import summary_paragraphs
from samspar.economics.output.tables import report_tables
from samspar.economics.report import EconomicsReport
from samspar.reports.exports import CONTENT_TYPES, Exported

FORMATS = ("xlsx", "json", "pdf")

_RENDERERS: dict[str, Callable[[EconomicsReport], bytes]] = {
    "xlsx": xlsx.render,
    "json": json.render,
    "pdf": pdf.render,
}


def export(report: EconomicsReport, fmt: str) -> Exported:
    """``report`` as a file in ``fmt`` (one of FORMATS)."""
    if fmt not in _RENDERERS:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    return Exported(_RENDERERS[fmt](report), CONTENT_TYPES[fmt], filename(report, fmt))


__all__ = [
    "FORMATS",
    "Exported",
    "actor_chart_svg",
    "curve_chart_svg",
    "export",
    "report_tables",
    "summary_paragraphs",
    "tornado_chart_svg",
]
