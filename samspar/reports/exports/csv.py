"""CSV as Swedish Excel opens it: UTF-8 with a byte-order mark, semicolons, decimal
commas. The tables follow one another, each after a blank line and its title."""

from __future__ import annotations

import csv
import io
from typing import Any

from samspar.reports.exports.common import (
    SUPPRESSED,
    csv_safe,
    decimal_comma,
    header,
    plain,
)
from samspar.reports.scope import ReportScope
from samspar.reports.tables import Column, Report, Table, Value


def render(report: Report, scope: ReportScope) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for label, value in header(report, scope).lines():
        writer.writerow([csv_safe(label), csv_safe(value)])
    for table in report.tables:
        writer.writerow([])
        write_table(writer, table)
    return ("\ufeff" + out.getvalue()).encode()


def write_table(writer: Any, table: Table) -> None:
    """``table``'s title, headings, rows and note as rows of ``writer`` (a csv.writer)."""
    writer.writerow([csv_safe(str(table.title))])
    writer.writerow([csv_safe(str(c.label)) for c in table.columns])
    for r, row in enumerate(table.rows):
        writer.writerow(
            [
                _cell(value, column, (r, column.key) in table.suppressed)
                for column, value in zip(table.columns, row, strict=True)
            ]
        )
    if table.note:
        writer.writerow([csv_safe(str(table.note))])


def _cell(value: Value, column: Column, hidden: bool) -> str:
    if hidden:
        return SUPPRESSED
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_safe(value)
    return decimal_comma(value, column)
