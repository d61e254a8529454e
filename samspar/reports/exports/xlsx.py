"""Excel: one sheet per table under the report's header block. Numbers are stored as
numbers, unrounded, with a number format that shows the column's decimals, so the reader
can compute with them; text is always stored as text, never as a formula."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from samspar.reports.exports.common import SUPPRESSED, Header, formula_like, header, plain
from samspar.reports.scope import ReportScope
from samspar.reports.tables import Column, Kind, Report, Table, Value

NUMBER_FORMATS = {
    Kind.COUNT: "#,##0",
    Kind.AMOUNT: "#,##0",
    Kind.TALLY: "#,##0",
    Kind.PERCENT: "0.0",
    Kind.NUMBER: "0.0",
}
_BOLD = Font(bold=True)


def column_number_format(column: Column) -> str | None:
    """How Excel shows the column's (unrounded) numbers: its decimals, thousands grouped
    for counts and amounts."""
    if column.kind not in NUMBER_FORMATS:
        return None
    if column.decimals is None:
        return NUMBER_FORMATS[column.kind]
    return "0" if column.decimals == 0 else "0." + "0" * column.decimals


_SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def render(report: Report, scope: ReportScope) -> bytes:
    head = header(report, scope)
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in report.tables:
        sheet = book.create_sheet(sheet_name(table, used))
        _write_table(sheet, head, table)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def set_value(cell: Cell, value: Value) -> None:
    """Store ``value`` in ``cell``; text that looks like a formula stays text."""
    value = plain(value)
    cell.value = value
    if isinstance(value, str) and formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def _write_table(sheet: Worksheet, head: Header, table: Table) -> None:
    set_value(sheet.cell(1, 1), head.title)
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    row = 2
    for name, text in head.lines()[1:]:
        set_value(sheet.cell(row, 1), name)
        set_value(sheet.cell(row, 2), text)
        row += 1
    row += 1
    set_value(sheet.cell(row, 1), str(table.title))
    sheet.cell(row, 1).font = Font(bold=True, size=12)
    row += 1
    for c, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row, c)
        set_value(cell, str(column.label))
        cell.font = _BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row + 1, 2)
    for r, values in enumerate(table.rows):
        row += 1
        for c, (column, value) in enumerate(zip(table.columns, values, strict=True), start=1):
            cell = sheet.cell(row, c)
            if (r, column.key) in table.suppressed:
                cell.value = SUPPRESSED
                cell.alignment = Alignment(horizontal="right")
                continue
            set_value(cell, value)
            number_format = column_number_format(column)
            if number_format:
                cell.number_format = number_format
            if r == table.total_row:
                cell.font = _BOLD
    if table.note:
        set_value(sheet.cell(row + 2, 1), str(table.note))
    sheet.column_dimensions["A"].width = 36
    for c in range(2, len(table.columns) + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 16


def sheet_name(table: Table, used: set[str]) -> str:
    """The table's sheet name (``Table.sheet``), or its title shortened (``short_name``);
    unique among ``used``."""
    return unique_sheet_name(str(table.sheet) or short_name(str(table.title)), used)


def short_name(title: str) -> str:
    """A title within Excel's 31 characters without cutting a word: without what follows
    " – " (the population, written in the sheet), then without what follows the first
    comma, then cut at a space, with "…"."""
    name = _SHEET_NAME_FORBIDDEN.sub(" ", title).strip("' ")
    for separator in (" – ", ", "):
        if len(name) > _SHEET_NAME_MAX:
            name = name.split(separator)[0]
    if len(name) > _SHEET_NAME_MAX:
        name = name[: _SHEET_NAME_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,–-") + "…"
    return name


def unique_sheet_name(title: str, used: set[str]) -> str:
    """A unique sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    base = _SHEET_NAME_FORBIDDEN.sub(" ", title).strip("' ")[:_SHEET_NAME_MAX] or "Sheet"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        suffix = f" ({n})"
        name = base[: _SHEET_NAME_MAX - len(suffix)] + suffix
    used.add(name.lower())
    return name
