"""What every export format shares: the header block, the file name, cell values and
the guard against spreadsheet formula injection."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Model
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from samspar.organisation.models import County, Forbund, Insats, Team
from samspar.reports.aggregates import GENDER_ROWS
from samspar.reports.scope import LEVEL_LABELS, Level, ReportScope
from samspar.reports.suppression import threshold
from samspar.reports.tables import Column, Kind, Report, Value

SUPPRESSED = "–"  # what a hidden cell shows in spreadsheets and PDFs

# A spreadsheet treats a cell starting with one of these as a formula (OWASP, "CSV
# injection"); tab and carriage return can smuggle one past a naive check.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_LEVEL_MODELS: dict[Level, type[Model]] = {
    Level.LAN: County,
    Level.FORBUND: Forbund,
    Level.TEAM: Team,
    Level.INSATS: Insats,
}


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula."""
    return text.startswith(_FORMULA_START)


def csv_safe(text: str) -> str:
    """``text`` with a leading apostrophe if a spreadsheet could run it as a formula."""
    return f"'{text}" if formula_like(text) else text


@dataclass(frozen=True)
class Header:
    """The facts printed above the tables of every export."""

    title: str
    description: str
    period: str
    organisation: str
    gender: str
    generated: str
    suppressed: bool
    published: bool
    threshold: int
    suppression_note: str

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) pairs in print order; empty values left out."""
        lines = [
            (_("Report"), self.title),
            (_("Period"), self.period),
            (_("Organisation"), self.organisation),
            (_("Gender"), self.gender),
            (_("Generated"), self.generated),
            (_("Intended for"), _("Publication") if self.published else ""),
            (_("Small counts"), self.suppression_note),
        ]
        return [(label, value) for label, value in lines if value]


def header(report: Report, scope: ReportScope) -> Header:
    suppressed = not scope.sees_exact_counts()
    limit = threshold(scope)
    return Header(
        title=str(report.title),
        description=str(report.description),
        period=f"{scope.date_from.isoformat()} – {scope.date_to.isoformat()}",
        organisation=organisation_label(scope),
        gender=str(dict(GENDER_ROWS).get(scope.gender, "")),
        generated=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        suppressed=suppressed,
        published=scope.published,
        threshold=limit,
        suppression_note=suppression_note(limit) if suppressed else "",
    )


def small_counts_note(scope: ReportScope) -> str:
    """The note on hidden counts of a report over ``scope``; empty with exact counts."""
    return "" if scope.sees_exact_counts() else suppression_note(threshold(scope))


def suppression_note(limit: int) -> str:
    return _(
        "Counts below {threshold} are hidden ({mark}) to protect the participants, as are "
        "the cells they could be calculated from and the shares and means based on them."
    ).format(threshold=limit, mark=SUPPRESSED)


def organisation_label(scope: ReportScope) -> str:
    """'Samordningsförbund: Finsam Avesta' — the level and the name of its object."""
    level = Level(scope.level)
    if level == Level.ALL:
        return str(LEVEL_LABELS[level])
    obj = _LEVEL_MODELS[level]._default_manager.filter(pk=scope.object_id).first()
    return f"{LEVEL_LABELS[level]}: {obj if obj is not None else scope.object_id}"


def filename(report: Report, scope: ReportScope, ext: str) -> str:
    return f"samspar-{report.key}-{scope.date_from.isoformat()}-{scope.date_to.isoformat()}.{ext}"


def plain(value: Value) -> int | float | str | None:
    """A cell as a JSON/spreadsheet value: lazy strings resolved, amounts as numbers."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def display(value: Value, column: Column, hidden: bool, *, percent_sign: bool = False) -> str:
    """A cell as text in the active language (the page, the PDFs, the .docx): grouped
    thousands, one decimal for shares and means, a dash for a hidden cell, nothing for
    an unknown, a label as it is. ``percent_sign`` puts "%" after a share."""
    if hidden:
        return SUPPRESSED
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, str) or column.kind == Kind.LABEL:
        return str(value)
    # Django's number_format cuts surplus decimals off; round first.
    if column.kind == Kind.PERCENT:
        text = formats.number_format(round(value, 1), 1, force_grouping=True)
        return f"{text}\N{NO-BREAK SPACE}%" if percent_sign else text
    if column.kind == Kind.NUMBER:
        return formats.number_format(round(value, 1), 1, force_grouping=True)
    return formats.number_format(round(value), 0, force_grouping=True)


def decimal_comma(value: int | float, kind: Kind) -> str:
    """A number as Swedish Excel reads it from a CSV file: no grouping, decimal comma."""
    if kind in (Kind.PERCENT, Kind.NUMBER):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".replace(".", ",")
    return str(int(value))
