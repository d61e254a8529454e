"""The core figures both sides compute — #1 counts, #2 results groups, #4 mean throughput
and #6 mean age, by gender and in total — and their comparison.

Django's come from the very selectors the reports use; DuckDB's from
``duckdb_reference``. Both are ``{group: {figure: value}}`` with groups "K", "M", "total".
"""

from __future__ import annotations

from samspar.codelists.models import ResultGroup
from samspar.reports.aggregates import GENDER_ROWS
from samspar.reports.figures import background, outcomes, participants
from samspar.reports.scope import ReportScope
from samspar.reports.tables import Table

GROUPS = (*(code for code, _label in GENDER_ROWS), "total")
RESULT_GROUPS = tuple(g.value for g in ResultGroup if g != ResultGroup.CANCELLED)
COUNTS = ("worked_with", "new", "ended", "active_end")
RESULTS = ("active_start", "ended", "dropouts", *RESULT_GROUPS, "to_goal", "active_end")
# Figure name ("#<figure> <column>") → the column key in that figure's table.
FIGURES: dict[str, str] = {
    **{f"#1 {k}": k for k in COUNTS},
    **{f"#2 {k}": k for k in RESULTS},
    "#4 months": "months",
    "#6 mean_age": "mean_age",
}
MEANS = ("#4 months", "#6 mean_age")  # shown with one decimal: compared to 0.1

Figures = dict[str, dict[str, float | int | None]]


def django_figures(scope: ReportScope) -> Figures:
    tables: dict[str, Table] = {
        "#1": participants.participant_counts(scope),
        "#2": participants.results(scope),
        "#4": outcomes.throughput(scope),
        "#6": background.age_summary(scope),
    }
    figures: Figures = {group: {} for group in GROUPS}
    for name, column in FIGURES.items():
        table = tables[name.split()[0]]
        for row, group in enumerate(GROUPS):
            value = table.value(row, column)
            figures[group][name] = value if isinstance(value, int | float) else None
    return figures


def mismatches(django: Figures, reference: Figures) -> list[str]:
    """Every figure where the two disagree: counts exactly, means to one decimal."""
    found = []
    for group in GROUPS:
        for name in FIGURES:
            a, b = django[group].get(name), reference[group].get(name)
            if a is None or b is None:
                same = a is None and b is None
            elif name in MEANS:
                same = abs(a - b) <= 0.1 + 1e-9
            else:
                same = a == b
            if not same:
                found.append(f"{name} ({group}): Django {a}, DuckDB {b}")
    return found
