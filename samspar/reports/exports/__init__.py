"""Reports as files: Excel, CSV, JSON and PDF, all from the same ``Report``.

Pages, the CLI and the API call ``export``; a format module only formats, it never
computes (the figures and their suppression happen in ``ReportSpec.build``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from samspar.reports.exports import csv, json, pdf, xlsx
from samspar.reports.exports.common import filename
from samspar.reports.exports.json import report_dict
from samspar.reports.scope import ReportScope
from samspar.reports.tables import Report

FORMATS = ("xlsx", "csv", "json", "pdf")

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "pdf": "application/pdf",
}

_RENDERERS: dict[str, Callable[[Report, ReportScope], bytes]] = {
    "xlsx": xlsx.render,
    "csv": csv.render,
    "json": json.render,
    "pdf": pdf.render,
}


@dataclass(frozen=True)
class Exported:
    content: bytes
    content_type: str
    filename: str


def export(report: Report, scope: ReportScope, fmt: str) -> Exported:
    """``report`` as a file in ``fmt`` (one of FORMATS)."""
    if fmt not in _RENDERERS:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    content = _RENDERERS[fmt](report, scope)
    return Exported(content, CONTENT_TYPES[fmt], filename(report, scope, fmt))


__all__ = ["CONTENT_TYPES", "FORMATS", "Exported", "export", "report_dict"]
