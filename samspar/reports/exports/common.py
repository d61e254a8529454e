"""What every export format shares: the header block, the file name, cell values and
the guard against spreadsheet formula injection."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Model
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from samspar.organisation.models import County, Forbund, Insats, Team
from samspar.reports.aggregates import GENDER_ROWS
from samspar.reports.cellkey import SUPPORT
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
    """What is hidden and why, in one sentence: every output without exact counts says
    it once (the annual report on its first page), and a hidden cell shows only the
    mark. The shown counts may deviate by a few units (cell-key perturbation), so it
    says that too."""
    return _(
        "Counts under {threshold} people are not shown ({mark}) to protect the "
        "participants, nor are the figures that would reveal them; other counts may "
        "deviate by at most {most}, always the same for the same participants, so a table "
        "need not add up."
    ).format(threshold=limit, mark=SUPPRESSED, most=max(SUPPORT))


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


def rounded(value: int | float | Decimal, places: int) -> Decimal:
    """``value`` rounded for display to ``places`` decimals, half away from zero on the
    number as written (3.75 → 3.8, 2.25 → 2.3, 42.857… → 42.9): not Python's round(),
    which rounds half to even and works on the binary float (round(2.675, 2) is 2.67).
    The one rounding rule of every rendered number (docs/definitions.md, "Rounding")."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    result = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return result.copy_abs() if result.is_zero() else result  # never "-0,0"


def display(value: Value, column: Column, hidden: bool, *, percent_sign: bool = False) -> str:
    """A cell as text in the active language (the page, the PDFs, the .docx): grouped
    thousands, the column's decimals (one for shares and means, none for whole numbers)
    by ``rounded``, a dash for a hidden cell, nothing for an unknown, a label as it is.
    ``percent_sign`` puts "%" after a share."""
    if hidden:
        return SUPPRESSED
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, str) or column.kind == Kind.LABEL:
        return str(value)
    # Django's number_format cuts surplus decimals off; round first.
    text = formats.number_format(rounded(value, column.places), column.places, force_grouping=True)
    if column.kind == Kind.PERCENT and percent_sign:
        return f"{text}\N{NO-BREAK SPACE}%"
    return text


def decimal_comma(value: int | float, column: Column) -> str:
    """A number as Swedish Excel reads it from a CSV file: no grouping, decimal comma,
    the column's decimals (a fractional count or amount keeps two)."""
    places = column.places
    whole_kind = column.decimals is None and column.kind not in (Kind.PERCENT, Kind.NUMBER)
    if whole_kind and isinstance(value, float) and not value.is_integer():
        places = 2
    return str(rounded(value, places)).replace(".", ",")
