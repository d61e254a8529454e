"""Reading an uploaded file: .xlsx (the template or any sheet), or CSV in UTF-8 (with or
without BOM) or Windows-1252 with ``;`` or ``,`` between the values."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook


class FileError(ValueError):
    """The file cannot be read at all; the message says why (in Swedish)."""


@dataclass
class Sheet:
    headings: list[str]
    # (row number as the spreadsheet shows it, the values) for every non-empty row
    rows: Iterator[tuple[int, list[Any]]]
    total: int  # data rows, empty ones included (a progress bar's end)


def is_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) if the bytes are valid UTF-8, else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileError(_("The file is neither UTF-8 nor Windows-1252 text.")) from None


def delimiter(first_line: str) -> str:
    """``;`` or ``,``: whichever the heading line has more of (outside quotes)."""
    counts = {";": 0, ",": 0}
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    return ";" if counts[";"] >= counts[","] and counts[";"] else ","


def _empty(values: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _numbered(rows: Iterator[list[Any]]) -> Iterator[tuple[int, list[Any]]]:
    for number, values in enumerate(rows, start=2):
        if not _empty(values):
            yield number, values


def read_csv(data: bytes) -> Sheet:
    content = decode(data)
    first = content.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter(first))
    try:
        headings = next(reader)
    except StopIteration:
        raise FileError(_("The file is empty.")) from None
    except csv.Error as e:
        raise FileError(_("The file is not valid CSV: %(error)s") % {"error": e}) from None
    total = max(0, sum(1 for line in content.splitlines() if line.strip()) - 1)

    def rows() -> Iterator[list[Any]]:
        try:
            yield from reader
        except csv.Error as e:
            raise FileError(_("The file is not valid CSV: %(error)s") % {"error": e}) from None

    return Sheet([str(h).strip() for h in headings], _numbered(rows()), total)


def read_xlsx(data: bytes, sheet_names: tuple[str, ...]) -> Sheet:
    """The first sheet named one of ``sheet_names`` (the template's), else the first."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise FileError(
            _("The file is not an Excel workbook (.xlsx): %(error)s") % {"error": e}
        ) from None
    wanted = {name.casefold() for name in sheet_names}
    chosen = next((ws for ws in book.worksheets if ws.title.casefold() in wanted), None)
    sheet = chosen or book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = next(rows)
    except StopIteration:
        raise FileError(_("The sheet is empty.")) from None
    headings = ["" if h is None else str(h).strip() for h in header]
    while headings and not headings[-1]:
        headings.pop()
    total = max(0, (sheet.max_row or 1) - 1)
    width = len(headings)

    def values() -> Iterator[list[Any]]:
        for row in rows:
            yield list(row[:width])

    return Sheet(headings, _numbered(values()), total)


def read(data: bytes, sheet_names: tuple[str, ...] = ()) -> Sheet:
    if not data:
        raise FileError(_("The file is empty."))
    if is_xlsx(data):
        return read_xlsx(data, sheet_names)
    return read_csv(data)
