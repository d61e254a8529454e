"""One list of rows as .xlsx or .csv, through the report exports' cell rules
(``samspar.reports.exports``): formula-like text kept as text, numbers in Swedish CSV
with a decimal comma by the same formatter, the CSV as Swedish Excel opens it (UTF-8 with
a byte-order mark, semicolons)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from samspar.reports.exports.common import csv_safe, decimal_comma
from samspar.reports.exports.xlsx import column_number_format, set_value
from samspar.reports.tables import Column, Kind

FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}

Cell = str | int | Decimal | dt.date | bool | None


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    # Lines printed above the table (label, value), e.g. the insats and the month.
    header: Sequence[tuple[str, str]] = ()


def yes_no(value: bool | None) -> str:
    """A yes/no cell; unknown (None) is left empty."""
    if value is None:
        return ""
    return str(_("Yes") if value else _("No"))


def _csv_cell(value: Cell, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | Decimal) and column.kind != Kind.LABEL:
        return decimal_comma(value, column)  # type: ignore[arg-type]
    return csv_safe(str(value))


def render_csv(sheet: Sheet) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for label, value in sheet.header:
        writer.writerow([csv_safe(label), csv_safe(value)])
    if sheet.header:
        writer.writerow([])
    writer.writerow([csv_safe(str(c.label)) for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow([_csv_cell(v, c) for c, v in zip(sheet.columns, row, strict=True)])
    return ("\ufeff" + out.getvalue()).encode()


def render_xlsx(sheet: Sheet) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet.title[:31]
    r = 1
    for label, text in sheet.header:
        set_value(ws.cell(r, 1), label)
        set_value(ws.cell(r, 2), text)
        r += 1
    if sheet.header:
        r += 1
    for c, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(r, c)
        set_value(cell, str(column.label))
        cell.font = Font(bold=True)
    ws.freeze_panes = ws.cell(r + 1, 1)
    for values in sheet.rows:
        r += 1
        for c, (column, value) in enumerate(zip(sheet.columns, values, strict=True), start=1):
            cell = ws.cell(r, c)
            if value is None:
                continue
            if isinstance(value, bool):
                set_value(cell, yes_no(value))
            elif isinstance(value, dt.date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, int | Decimal) and column.kind != Kind.LABEL:
                set_value(cell, value)
                if number_format := column_number_format(column):
                    cell.number_format = number_format
            else:
                set_value(cell, str(value))  # text stays text, a formula-like one too
    for c in range(1, len(sheet.columns) + 1):
        ws.column_dimensions[ws.cell(1, c).column_letter].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(sheet: Sheet, fmt: str) -> bytes:
    return render_xlsx(sheet) if fmt == "xlsx" else render_csv(sheet)
