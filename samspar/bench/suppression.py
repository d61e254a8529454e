"""`samspar bench suppression`: how much small-count suppression hides.

Every report of the catalogue, and an insats's annual report, is built twice over the
same scope: with exact counts and *for publication* (``ReportScope.published``). The
two are compared cell by cell. What suppression must hide are the counts below the
threshold; what it costs the reader are the counts at or above it that it hides too
(secondary suppression), above all totals (a total row, a column that sums others, a
row that sums others), and the shares and means over counts at or above the threshold.
Nothing is written to the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from samspar.annual.compose import build_annual_report
from samspar.organisation.models import Forbund, Insats, InsatsKind
from samspar.reports.catalogue import REPORTS
from samspar.reports.scope import Level, Operator, ReportScope
from samspar.reports.suppression import threshold
from samspar.reports.tables import Kind, Table

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

ANNUAL = "annual report"  # the key of the annual report's line
GOAL_PERCENT = 5.0  # at most this share of the counts at or above the threshold hidden


@dataclass
class Tally:
    """Cells of a report, exact against for publication."""

    counts: int = 0  # counts at or above the threshold
    hidden: int = 0  # … of them hidden
    totals: int = 0  # totals at or above the threshold
    totals_hidden: int = 0
    derived: int = 0  # shares and means whose counts are all at or above the threshold
    derived_hidden: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.counts + other.counts,
            self.hidden + other.hidden,
            self.totals + other.totals,
            self.totals_hidden + other.totals_hidden,
            self.derived + other.derived,
            self.derived_hidden + other.derived_hidden,
        )

    @property
    def hidden_percent(self) -> float:
        return 100 * self.hidden / self.counts if self.counts else 0.0

    @property
    def meets_goal(self) -> bool:
        return self.hidden_percent <= GOAL_PERCENT and not self.totals_hidden


@dataclass(frozen=True)
class Section:
    """One scope: a förbund's or an insats's reports."""

    title: str
    threshold: int
    reports: dict[str, Tally] = field(default_factory=dict)

    @property
    def total(self) -> Tally:
        return sum(self.reports.values(), Tally())


def is_total(table: Table, row: int, column: str) -> bool:
    """A cell of the total row, of a row that sums others, or of a column that sums others."""
    return row == table.total_row or row in table.row_sums or column in table.column_sums


def tally(exact: Iterable[Table], shown: Iterable[Table], limit: int) -> Tally:
    """Compare the tables of a report with exact counts with the same tables for
    publication (same order, same shape)."""
    result = Tally()
    for table, published in zip(exact, shown, strict=True):
        for column in table.columns:
            for r in range(len(table.rows)):
                hidden = (r, column.key) in published.suppressed
                value = table.value(r, column.key)
                if column.kind == Kind.COUNT and isinstance(value, int) and value >= limit:
                    result.counts += 1
                    result.hidden += hidden
                    if is_total(table, r, column.key):
                        result.totals += 1
                        result.totals_hidden += hidden
                elif column.sources and value is not None and _large(table, r, column.key, limit):
                    result.derived += 1
                    result.derived_hidden += hidden
    return result


def _large(table: Table, row: int, key: str, limit: int) -> bool:
    """Whether every count a share or mean is computed from is at or above the threshold."""
    column = table.columns[table.column_index(key)]
    rows = (row,) if column.base_row is None else (row, column.base_row)
    values = [table.value(r, source) for r in rows for source in column.sources]
    return all(isinstance(v, int) and v >= limit for v in values)


def catalogue(exact: ReportScope, published: ReportScope) -> dict[str, Tally]:
    limit = threshold(published)
    return {
        key: tally(spec.compute(exact).tables, spec.build(published).tables, limit)
        for key, spec in REPORTS.items()
    }


def annual(insats: Insats, year: int) -> Tally:
    """The insats's annual report for ``year``, exact and for publication."""
    exact = build_annual_report(_operator(exact=True), insats, year)
    shown = build_annual_report(_operator(exact=False), insats, year, published=True)
    tables = [t for chapter in exact.chapters for t in chapter.tables]
    published = [t for chapter in shown.chapters for t in chapter.tables]
    return tally(tables, published, threshold(shown.scope))


def _operator(*, exact: bool) -> AbstractBaseUser:
    # The annual report takes a user; the operator reads everything, as on the CLI.
    return cast("AbstractBaseUser", Operator(exact=exact))


def _scopes(year: int, level: Level, object_id: int) -> tuple[ReportScope, ReportScope]:
    period = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    return (
        ReportScope.for_operator(*period, exact=True, level=level, object_id=object_id),
        ReportScope.for_operator(*period, level=level, object_id=object_id, published=True),
    )


def default_forbund() -> Forbund | None:
    """The first förbund (the demo's Södra Dalarnas samordningsförbund)."""
    return Forbund.objects.order_by("pk").first()


def default_insats(forbund: Forbund) -> Insats | None:
    """The förbund's first insats with personal data (the demo's Samverkansteam Avesta)."""
    return forbund.insatser.filter(kind=InsatsKind.INDIVIDUAL).order_by("pk").first()


def run(forbund: Forbund, insats: Insats | None, year: int) -> list[Section]:
    """The förbund's reports, and the insats's reports and annual report, for ``year``."""
    exact, published = _scopes(year, Level.FORBUND, forbund.pk)
    sections = [Section(forbund.name, threshold(published), catalogue(exact, published))]
    if insats is not None:
        exact, published = _scopes(year, Level.INSATS, insats.pk)
        reports = catalogue(exact, published)
        reports[ANNUAL] = annual(insats, year)
        sections.append(Section(insats.name, threshold(published), reports))
    return sections
