"""The figures both sides compute, by gender and in total, and their comparison.

Django's are read from the tables of the very selectors the reports use; DuckDB's come
from ``duckdb_reference``. Both are ``{group: {figure: value}}`` with groups "K", "M" and
"total". A figure is named by its number in DOMAIN.md §4 and what it counts: a column
("#1 new"), a code of a code list ("#9 arbete", "#12 region"), an interval ("#8 3–5") or
an insats and a municipality code ("#10 Benchmark 3, 2084").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from samspar.codelists.models import (
    CodeListEntry,
    EducationLevel,
    EndReason,
    ReferringActor,
    ResultGroup,
)
from samspar.organisation.models import Municipality
from samspar.reports.aggregates import GENDER_ROWS, TOTAL
from samspar.reports.distribution import GENDER_COLUMNS
from samspar.reports.figures import background, geography, outcomes, participants
from samspar.reports.populations import AgeOn
from samspar.reports.scope import ReportScope
from samspar.reports.tables import Table, Text

GROUPS = (*(code for code, _label in GENDER_ROWS), "total")
RESULT_GROUPS = tuple(g.value for g in ResultGroup if g != ResultGroup.CANCELLED)
COUNTS = ("worked_with", "new", "ended", "active_end")
RESULTS = ("active_start", "ended", "dropouts", *RESULT_GROUPS, "to_goal", "active_end")
# Figures of the tables with a row per gender and a total row: name → the column key.
GENDER_ROW_FIGURES: dict[str, str] = {
    **{f"#1 {k}": k for k in COUNTS},
    **{f"#2 {k}": k for k in RESULTS},
    "#4 months": "months",
    "#4 goal_months": "goal_months",
    "#5 unknown": "unknown",
    "#5 mean_years": "mean_years",
    "#6 mean_age": "mean_age",
}
# The mean age at the end of the period, besides at start (background.age_summary).
AGE_AT_END = "#6 mean_age_end"
# Compared to 0.1.
MEANS = frozenset({"#4 months", "#4 goal_months", "#5 mean_years", "#6 mean_age", AGE_AT_END})
# Every figure number compared, with what it covers (the check line names them).
COMPARED: dict[str, Text] = {
    "#1": _("counts"),
    "#2": _("results"),
    "#4": _("throughput time"),
    "#5": _("years in public support"),
    "#6": _("mean age"),
    "#7": _("education level"),
    "#8": _("time in the insats"),
    "#9": _("end reasons"),
    "#10": _("home municipality"),
    "#12": _("referring actors"),
}
# The distribution tables' column of each group.
_COLUMNS = {**GENDER_COLUMNS, "total": "total"}

Figure = float | int | None
Figures = dict[str, dict[str, Figure]]


def value(figures: Figures, group: str, name: str) -> Figure:
    """A figure of one side; one it lacks (no row for it) is 0, or no value for a mean."""
    return figures[group].get(name, None if name in MEANS else 0)


def names(*sides: Figures) -> list[str]:
    """Every figure either side has, in the order they come (Django's first)."""
    return list(dict.fromkeys(name for side in sides for g in GROUPS for name in side[g]))


def same(name: str, a: Figure, b: Figure) -> bool:
    """Counts agree exactly, means to one decimal."""
    if a is None or b is None:
        return a is None and b is None
    if name in MEANS:
        return abs(a - b) <= 0.1 + 1e-9
    return a == b


def mismatches(django: Figures, reference: Figures) -> list[str]:
    """Every figure and group where the two disagree."""
    found = []
    for name in names(django, reference):
        for group in GROUPS:
            a, b = value(django, group, name), value(reference, group, name)
            if not same(name, a, b):
                found.append(f"{name} ({group}): Django {a}, DuckDB {b}")
    return found


def django_figures(scope: ReportScope) -> Figures:
    figures: Figures = {group: {} for group in GROUPS}
    tables = {
        "#1": participants.participant_counts(scope),
        "#2": participants.results(scope),
        "#4": outcomes.throughput(scope),
        "#5": background.public_support_years(scope),
        "#6": background.age_summary(scope),
    }
    rows = {number: _gender_rows(table) for number, table in tables.items()}
    for name, column in GENDER_ROW_FIGURES.items():
        number = name.split()[0]
        for group in GROUPS:
            figures[group][name] = _figure(tables[number].value(rows[number][group], column))
    at_end = background.age_summary(scope, age_on=AgeOn.END)
    for group, row in _gender_rows(at_end).items():
        figures[group][AGE_AT_END] = _figure(at_end.value(row, "mean_age"))
    _distribution(
        figures, "#7", background.education_distribution(scope), EducationLevel.objects.all()
    )
    _distribution(figures, "#8", outcomes.time_in_insats(scope), ())
    _distribution(figures, "#9", outcomes.end_reasons(scope), EndReason.objects.all())
    _home_municipality(figures, scope)
    _distribution(
        figures,
        "#12",
        background.referring_actors(scope),
        ReferringActor.objects.select_related("parent"),
    )
    return figures


def _figure(cell: object) -> Figure:
    return cell if isinstance(cell, int | float) else None


def _gender_rows(table: Table) -> dict[str, int]:
    """The row of each group, found by its label."""
    groups = {str(label): code for code, label in [*GENDER_ROWS, ("total", TOTAL)]}
    return {groups[str(row[0])]: i for i, row in enumerate(table.rows)}


def _distribution(
    figures: Figures, number: str, table: Table, entries: Iterable[CodeListEntry]
) -> None:
    """A distribution table's rows but the total, named by the code of the code-list
    entry whose label they show (an interval keeps its label)."""
    codes = {entry.label: entry.code for entry in entries}
    for i, row in enumerate(table.rows):
        if i != table.total_row:
            name = f"{number} {codes.get(str(row[0]), str(row[0]))}"
            for group, column in _COLUMNS.items():
                figures[group][name] = _figure(table.value(i, column))


def _home_municipality(figures: Figures, scope: ReportScope) -> None:
    """#10 has no gender columns: the women's and men's figures are the report's with the
    gender filter. Persons per insats row and municipality column (keyed by code)."""
    municipalities = set(Municipality.objects.values_list("code", flat=True))
    for group in GROUPS:
        gender = "" if group == "total" else group
        table = geography.home_municipality(dataclasses.replace(scope, gender=gender))
        columns = [c.key for c in table.columns if c.key in municipalities]
        for i, row in enumerate(table.rows):
            if i != table.total_row:
                for column in columns:
                    figures[group][f"#10 {row[0]}, {column}"] = _figure(table.value(i, column))
