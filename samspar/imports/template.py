"""The downloadable .xlsx template of a kind: one sheet with a column per variable
(Swedish headings, a note on each) — for an insats with questions of its own, one per
question after them —, a sheet per code list, drop-downs on the code columns referring
to those sheets, and a "Läs mig" sheet."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from samspar.imports.choices import SOURCES, options
from samspar.imports.engine import Column, Kind
from samspar.reports.exports.common import csv_safe
from samspar.reports.exports.xlsx import set_value

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


# The sheet of the questions' choices (one column per choice question).
OPTIONS_SHEET = "Frågornas val"


def _questions_note() -> str:
    """The "Läs mig" line on the question columns (for an insats with questions)."""
    return _(
        "The förbund's own questions: one column per question of the insats, headed by "
        "the question (each column's note says what it takes). Yes/no: Ja or Nej. "
        "Number: with a decimal comma (5,5). Date: YYYY-MM-DD. One choice: one of the "
        "question's choices. Several choices: the choices separated by semicolons (;). A "
        "question asked at the end is answered only on a row with an end date within the "
        "question's period. An empty cell: not answered."
    )


def build(kind: Kind, insats: Insats | None = None) -> bytes:
    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = "Läs mig"
    sheet = book.create_sheet(kind.sheet)
    bold = Font(bold=True)
    lists: dict[str, str] = {}
    columns = kind.columns_for(insats)
    own = columns[len(kind.columns) :]  # the insats's questions
    for column in columns:
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
    option_lists = _option_lists(book, columns)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        set_value(cell, column.heading)  # a question's text that looks like a formula too
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
        elif column.key in option_lists:
            validation = DataValidation(
                type="list",
                formula1=option_lists[column.key],
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle="Okänt värde",
                error="Välj ett värde i listan.",
            )
            validation.add(cells)
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    what = {"enrolments": "deltagare och insatsperiod"}.get(kind.key, "rad")
    for i, line in enumerate(README, start=1):
        readme.cell(row=i, column=1, value=line.format(what=what, sheet=kind.sheet))
    readme["A1"].font = Font(bold=True, size=14)
    start = len(README) + 1
    if own:
        readme.cell(row=start, column=1, value=_questions_note())
        start += 1
    start += 1
    readme.cell(row=start, column=1, value="Kolumn").font = bold
    readme.cell(row=start, column=2, value="Beskrivning").font = bold
    for i, column in enumerate(columns, start=start + 1):
        set_value(readme.cell(row=i, column=1), column.heading)
        description = column.help
        if column.required:
            description = f"Obligatorisk. {description}".strip()
        if column.choices:
            description = f"{description} Värden: bladet '{SOURCES[column.choices][0]}'.".strip()
        set_value(readme.cell(row=i, column=2), description)
    readme.column_dimensions["A"].width = 40
    readme.column_dimensions["B"].width = 90
    book.active = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _option_lists(book: Workbook, columns: tuple[Column, ...]) -> dict[str, str]:
    """The columns whose values are their own list (a question's choices) on a sheet of
    their own, one column each: the drop-downs' ranges by column key."""
    with_options = [c for c in columns if c.options]
    if not with_options:
        return {}
    ws = book.create_sheet(OPTIONS_SHEET)
    ranges = {}
    for index, column in enumerate(with_options, start=1):
        letter = get_column_letter(index)
        set_value(ws.cell(row=1, column=index), column.heading)
        ws.cell(row=1, column=index).font = Font(bold=True)
        for row, label in enumerate(column.options, start=2):
            # As the label is: a drop-down's pick must read back as the choice.
            set_value(ws.cell(row=row, column=index), label)
        ws.column_dimensions[letter].width = max(20, min(60, len(column.heading) + 2))
        last = max(2, len(column.options) + 1)
        ranges[column.key] = f"{quote_sheetname(OPTIONS_SHEET)}!${letter}$2:${letter}${last}"
    return ranges
