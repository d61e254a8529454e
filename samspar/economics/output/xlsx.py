"""Excel: a summary sheet with the facts and the plain-language paragraphs, then one
sheet per table. Numbers stay numbers; text never becomes a formula."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from samspar.economics.output import tables
from samspar.economics.output.metadata import metadata_lines
from samspar.economics.output.summary import summary_paragraphs
from samspar.economics.report import EconomicsReport
from samspar.reports.exports.xlsx import NUMBER_FORMATS, set_value, unique_sheet_name
from samspar.reports.tables import Table

_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def render(report: EconomicsReport) -> bytes:
    book = Workbook()
    used: set[str] = set()
    sheet = book.active
    sheet.title = unique_sheet_name(_("Summary"), used)
    _write_summary(sheet, report)
    for table in tables.report_tables(report):
        overrides: dict[str, str] = {}
        if table.key == "values":  # kronor and shares side by side: as they are
            table, overrides = tables.values_table(report, numeric=True), {"amount": "General"}
        sheet = book.create_sheet(unique_sheet_name(sheet_title(table.key, report), used))
        write_table(sheet, report.title, table, overrides)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_title(key: str, report: EconomicsReport) -> str:
    """A short name for the sheet of table ``key`` (Excel allows 31 characters and no
    colon, so the tables' own titles would be cut or lose their punctuation)."""
    titles = {
        "assumptions": _("Inputs"),
        "results": _("Results"),
        "per_participant": _("Per participant"),
        "items": _("Items per actor"),
        "bands_revenue": _("Uncertainty revenue"),
        "bands_profit_first_year": _("Uncertainty 1 year"),
        "bands_profit": ngettext(
            "Uncertainty %(years)s year", "Uncertainty %(years)s years", report.result.horizon_years
        )
        % {"years": report.result.horizon_years},
        "bands_payback": _("Uncertainty payback"),
        "curve": _("Cumulative"),
        "cohorts": _("Groups"),
        "mapping": _("From the registry"),
        "switching": _("Switching values"),
        "sensitivity": _("Sensitivity"),
        "switching_inputs": _("Switching deadweight work"),
        "values": _("Standard values"),
    }
    return titles.get(key, key)


def _write_summary(sheet: Worksheet, report: EconomicsReport) -> None:
    set_value(sheet.cell(1, 1), report.title)
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    row = 2
    for label, value in metadata_lines(report)[1:]:
        set_value(sheet.cell(row, 1), label)
        sheet.cell(row, 1).font = _BOLD
        set_value(sheet.cell(row, 2), value)
        row += 1
    row += 1
    set_value(sheet.cell(row, 1), _("Summary"))
    sheet.cell(row, 1).font = Font(bold=True, size=12)
    for paragraph in summary_paragraphs(report):
        row += 1
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        set_value(sheet.cell(row, 1), paragraph)
        sheet.cell(row, 1).alignment = _WRAP
        # Excel does not grow a merged cell's row to its text: about 110 characters a line.
        sheet.row_dimensions[row].height = 15 * (len(paragraph) // 110 + 1)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100


def write_table(sheet: Worksheet, title: str, table: Table, overrides: dict[str, str]) -> None:
    """``title`` in the first row, the table's title in the second, then the table
    from the fourth and its note two rows below it (``overrides``: number formats by
    column key)."""
    set_value(sheet.cell(1, 1), title)
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    set_value(sheet.cell(2, 1), str(table.title))
    sheet.cell(2, 1).font = Font(bold=True, size=12)
    row = 4
    for c, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row, c)
        set_value(cell, str(column.label))
        cell.font = _BOLD
        cell.alignment = _WRAP
    sheet.freeze_panes = sheet.cell(row + 1, 2)
    for r, values in enumerate(table.rows):
        row += 1
        for c, (column, value) in enumerate(zip(table.columns, values, strict=True), start=1):
            cell = sheet.cell(row, c)
            set_value(cell, value)
            number_format = overrides.get(column.key, NUMBER_FORMATS.get(column.kind))
            if number_format and isinstance(value, int | float):
                cell.number_format = number_format
            if r == table.total_row:
                cell.font = _BOLD
    if table.note:
        set_value(sheet.cell(row + 2, 1), str(table.note))
    sheet.column_dimensions["A"].width = 36
    for c in range(2, len(table.columns) + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 18
