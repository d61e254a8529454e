"""The downloadable .xlsx template of a kind: one sheet with a column per variable
(Swedish headings, a note on each), a sheet per code list, drop-downs on the code
columns referring to those sheets, and a "Läs mig" sheet."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from samspar.imports.choices import SOURCES, options
from samspar.imports.engine import Kind
from samspar.reports.exports.common import csv_safe

if TYPE_CHECKING:
    from samspar.organisation.models import Insats

ROWS_WITH_VALIDATION = 100_000

README = [
    "Mall för import till Samspår",
    "",
    "Fyll i en rad per {what} på bladet '{sheet}'. Rubrikraden får inte ändras.",
    "Okänt värde: lämna cellen tom eller skriv 'okänd', 'ej registrerat' eller '-'.",
    "Datum: skriv som datum i Excel, eller som text ÅÅÅÅ-MM-DD, ÅÅÅÅMMDD eller D/M/ÅÅÅÅ.",
    "Tal: decimalkomma eller decimalpunkt (5,75 eller 5.75).",
    "Ja/nej-kolumner: Ja eller Nej (tomt = okänt).",
    "Kolumner med listor: välj i rullistan; värdena finns på bladen med listorna.",
    "Flera värden i en cell (försörjning): avskilj med semikolon (;).",
    "Importen provkörs först: inget sparas innan du har sett resultatet och bekräftat.",
    "Samma fil kan importeras igen utan dubbletter.",
    "Se docs/import.md för alla regler.",
]


def build(kind: Kind, insats: Insats | None = None) -> bytes:
    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = "Läs mig"
    sheet = book.create_sheet(kind.sheet)
    bold = Font(bold=True)
    lists: dict[str, str] = {}
    for column in kind.columns:
        if column.choices and column.choices not in lists:
            title, _loader = SOURCES[column.choices]
            ws = book.create_sheet(title)
            ws["A1"] = title
            ws["A1"].font = bold
            ws["B1"] = "Kod"
            ws["B1"].font = bold
            entries = options(column.choices, insats)
            for i, option in enumerate(entries, start=2):
                ws.cell(row=i, column=1, value=csv_safe(option.shown))
                ws.cell(row=i, column=2, value=option.code)
            ws.column_dimensions["A"].width = 50
            last = max(2, len(entries) + 1)
            lists[column.choices] = f"{quote_sheetname(title)}!$A$2:$A${last}"
    for index, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.heading)
        cell.font = bold
        note = column.help or ("Obligatorisk." if column.required else "")
        if note:
            cell.comment = Comment(note, "Samspår")
        sheet.column_dimensions[letter].width = max(14, len(column.heading) + 2)
        cells = f"{letter}2:{letter}{ROWS_WITH_VALIDATION}"
        if column.choices:
            # Several values in one cell (;) or "okänd" must still be possible: the
            # drop-down offers the list and only informs about other text.
            validation = DataValidation(
                type="list",
                formula1=lists[column.choices],
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="information" if column.many else "warning",
                errorTitle="Okänt värde",
                error="Välj ett värde i listan, eller skriv 'okänd'.",
            )
            validation.add(cells)
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    what = {"enrolments": "deltagare och insatsperiod"}.get(kind.key, "rad")
    for i, line in enumerate(README, start=1):
        readme.cell(row=i, column=1, value=line.format(what=what, sheet=kind.sheet))
    readme["A1"].font = Font(bold=True, size=14)
    start = len(README) + 2
    readme.cell(row=start, column=1, value="Kolumn").font = bold
    readme.cell(row=start, column=2, value="Beskrivning").font = bold
    for i, column in enumerate(kind.columns, start=start + 1):
        readme.cell(row=i, column=1, value=column.heading)
        description = column.help
        if column.required:
            description = f"Obligatorisk. {description}".strip()
        if column.choices:
            description = f"{description} Värden: bladet '{SOURCES[column.choices][0]}'.".strip()
        readme.cell(row=i, column=2, value=description)
    readme.column_dimensions["A"].width = 40
    readme.column_dimensions["B"].width = 90
    book.active = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
