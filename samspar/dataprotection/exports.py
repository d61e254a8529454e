"""The access log as CSV (Swedish Excel: BOM, semicolons) and Excel, with the reports'
guard against spreadsheet formulas (a user name or insats name starting with "=" stays
text)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from samspar.access.models import AccessLog
from samspar.reports.exports.common import csv_safe
from samspar.reports.exports.xlsx import set_value

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _header(with_detail: bool) -> list[str]:
    columns = [
        _("Time"),
        _("User"),
        _("Kind"),
        _("Insats"),
        _("Samordningsförbund"),
        _("Records shown"),
        _("Purpose"),
    ]
    return [*columns, _("Detail")] if with_detail else columns


def _row(entry: AccessLog, with_detail: bool) -> list[str | int]:
    user = entry.user
    who = (user.get_full_name() or user.get_username()) if user else _("the server operator")
    row: list[str | int] = [
        timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
        str(who),
        str(entry.get_kind_display()),
        entry.insats.name,
        entry.insats.forbund.name,
        entry.records,
        entry.purpose,
    ]
    return [*row, entry.detail] if with_detail else row


def render(entries: Iterable[AccessLog], fmt: str, *, with_detail: bool) -> bytes:
    """``with_detail``: the entries' detail (which enrolment, which page) — for the data
    protection officer only, as an enrolment id is a key to one person."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(_header(with_detail))
        for entry in entries:
            row = _row(entry, with_detail)
            writer.writerow([csv_safe(v) if isinstance(v, str) else v for v in row])
        return ("\ufeff" + out.getvalue()).encode()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Access log")[:31]
    for c, label in enumerate(_header(with_detail), start=1):
        set_value(sheet.cell(1, c), label)
        sheet.cell(1, c).font = Font(bold=True)
    for r, entry in enumerate(entries, start=2):
        for c, value in enumerate(_row(entry, with_detail), start=1):
            set_value(sheet.cell(r, c), value)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()
